import WebSocket from 'ws';
import { sleep } from './report.ts';

/**
 * Subscribers speaking graphql-transport-ws (the graphql-ws protocol) over plain `ws` sockets. A full
 * graphql-ws client parses and validates every message; 1,000 of them in one process cost more CPU
 * than the server under test spends, and the benchmark would measure the clients. These count `next`
 * messages from their raw bytes, look for "errors" in each, and parse every `parseEvery`-th one fully.
 */
export interface Subscribers {
  close(): Promise<void>;
}

export interface NextMessage {
  index: number;
  atMs: number;
  /** Set on messages that were parsed (every parseEvery-th, and every one carrying errors). */
  result?: { data?: any; errors?: readonly unknown[] };
  hasErrors: boolean;
}

const openChunk = 100;
const nextPrefix = Buffer.from('"type":"next"');
const errorsKey = Buffer.from('"errors"');

export async function openSubscribers(options: {
  url: string;
  count: number;
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
  /** 1 parses every message. */
  parseEvery?: number;
  onNext(message: NextMessage): void;
  onError?(index: number, error: string): void;
}): Promise<Subscribers> {
  const sockets: WebSocket[] = [];
  const parseEvery = options.parseEvery ?? 1;
  const subscribe = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: options.query, variables: options.variables ?? {} } });
  const init = JSON.stringify({ type: 'connection_init', payload: options.token ? { authorization: `Bearer ${options.token}` } : {} });

  function open(index: number): Promise<void> {
    return new Promise((acknowledged, fail) => {
      const socket = new WebSocket(options.url, 'graphql-transport-ws');
      sockets.push(socket);
      let seen = 0;
      let ready = false;
      socket.on('open', () => socket.send(init));
      socket.on('error', (error) => (ready ? options.onError?.(index, String(error)) : fail(error)));
      socket.on('close', (code, reason) => {
        if (!ready) fail(new Error(`subscriber ${index} closed before ack: ${code} ${reason.toString()}`));
        else if (code !== 1000) options.onError?.(index, `closed ${code} ${reason.toString()}`);
      });
      socket.on('message', (raw: Buffer) => {
        const atMs = performance.now();
        if (raw.indexOf(nextPrefix) !== -1) {
          seen += 1;
          const hasErrors = raw.indexOf(errorsKey) !== -1;
          const parse = hasErrors || seen % parseEvery === 0;
          const result = parse ? (JSON.parse(raw.toString('utf8')) as { payload: NextMessage['result'] }).payload : undefined;
          options.onNext({ index, atMs, result, hasErrors });
          return;
        }
        const message = JSON.parse(raw.toString('utf8')) as { type: string; payload?: unknown };
        switch (message.type) {
          case 'connection_ack':
            ready = true;
            socket.send(subscribe);
            acknowledged();
            break;
          case 'ping':
            socket.send('{"type":"pong"}');
            break;
          case 'error':
            options.onError?.(index, JSON.stringify(message.payload));
            break;
          default:
            break;
        }
      });
    });
  }

  for (let start = 0; start < options.count; start += openChunk) {
    const chunk: Promise<void>[] = [];
    for (let index = start; index < Math.min(options.count, start + openChunk); index++) chunk.push(open(index));
    await Promise.all(chunk);
  }
  return {
    close: async () => {
      const closed = Promise.all(
        sockets.map((socket) =>
          socket.readyState === WebSocket.CLOSED ? null : new Promise<void>((done) => {
            socket.once('close', () => done());
            socket.close(1000);
          }),
        ),
      );
      await Promise.race([closed, sleep(5_000)]);
      for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
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
