import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchHeaders, createPartner, footprint, gatewaySecret, post, quarantineOf, startTestServer, type TestServer } from './support/ingest-server.ts';

const secret = 'orbit-batch-secret';
const path = '/ingest/ORBIT/batch';

const ts = Date.now() - 60_000;

function line(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, round: `R-${id}`, player: 'u9', game: 'GX-204', kind: 'BET', amount: '12.3400', ccy: 'USD', bonus: 0, ref: null, ts, ...overrides });
}

describe('POST /ingest/{code}/batch (ndjson-batch)', () => {
  let server: TestServer;
  let partnerId: string;

  beforeAll(async () => {
    server = await startTestServer('batch', { ingest: { gatewaySecrets: gatewaySecret, batchBytesMax: 2_000_000 } });
    partnerId = await createPartner(server, { code: 'ORBIT', adapter: 'NDJSON_BATCH', secrets: [secret], games: ['GX-204'] });
  });
  afterAll(async () => server?.stop());

  it('stores every line and reports the counts; amounts keep every decimal place', async () => {
    const body = [line('A-1'), line('A-2', { kind: 'WIN', amount: '0.0001' }), line('A-3', { bonus: true })].join('\n') + '\n';
    const answer = await post(server.url(path), body, batchHeaders(body, secret));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ accepted: 3, duplicates: 0, held: 0, quarantined: { count: 0, malformed: 0, records: [] } });
    const rows = await server.sql`select external_id, amount::text, funding from transactions.transactions where partner_id = ${partnerId} order by external_id`;
    expect(rows.map((row) => [row.external_id, row.amount, row.funding])).toEqual([
      ['A-1', '12.3400', 'CASH'],
      ['A-2', '0.0001', 'CASH'],
      ['A-3', '12.3400', 'BONUS'],
    ]);
  });

  it('reports duplicates, and quarantined records with their line numbers and reasons', async () => {
    const body = [line('A-1'), '', line('B-1', { game: 'nope' }), line('B-2', { ccy: 'XTS' }), line('B-3', { amount: '-1.00' }), line('A-2', { amount: '5' })].join('\r\n');
    const answer = await post(server.url(path), body, batchHeaders(body, secret));
    expect(answer.status).toBe(200);
    expect(answer.json.duplicates).toBe(1);
    expect(answer.json.quarantined.count).toBe(4);
    expect(answer.json.quarantined.records.map((record: { line: number; reason: string }) => [record.line, record.reason])).toEqual([
      [3, 'UNKNOWN_GAME'],
      [4, 'UNKNOWN_CURRENCY'],
      [5, 'NEGATIVE_AMOUNT'],
      [6, 'DUPLICATE_CONFLICT'],
    ]);
  });

  it('stores the parseable lines and answers 400 MALFORMED with the full report when some line is not JSON or not UTF-8', async () => {
    const broken = '{"id":"C-2","amount":';
    const body = Buffer.concat([
      Buffer.from(`${line('C-1')}\n${broken}\n`),
      Buffer.from('{"id":"C-3","player":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`"}\n${line('C-4')}\n`),
    ]);
    const answer = await post(server.url(path), body, batchHeaders(body, secret));
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('MALFORMED');
    expect(answer.json.accepted).toBe(2);
    expect(answer.json.quarantined.records.map((record: { line: number; reason: string }) => [record.line, record.reason])).toEqual([
      [2, 'MALFORMED'],
      [3, 'MALFORMED'],
    ]);
    const kept = (await quarantineOf(server.sql, partnerId)).filter((row) => row.reason === 'MALFORMED');
    expect(kept[0]).toMatchObject({ raw: broken, line: 2 });
    expect(kept[1]!.detail).toBe('the line is not valid UTF-8');
  });

  describe('rejected input keeps nothing', () => {
    const good = [line('D-1'), line('D-2')].join('\n');
    const cases: [string, () => { body: string | Buffer; headers: Record<string, string> }, number, string][] = [
      ['a signature over another body', () => ({ body: good, headers: batchHeaders(good + '\n', secret) }), 401, 'SIGNATURE_INVALID'],
      ['a signature with another secret', () => ({ body: good, headers: batchHeaders(good, 'wrong') }), 401, 'SIGNATURE_INVALID'],
      ['a signature without the sha256= prefix', () => ({ body: good, headers: { ...batchHeaders(good, secret), 'x-signature': 'deadbeef' } }), 401, 'SIGNATURE_INVALID'],
      ['a stale timestamp', () => ({ body: good, headers: batchHeaders(good, secret, Math.floor(Date.now() / 1000) - 3600) }), 401, 'TIMESTAMP_STALE'],
      ['a missing x-timestamp', () => ({ body: good, headers: { 'x-signature': batchHeaders(good, secret)['x-signature']! } }), 401, 'SIGNATURE_MISSING'],
      ['bad JSON with a bad signature', () => ({ body: '{{{', headers: batchHeaders('x', secret) }), 401, 'SIGNATURE_INVALID'],
      ['a body over the byte limit', () => { const body = Array.from({ length: 9000 }, (_, i) => line(`E-${i}`, { player: 'y'.repeat(200) })).join('\n'); return { body, headers: batchHeaders(body, secret) }; }, 413, 'PAYLOAD_TOO_LARGE'],
      ['more lines than one batch holds', () => { const body = Array.from({ length: 10_001 }, () => '{}').join('\n'); return { body, headers: batchHeaders(body, secret) }; }, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, make, status, code] of cases) {
      it(`refuses ${name} with ${status} ${code}`, async () => {
        const before = await footprint(server.sql, partnerId);
        const { body, headers } = make();
        const answer = await post(server.url(path), body, headers);
        expect([answer.status, answer.json.error.code]).toEqual([status, code]);
        expect(await footprint(server.sql, partnerId)).toEqual(before);
      });
    }
  });

  it('counts a batch sent twice as duplicates, adding no bus event', async () => {
    const body = [line('F-1'), line('F-2')].join('\n');
    expect((await post(server.url(path), body, batchHeaders(body, secret))).json.accepted).toBe(2);
    const before = await footprint(server.sql, partnerId);
    const again = await post(server.url(path), body, batchHeaders(body, secret));
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 2 });
    const after = await footprint(server.sql, partnerId);
    expect(after.events).toBe(before.events);
    expect(after.stored).toBe(before.stored);
  });

  it('holds a rollback that arrives before its original, and cancels the original when it arrives in a later batch', async () => {
    const rollback = line('H-RB', { kind: 'ROLLBACK', ref: 'H-OR' });
    expect((await post(server.url(path), rollback, batchHeaders(rollback, secret))).json).toMatchObject({ accepted: 1, held: 1 });
    const before = await footprint(server.sql, partnerId);
    const original = line('H-OR');
    expect((await post(server.url(path), original, batchHeaders(original, secret))).json).toMatchObject({ accepted: 1 });
    const rows = await server.sql`select external_id, status from transactions.transactions where partner_id = ${partnerId} and external_id like 'H-%' order by external_id`;
    expect(rows.map((row) => [row.external_id, row.status])).toEqual([
      ['H-OR', 'CANCELLED'],
      ['H-RB', 'APPLIED'],
    ]);
    // The original and its cancellation land in the same bucket: one event, net zero.
    const [event] = await server.sql`select payload from bus.events where partner_id = ${partnerId} order by id desc limit 1`;
    expect((await footprint(server.sql, partnerId)).events).toBe(before.events + 1);
    expect(event!.payload.deltas).toMatchObject([{ cashStake: '0', transactions: 0 }]);
  });

  it('answers an empty batch with zero counts', async () => {
    const answer = await post(server.url(path), '\n\n', batchHeaders('\n\n', secret));
    expect(answer.status).toBe(200);
    expect(answer.json.accepted).toBe(0);
  });

  it('logged no error for any of the inputs above', () => {
    expect(server.errors).toEqual([]);
  });
});
