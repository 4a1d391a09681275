import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTextBounded, retryAfterMs, type BoundedFetchRequest } from '@clearhouse/kernel/http/bounded-fetch';

const retryDate = new Date(Date.now() + 120_000);

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('héllo'),
  '/large': (_req, res) => res.writeHead(200).end(Buffer.alloc(4096, 0x61)),
  '/bad-utf8': (_req, res) => res.writeHead(200).end(Buffer.from([0x61, 0xff, 0xfe, 0x62])),
  // Headers, a first byte, then nothing: only a bound on the whole exchange cuts this off.
  '/stall': (_req, res) => {
    res.writeHead(200);
    res.write('a');
  },
  '/429-seconds': (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down'),
  '/429-date': (_req, res) => res.writeHead(429, { 'retry-after': retryDate.toUTCString() }).end('slow down'),
  '/500': (_req, res) => res.writeHead(500).end(),
  '/headers': (req, res) => res.writeHead(200).end(String(req.headers['x-probe'] ?? '')),
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route === undefined) res.writeHead(404).end();
    else route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function request(path: string, overrides: Partial<BoundedFetchRequest> = {}): BoundedFetchRequest {
  return { url: `${base}${path}`, redirect: 'error', timeoutMs: 2_000, bytesMax: 1024, signal: new AbortController().signal, ...overrides };
}

describe('fetchTextBounded', () => {
  it('returns the text of a 2xx answer, sending the caller headers', async () => {
    expect(await fetchTextBounded(request('/ok'))).toEqual({ kind: 'text', text: 'héllo' });
    expect(await fetchTextBounded(request('/headers', { headers: { 'x-probe': 'p1' } }))).toEqual({ kind: 'text', text: 'p1' });
  });

  it('refuses a body over bytesMax', async () => {
    expect(await fetchTextBounded(request('/large', { bytesMax: 1000 }))).toEqual({ kind: 'too-large', bytesMax: 1000 });
    expect(await fetchTextBounded(request('/large', { bytesMax: 4096 }))).toMatchObject({ kind: 'text' });
  });

  it('refuses a body that is not valid UTF-8', async () => {
    expect(await fetchTextBounded(request('/bad-utf8'))).toEqual({ kind: 'not-utf8' });
  });

  it('times out a server that stalls mid-body', async () => {
    const started = Date.now();
    expect(await fetchTextBounded(request('/stall', { timeoutMs: 200 }))).toEqual({ kind: 'timeout', timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('rethrows the reason of an abort of the caller signal', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 50);
    await expect(fetchTextBounded(request('/stall', { signal: controller.signal }))).rejects.toBe(reason);
  });

  it('reports a 429 with Retry-After in seconds', async () => {
    expect(await fetchTextBounded(request('/429-seconds'))).toEqual({ kind: 'http', status: 429, retryAfterMs: 7_000 });
  });

  it('reports a 429 with Retry-After as an HTTP date', async () => {
    const outcome = await fetchTextBounded(request('/429-date'));
    expect(outcome).toMatchObject({ kind: 'http', status: 429 });
    const waitMs = (outcome as { retryAfterMs: number | null }).retryAfterMs;
    expect(waitMs).not.toBeNull();
    // The HTTP date has a one-second resolution.
    expect(waitMs!).toBeGreaterThan(100_000);
    expect(waitMs!).toBeLessThanOrEqual(120_000);
  });

  it('reports a non-2xx answer without Retry-After', async () => {
    expect(await fetchTextBounded(request('/500'))).toEqual({ kind: 'http', status: 500, retryAfterMs: null });
  });

  it('reports a refused connection as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await fetchTextBounded(request('/ok', { url: `http://127.0.0.1:${port}/ok` }));
    expect(outcome.kind).toBe('unreachable');
    expect((outcome as { reason: string }).reason).toMatch(/ECONNREFUSED/);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds, HTTP dates, and nothing else', () => {
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs(' 3 ', now)).toBe(3_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});
