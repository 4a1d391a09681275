import { createServer } from 'node:http';
import { readBodyAtMost, closeAfterAnswer } from '../../subgraphs/transactions/src/infra/http/request-body.ts';
const server = createServer(async (req, res) => {
  const body = await readBodyAtMost(req, 1_000_000);
  closeAfterAnswer(req, res);
  res.writeHead(body === null ? 413 : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: body !== null }));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as any).port;
const big = Buffer.alloc(50_000_000, 97);
for (const mode of ['buffer', 'stream', 'small']) {
  try {
    const body = mode === 'buffer' ? big : mode === 'small' ? 'x' : new ReadableStream({ start(c) { for (let i = 0; i < 50; i++) c.enqueue(new Uint8Array(1_000_000)); c.close(); } });
    const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, duplex: 'half' } as any);
    console.log(mode, r.status, await r.text());
  } catch (e) { console.log(mode, 'ERR', (e as any).cause?.code ?? e); }
}
server.close();
