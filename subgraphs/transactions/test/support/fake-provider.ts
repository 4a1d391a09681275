import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A REST-poll provider (DESIGN.md 3.4) on loopback: a real node:http server speaking its format. Items
 * are JSON texts served in order; the cursor "c{n}" means "from item n". One-shot behaviours queued with
 * `next` answer the next requests instead of a page (errors, 429, stalls, garbage).
 */
export interface ProviderRequest {
  cursor: string | null;
  limit: number;
  authorization: string | undefined;
  atMs: number;
}

export type Behaviour = (response: ServerResponse) => void;

export interface FakeProvider {
  url: string;
  items: string[];
  requests: ProviderRequest[];
  /** At the end of the items: `same` answers an empty page with the same cursor, `null` a null next_cursor. */
  endCursor: 'same' | 'null';
  next(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

export const fail = (status: number, headers: Record<string, string> = {}): Behaviour => (response) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end('{"error":"scripted"}');
};
/** Never answers: the poller's timeout must cut it off. */
export const stall: Behaviour = () => {};
/** Sends the headers and part of a body, then stalls. */
export const stallMidBody: Behaviour = (response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('{"data":[');
};
export const answer = (text: string): Behaviour => (response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(text);
};

export async function startFakeProvider(apiKey: string, items: string[] = []): Promise<FakeProvider> {
  const sockets = new Set<Socket>();
  const queued: Behaviour[] = [];
  const provider: FakeProvider = {
    url: '',
    items,
    requests: [],
    endCursor: 'same',
    next: (...behaviours) => queued.push(...behaviours),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://provider');
    const cursor = url.searchParams.get('cursor');
    const limit = Number(url.searchParams.get('limit') ?? 100);
    provider.requests.push({ cursor, limit, authorization: request.headers.authorization, atMs: Date.now() });
    const scripted = queued.shift();
    if (scripted !== undefined) return scripted(response);
    if (url.pathname !== '/api/transactions') return fail(404)(response);
    if (request.headers.authorization !== `Bearer ${apiKey}`) return fail(401)(response);
    const offset = cursor === null ? 0 : Number(cursor.slice(1));
    const page = provider.items.slice(offset, offset + limit);
    const end = offset + page.length >= provider.items.length;
    const nextCursor = end && provider.endCursor === 'null' ? null : `c${offset + page.length}`;
    answer(`{"data":[${page.join(',')}],"next_cursor":${JSON.stringify(nextCursor)}}`)(response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return provider;
}
