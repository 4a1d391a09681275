import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a status, headers, a body, and an optional delay before answering. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

export interface FeedServer {
  url: string;
  /** Answers for the next requests, in order; when none is left, `fallback` answers. */
  script(...answers: Answer[]): void;
  fallback: Answer;
  /** Arrival times (ms) of every request so far. */
  requests: number[];
  close(): Promise<void>;
}

/** A stand-in for the ECB: serves scripted answers at /eurofxref-daily.xml. */
export async function startFeedServer(fallback: Answer): Promise<FeedServer> {
  const queue: Answer[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const state = { fallback };
  const requests: number[] = [];
  const server = createServer((_request, response: ServerResponse) => {
    requests.push(Date.now());
    const answer = queue.shift() ?? state.fallback;
    const send = () => {
      if (response.destroyed) return;
      response.writeHead(answer.status ?? 200, { 'content-type': 'text/xml', ...answer.headers });
      response.end(answer.body ?? '');
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/eurofxref-daily.xml`,
    script: (...answers) => queue.push(...answers),
    get fallback() {
      return state.fallback;
    },
    set fallback(answer: Answer) {
      state.fallback = answer;
    },
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
