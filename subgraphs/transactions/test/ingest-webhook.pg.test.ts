import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '@clearhouse/kernel';
import { gatewayAuthenticator } from '@clearhouse/kernel/graphql/index';
import { pruneWebhookIds, webhookIdRetentionMsDefault } from '../src/app/webhook-ingest.ts';
import { start } from '../src/server.ts';
import { createPartner, footprint, gatewaySecret, post, quarantineOf, startTestServer, type TestServer, webhookHeaders } from './support/ingest-server.ts';

const secret = 'whsec_' + Buffer.from('nova-webhook-secret').toString('base64');
const oldSecret = 'nova-previous-secret';

function webhookBody(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    transaction_uuid: `tx-${Math.random().toString(36).slice(2)}`,
    round_id: 'r-1',
    player: 'p-1',
    game_code: 'book-of-x',
    type: 'bet',
    amount: 1250,
    currency: 'EUR',
    is_bonus: false,
    reference_transaction_uuid: null,
    created_at: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  });
}

describe('POST /ingest/{code}/webhook (json-webhook)', () => {
  let server: TestServer;
  let partnerId: string;
  const path = '/ingest/NOVA/webhook';

  beforeAll(async () => {
    server = await startTestServer('webhook', { ingest: { gatewaySecrets: 'ingest-tests-gateway-secret-0123456789', webhookBytesMax: 4096, rateLimit: { burst: 1000, perSecond: 1000 } } });
    partnerId = await createPartner(server, { code: 'NOVA', adapter: 'JSON_WEBHOOK', secrets: [secret, oldSecret], games: ['book-of-x'] });
    await createPartner(server, { code: 'ORBIT', adapter: 'NDJSON_BATCH', secrets: ['orbit'], games: [] });
  });
  afterAll(async () => server?.stop());

  it('stores a signed transaction with its exact amount in currency units and announces it on the bus', async () => {
    const before = await footprint(server.sql, partnerId);
    const body = webhookBody({ transaction_uuid: 'happy-1', amount: 1250 });
    const answer = await post(server.url(path), body, webhookHeaders(body, secret));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ACCEPTED' });
    const [row] = await server.sql`select amount::text, kind, source from transactions.transactions where partner_id = ${partnerId} and external_id = 'happy-1'`;
    expect(row).toEqual({ amount: '12.50', kind: 'BET', source: 'JSON_WEBHOOK' });
    const after = await footprint(server.sql, partnerId);
    expect(after.events).toBe(before.events + 1);
    expect(Number(after.stats.accepted)).toBe(Number(before.stats.accepted) + 1);
  });

  it('accepts a signature made with an older secret still listed during a rotation', async () => {
    const body = webhookBody({ transaction_uuid: 'rotated-1' });
    const answer = await post(server.url(path), body, webhookHeaders(body, oldSecret));
    expect(answer.status).toBe(200);
  });

  it('answers a repeated webhook-id 2xx with no new effect, even with another body', async () => {
    const body = webhookBody({ transaction_uuid: 'repeat-1' });
    const headers = webhookHeaders(body, secret, { id: 'msg-repeat-1' });
    expect((await post(server.url(path), body, headers)).status).toBe(200);
    const before = await footprint(server.sql, partnerId);
    const again = await post(server.url(path), body, webhookHeaders(body, secret, { id: 'msg-repeat-1' }));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'ALREADY_RECEIVED', webhookId: 'msg-repeat-1' });
    const other = webhookBody({ transaction_uuid: 'repeat-2' });
    expect((await post(server.url(path), other, webhookHeaders(other, secret, { id: 'msg-repeat-1' }))).status).toBe(200);
    expect(await footprint(server.sql, partnerId)).toEqual(before);
  });

  it('counts an identical re-send under a new webhook-id as a duplicate, not a new transaction', async () => {
    const body = webhookBody({ transaction_uuid: 'resend-1' });
    await post(server.url(path), body, webhookHeaders(body, secret));
    const answer = await post(server.url(path), body, webhookHeaders(body, secret));
    expect(answer.json).toEqual({ status: 'DUPLICATE' });
  });

  it('keeps a body that is not JSON as a MALFORMED quarantine record with its raw text and answers 400', async () => {
    const body = '{"transaction_uuid": "broken-1", "amount": 12';
    const answer = await post(server.url(path), body, webhookHeaders(body, secret));
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('MALFORMED');
    expect(typeof answer.json.error.reason).toBe('string');
    const rows = await quarantineOf(server.sql, partnerId);
    expect(rows.at(-1)).toMatchObject({ reason: 'MALFORMED', raw: body });
  });

  it('keeps a body that is not valid UTF-8 as MALFORMED and answers 400, never 5xx', async () => {
    const body = Buffer.concat([Buffer.from('{"transaction_uuid":"bad-utf8-'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const answer = await post(server.url(path), body, webhookHeaders(body, secret));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ code: 'MALFORMED', reason: 'the body is not valid UTF-8' });
  });

  it('quarantines a field holding a NUL character or a lone surrogate as MALFORMED instead of failing the insert', async () => {
    for (const id of ['nul\u0000id', 'lone\ud800surrogate']) {
      const body = webhookBody({ transaction_uuid: id, game_code: 'no-such-game' });
      const answer = await post(server.url(path), body, webhookHeaders(body, secret));
      expect([answer.status, answer.json.error.code]).toEqual([400, 'MALFORMED']);
    }
    // The raw body is JSON text: its escape "\\u0000" is six plain characters, kept as sent.
    const rows = await quarantineOf(server.sql, partnerId);
    expect(rows.at(-2)!.raw).toContain('nul\\u0000id');
  });

  it('answers a record failing a business check 200 with its quarantine reason', async () => {
    const body = webhookBody({ transaction_uuid: 'unknown-game-1', game_code: 'not-in-catalogue' });
    const answer = await post(server.url(path), body, webhookHeaders(body, secret));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'QUARANTINED', reason: 'UNKNOWN_GAME' });
  });

  it('forgets webhook-ids past their retention, keeps recent ones, and never counts a transaction twice', async () => {
    const sent: Record<string, string> = {};
    for (const id of ['msg-aged-1', 'msg-recent-1']) {
      sent[id] = webhookBody({ transaction_uuid: `tx-of-${id}` });
      expect((await post(server.url(path), sent[id]!, webhookHeaders(sent[id]!, secret, { id }))).status).toBe(200);
    }
    await server.sql`update transactions.webhook_ids set received_at = now() - interval '31 days' where partner_id = ${partnerId} and webhook_id = 'msg-aged-1'`;
    expect(await pruneWebhookIds(server.sql, webhookIdRetentionMsDefault)).toBe(1);
    const kept = await server.sql`select webhook_id from transactions.webhook_ids where partner_id = ${partnerId} and webhook_id in ('msg-aged-1', 'msg-recent-1')`;
    expect(kept.map((row) => row.webhook_id)).toEqual(['msg-recent-1']);
    const before = await footprint(server.sql, partnerId);
    const recent = await post(server.url(path), sent['msg-recent-1']!, webhookHeaders(sent['msg-recent-1']!, secret, { id: 'msg-recent-1' }));
    expect(recent.json).toEqual({ status: 'ALREADY_RECEIVED', webhookId: 'msg-recent-1' });
    // A retry of a forgotten id is taken as new, and its transaction, already stored, as a duplicate.
    const aged = await post(server.url(path), sent['msg-aged-1']!, webhookHeaders(sent['msg-aged-1']!, secret, { id: 'msg-aged-1' }));
    expect(aged.json).toEqual({ status: 'DUPLICATE' });
    const after = await footprint(server.sql, partnerId);
    expect([after.stored, after.events, Number(after.stats.accepted)]).toEqual([before.stored, before.events, Number(before.stats.accepted)]);
    expect(after.webhook_ids).toBe(before.webhook_ids + 1);
    expect(await pruneWebhookIds(server.sql, webhookIdRetentionMsDefault)).toBe(0);
  });

  it('prunes the webhook-ids past the configured retention when the service starts', async () => {
    const body = webhookBody();
    expect((await post(server.url(path), body, webhookHeaders(body, secret, { id: 'msg-started-1' }))).status).toBe(200);
    await server.sql`update transactions.webhook_ids set received_at = now() - interval '2 hours' where partner_id = ${partnerId} and webhook_id = 'msg-started-1'`;
    const other = await start({ databaseUrl: server.databaseUrl, port: 0, host: '127.0.0.1', authenticate: gatewayAuthenticator(gatewaySecret), clock: systemClock, ingest: false, poller: false, webhookIdRetentionMs: 3_600_000 });
    try {
      await vi.waitFor(async () => {
        const [row] = await server.sql`select count(*)::int as count from transactions.webhook_ids where partner_id = ${partnerId} and webhook_id = 'msg-started-1'`;
        expect(row!.count).toBe(0);
      });
    } finally {
      await other.stop();
    }
  });

  describe('rejected input keeps nothing', () => {
    const cases: [string, () => { body: string | Buffer; headers: Record<string, string> }, number, string][] = [
      ['a wrong signature', () => ({ body: webhookBody(), headers: webhookHeaders(webhookBody(), secret) }), 401, 'SIGNATURE_INVALID'],
      ['a signature with another secret', () => { const body = webhookBody(); return { body, headers: webhookHeaders(body, 'not-the-secret') }; }, 401, 'SIGNATURE_INVALID'],
      ['a stale timestamp', () => { const body = webhookBody(); return { body, headers: webhookHeaders(body, secret, { timestampSeconds: Math.floor(Date.now() / 1000) - 301 }) }; }, 401, 'TIMESTAMP_STALE'],
      ['a timestamp from the future', () => { const body = webhookBody(); return { body, headers: webhookHeaders(body, secret, { timestampSeconds: Math.floor(Date.now() / 1000) + 400 }) }; }, 401, 'TIMESTAMP_STALE'],
      ['a timestamp that is not a number', () => { const body = webhookBody(); return { body, headers: { ...webhookHeaders(body, secret), 'webhook-timestamp': 'yesterday' } }; }, 401, 'TIMESTAMP_INVALID'],
      ['no signature headers', () => ({ body: webhookBody(), headers: { 'content-type': 'application/json' } }), 401, 'SIGNATURE_MISSING'],
      ['a signed but unparseable body with a bad signature', () => ({ body: 'not json', headers: webhookHeaders('other', secret) }), 401, 'SIGNATURE_INVALID'],
      ['a body over the size limit', () => { const body = webhookBody({ player: 'x'.repeat(5000) }); return { body, headers: webhookHeaders(body, secret) }; }, 413, 'PAYLOAD_TOO_LARGE'],
      ['a huge body of 30 MB', () => { const body = Buffer.alloc(30_000_000, 0x20); return { body, headers: webhookHeaders(body, secret) }; }, 413, 'PAYLOAD_TOO_LARGE'],
      ['a webhook-id over 256 characters', () => { const body = webhookBody(); return { body, headers: webhookHeaders(body, secret, { id: 'x'.repeat(300) }) }; }, 400, 'INVALID_HEADER'],
    ];
    for (const [name, make, status, code] of cases) {
      it(`refuses ${name} with ${status} ${code}`, async () => {
        const before = await footprint(server.sql, partnerId);
        const { body, headers } = make();
        const wrongBody = name === 'a wrong signature' ? webhookBody({ amount: 999999 }) : body;
        const answer = await post(server.url(path), wrongBody, headers);
        expect(answer.status).toBe(status);
        expect(answer.json.error.code).toBe(code);
        expect(typeof answer.json.error.reason).toBe('string');
        expect(await footprint(server.sql, partnerId)).toEqual(before);
      });
    }
  });

  it('answers 404 for an unknown partner, 409 for a partner of another adapter, 405 for GET and 404 for an unknown endpoint', async () => {
    const body = webhookBody();
    expect((await post(server.url('/ingest/NOPE/webhook'), body, webhookHeaders(body, secret))).json.error.code).toBe('PARTNER_NOT_FOUND');
    const mismatch = await post(server.url('/ingest/ORBIT/webhook'), body, webhookHeaders(body, 'orbit'));
    expect([mismatch.status, mismatch.json.error.code]).toEqual([409, 'ADAPTER_MISMATCH']);
    const get = await fetch(server.url(path));
    expect([get.status, (await get.json()).error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    const unknown = await post(server.url('/ingest/NOVA/stream'), body, {});
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NOT_FOUND']);
    const badEscape = await post(server.url('/ingest/%E0%A4%A/webhook'), body, {});
    expect(badEscape.status).toBe(404);
  });

  it('logged no error for any of the inputs above', () => {
    expect(server.errors).toEqual([]);
  });
});

describe('the per-partner rate limit', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('webhookrate', { ingest: { gatewaySecrets: 'ingest-tests-gateway-secret-0123456789', rateLimit: { burst: 3, perSecond: 0.5 } } });
    await createPartner(server, { code: 'FAST', adapter: 'JSON_WEBHOOK', secrets: [secret], games: ['book-of-x'] });
    await createPartner(server, { code: 'CALM', adapter: 'JSON_WEBHOOK', secrets: [secret], games: ['book-of-x'] });
  });
  afterAll(async () => server?.stop());

  it('answers 429 with Retry-After once a partner spends its burst, without slowing another partner', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 5; index += 1) {
      const body = webhookBody();
      const answer = await post(server.url('/ingest/FAST/webhook'), body, webhookHeaders(body, secret));
      statuses.push(answer.status);
      if (answer.status === 429) {
        retryAfter = answer.headers.get('retry-after');
        expect(answer.json.error.code).toBe('RATE_LIMITED');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const body = webhookBody();
    expect((await post(server.url('/ingest/CALM/webhook'), body, webhookHeaders(body, secret))).status).toBe(200);
  });
});
