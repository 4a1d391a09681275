import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sleep } from './report.ts';

export interface Subscribers {
  clients: Client[];
  close(): Promise<void>;
}

const openChunk = 100;

/**
 * `count` graphql-ws clients, each on its own WebSocket, each with one subscription. `onNext` gets the
 * subscriber's index, the result and the receive time (performance.now()).
 */
export async function openSubscribers(options: {
  url: string;
  count: number;
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
  onNext(index: number, result: { data?: any; errors?: readonly unknown[] }, atMs: number): void;
  onError?(index: number, error: unknown): void;
}): Promise<Subscribers> {
  const clients: Client[] = [];
  for (let start = 0; start < options.count; start += openChunk) {
    const connected: Promise<void>[] = [];
    for (let index = start; index < Math.min(options.count, start + openChunk); index++) {
      let opened!: () => void;
      connected.push(new Promise<void>((done) => (opened = done)));
      const client = createClient({
        url: options.url,
        webSocketImpl: WebSocket,
        connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
        retryAttempts: 0,
        lazy: true,
        on: { connected: () => opened() },
      });
      client.subscribe(
        { query: options.query, variables: options.variables ?? {} },
        {
          next: (result) => options.onNext(index, result, performance.now()),
          error: (error) => options.onError?.(index, error),
          complete: () => {},
        },
      );
      clients.push(client);
    }
    await Promise.all(connected);
  }
  return {
    clients,
    close: async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await sleep(50);
    },
  };
}

/** Polls `read` until it returns `target` (or more), or throws after `ms`. */
export async function waitFor(what: string, read: () => Promise<number> | number, target: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value >= target) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${value} of ${target} after ${ms / 1000} s`);
    await sleep(20);
  }
}
