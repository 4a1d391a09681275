import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchHeaders, createPartner, gatewaySecret, post, startTestServer, type TestServer, uploaderHeaders, webhookHeaders } from './support/ingest-server.ts';

const secret = 'fuzz-secret';

/** Bodies an integrator (or an attacker with a stolen secret) might send: text, bytes, JSON, near-records. */
const record = fc.record({
  transaction_uuid: fc.oneof(fc.string(), fc.constant('\u0000'), fc.constant('\ud800')),
  id: fc.string(),
  amount: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant('1e309')),
  ts: fc.oneof(fc.integer(), fc.constant(8.64e15 + 1), fc.string()),
  created_at: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()),
  type: fc.constantFrom('bet', 'win', 'rollback', 'BET', 'ROLLBACK', 'nope'),
  kind: fc.constantFrom('BET', 'WIN', 'ROLLBACK', 'JP_WIN'),
  currency: fc.constantFrom('EUR', 'XTS', 'eur', ''),
  ccy: fc.constantFrom('EUR', 'JPY', 'XAU'),
  game_code: fc.constant('G1'),
  game: fc.constant('G1'),
});
const bodies = fc.oneof(
  fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text)),
  record.map((value) => Buffer.from(JSON.stringify(value))),
  fc.array(record, { maxLength: 5 }).map((values) => Buffer.from(values.map((value) => JSON.stringify(value)).join('\n'))),
);

describe('arbitrary bodies on every ingest endpoint', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('fuzz', { ingest: { gatewaySecrets: gatewaySecret, rateLimit: { burst: 1e6, perSecond: 1e6 } } });
    await createPartner(server, { code: 'HOOK', adapter: 'JSON_WEBHOOK', secrets: [secret], games: ['G1'] });
    await createPartner(server, { code: 'NDJ', adapter: 'NDJSON_BATCH', secrets: [secret], games: ['G1'] });
    await createPartner(server, { code: 'CSV', adapter: 'CSV_REPORT', games: ['G1'] });
  });
  afterAll(async () => server?.stop());

  const numRuns = 60;

  it('never answer 5xx, and every refusal names a stable code (webhook)', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const answer = await post(server.url('/ingest/HOOK/webhook'), body, webhookHeaders(body, secret));
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(typeof answer.json.error?.code).toBe('string');
      }),
      { numRuns },
    );
  });

  it('never answer 5xx, and every refusal names a stable code (batch)', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const answer = await post(server.url('/ingest/NDJ/batch'), body, batchHeaders(body, secret));
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(typeof answer.json.error?.code).toBe('string');
      }),
      { numRuns },
    );
  });

  it('never answer 5xx, and every refusal names a stable code (file, with and without a header row)', async () => {
    const header = 'TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;RefTxID;Timestamp\n';
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, withHeader) => {
        const file = withHeader ? Buffer.concat([Buffer.from(header), body]) : body;
        const answer = await post(server.url('/ingest/CSV/file'), file, uploaderHeaders(['OPS']));
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(typeof answer.json.error?.code).toBe('string');
      }),
      { numRuns },
    );
  });

  it('logged no error for any of them', () => {
    expect(server.errors).toEqual([]);
  });
});
