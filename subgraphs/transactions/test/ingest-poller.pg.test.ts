import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import type { PollerSettings } from '../src/infra/poller/settings.ts';
import { answer, fail, type FakeProvider, stall, stallMidBody, startFakeProvider } from './support/fake-provider.ts';
import { countOf, createPartner, footprint, gatewaySecret, quarantineOf, startTestServer, type TestServer } from './support/ingest-server.ts';

const apiKey = 'pulse-api-key';
const fast: Partial<PollerSettings> = {
  scheduled: false,
  pageItemsMax: 3,
  requestTimeoutMs: 300,
  retriesMax: 2,
  backoffInitialMs: 200,
  backoffMaxMs: 1_000,
  failuresToOpen: 3,
  halfOpenAfterMs: 400,
};

let sequence = 0;
function item(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ txnId: id, roundId: `r-${id}`, userId: 'u1', gameId: 'g1', txnType: 'DEBIT', amount: '5.00', currency: 'GBP', bonus: false, originalTxnId: null, timestamp: 1_795_209_303.12, ...overrides })
    .replace('1795209303.12', `${Math.floor(Date.now() / 1000) - 3600}.125`);
}

describe('the REST poller (rest-poll)', () => {
  let server: TestServer;
  let provider: FakeProvider;
  let partnerId: string;

  beforeAll(async () => {
    server = await startTestServer('poller', { poller: fast });
  });
  afterAll(async () => server?.stop());
  afterEach(async () => provider?.close());

  async function pollPartner(items: string[] = []): Promise<string> {
    provider = await startFakeProvider(apiKey, items);
    sequence += 1;
    partnerId = await createPartner(server, { code: `PULSE${sequence}`, adapter: 'REST_POLL', games: ['g1'], poll: { url: provider.url, apiKey, intervalSeconds: 3600 } });
    return partnerId;
  }
  const pollNow = () => server.running.poller!.pollNow(partnerId);
  const state = async () => (await server.sql`select cursor, circuit, last_error, consecutive_failures from transactions.poll_state where partner_id = ${partnerId}`)[0]!;

  it('reads every page from a first request without cursor, with the bearer key, and saves the cursor with each page', async () => {
    await pollPartner(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => item(id)));
    const result = await pollNow();
    expect(result).toMatchObject({ ok: true, pages: 4, outcome: { accepted: 7, duplicates: 0 } });
    expect(provider.requests.map((request) => request.cursor)).toEqual([null, 'c3', 'c6', 'c7']);
    expect(provider.requests.every((request) => request.authorization === `Bearer ${apiKey}` && request.limit === 3)).toBe(true);
    expect(await state()).toMatchObject({ cursor: 'c7', circuit: 'CLOSED', last_error: null });
    const [row] = await server.sql`select occurred_at, amount::text from transactions.transactions where partner_id = ${partnerId} and external_id = 'a1'`;
    expect((row!.occurred_at as Date).getUTCMilliseconds()).toBe(125);
    provider.items.push(item('a8'));
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 1 } });
    expect(provider.requests.at(-2)!.cursor).toBe('c7');
  });

  it('re-reads a page whose next_cursor is null without counting it twice', async () => {
    await pollPartner([item('b1'), item('b2')]);
    provider.endCursor = 'null';
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 2 } });
    const before = await footprint(server.sql, partnerId);
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 0, duplicates: 2 } });
    const after = await footprint(server.sql, partnerId);
    expect([after.stored, after.events]).toEqual([before.stored, before.events]);
    expect((await state()).cursor).toBe(null);
  });

  it('retries a failing provider with exponential backoff and jitter, then stores the page', async () => {
    await pollPartner([item('c1')]);
    provider.next(fail(500), fail(503));
    const result = await pollNow();
    expect(result).toMatchObject({ ok: true, outcome: { accepted: 1 } });
    const times = provider.requests.map((request) => request.atMs);
    expect(times).toHaveLength(4);
    // Decorrelated jitter: the first two delays together are at least 1.38 × the initial delay.
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(1.3 * fast.backoffInitialMs!);
    expect((await state()).consecutive_failures).toBe(0);
  });

  it("waits out a 429's Retry-After before the next attempt", async () => {
    await pollPartner([item('d1')]);
    provider.next(fail(429, { 'retry-after': '1' }));
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 1 } });
    const [first, second] = provider.requests;
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(990);
  });

  it('skips polls while a Retry-After too long to wait within a poll runs', async () => {
    await pollPartner([item('e1')]);
    provider.next(fail(429, { 'retry-after': '3600' }));
    const result = await pollNow();
    expect(result).toMatchObject({ ok: false });
    expect(provider.requests).toHaveLength(1);
    expect(await pollNow()).toEqual({ ok: false, skipped: 'RETRY_AFTER' });
    expect(provider.requests).toHaveLength(1);
    expect((await state()).last_error).toContain('429');
  });

  it('cuts off a provider that never answers, or stalls mid-body, and records the timeout', async () => {
    await pollPartner([item('f1')]);
    provider.next(stall, stallMidBody, stall);
    const startedMs = Date.now();
    const result = await pollNow();
    expect(result).toMatchObject({ ok: false });
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    expect(provider.requests).toHaveLength(3);
    expect((await state()).last_error).toContain('ProviderTimeoutError');
    expect(await countOf(server.sql`select count(*)::int from transactions.transactions where partner_id = ${partnerId}`)).toBe(0);
  });

  it('quarantines a malformed item with its raw text, and fails a page that is not JSON without moving the cursor', async () => {
    await pollPartner([item('g1'), '{"txnId":"g2","amount":5}', item('g3')]);
    provider.next(answer('<html>gateway error</html>'));
    expect(await pollNow()).toMatchObject({ ok: false });
    expect((await state()).cursor).toBe(null);
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 2, quarantined: 1, malformed: 1 } });
    const [quarantined] = await quarantineOf(server.sql, partnerId);
    expect(quarantined).toMatchObject({ reason: 'MALFORMED', raw: '{"txnId":"g2","amount":5}', external_id: 'g2', line: 2 });
  });

  it("releases a page's held rollbacks of one original in the order the page lists them, not by id", async () => {
    // Page 1 (3 items): two rollbacks of x1, the later id first, and a bet; page 2: x1 itself.
    const cancel = { txnType: 'CANCEL', originalTxnId: 'x1' };
    await pollPartner([item('rb-9', cancel), item('rb-1', cancel), item('x2'), item('x1')]);
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 4, quarantined: 1 } });
    const rows = await server.sql`select external_id, status, line from transactions.transactions where partner_id = ${partnerId} order by external_id`;
    // Each item's line is its place in its page.
    expect(rows.map((row) => [row.external_id, row.status, row.line])).toEqual([['rb-9', 'APPLIED', 1], ['x1', 'CANCELLED', 1], ['x2', 'APPLIED', 3]]);
    // Released by a later page, the quarantined rollback carries no line: one would point into that page.
    const quarantined = await quarantineOf(server.sql, partnerId);
    expect(quarantined.map((row) => [row.external_id, row.reason, row.line])).toEqual([['rb-1', 'ALREADY_ROLLED_BACK', null]]);
  });

  it('saves the cursor only with its stored page: a page that fails to store leaves the cursor where it was', async () => {
    await pollPartner([item('h1'), item('h2')]);
    // The counters are written last, after the page's rows: the page fails once its rows are sent.
    await server.sql`alter table transactions.ingest_stats rename to ingest_stats_away`;
    try {
      expect(await pollNow()).toMatchObject({ ok: false });
    } finally {
      await server.sql`alter table transactions.ingest_stats_away rename to ingest_stats`;
    }
    expect((await state()).cursor).toBe(null);
    expect(await countOf(server.sql`select count(*)::int from transactions.transactions where partner_id = ${partnerId}`)).toBe(0);
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 2 } });
    expect((await state()).cursor).toBe('c2');
  });

  it('opens the circuit after consecutive failed polls, shows it in pollerStatus, and closes it after a successful trial', async () => {
    await pollPartner([item('i1')]);
    provider.next(...Array.from({ length: 9 }, () => fail(500)));
    for (let poll = 0; poll < 3; poll += 1) expect(await pollNow()).toMatchObject({ ok: false });
    expect(await state()).toMatchObject({ circuit: 'OPEN', consecutive_failures: 3 });
    expect((await state()).last_error).toContain('500');
    const seen = provider.requests.length;
    expect(await pollNow()).toEqual({ ok: false, skipped: 'CIRCUIT_OPEN' });
    expect(provider.requests).toHaveLength(seen);

    const body = JSON.stringify({ query: `{ pollerStatus(partnerId: "${partnerId}") { circuit lastError } }` });
    const identity = { sub: 'ops', roles: ['OPS' as const], partnerId: null, expiresAtMs: Date.now() + 60_000 };
    const response = await fetch(server.url('/graphql'), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signGatewayRequest(identity, body, gatewaySecret, Date.now()) },
    });
    const status = (await response.json()) as { data: { pollerStatus: { circuit: string; lastError: string } } };
    expect(status.data.pollerStatus.circuit).toBe('OPEN');
    expect(status.data.pollerStatus.lastError).toContain('500');

    await new Promise((resolve) => setTimeout(resolve, fast.halfOpenAfterMs! + 100));
    expect(await pollNow()).toMatchObject({ ok: true, outcome: { accepted: 1 } });
    expect(await state()).toMatchObject({ circuit: 'CLOSED', consecutive_failures: 0 });
  });

  it('logged no error while polling', () => {
    expect(server.errors).toEqual([]);
  });
});

describe('the poller on its schedule', () => {
  it('starts polling a REST_POLL partner created after start, on its interval, without a restart', async () => {
    const server = await startTestServer('pollerschedule', { poller: { ...fast, scheduled: true } });
    const provider = await startFakeProvider(apiKey, [item('s1')]);
    try {
      const partnerId = await createPartner(server, { code: 'LATE', adapter: 'REST_POLL', games: ['g1'], poll: { url: provider.url, apiKey, intervalSeconds: 1 } });
      const deadline = Date.now() + 5_000;
      while (provider.requests.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(provider.requests.length).toBeGreaterThanOrEqual(3);
      expect(provider.requests[0]!.cursor).toBe(null);
      expect(await countOf(server.sql`select count(*)::int from transactions.transactions where partner_id = ${partnerId}`)).toBe(1);
    } finally {
      await server.stop();
      await provider.close();
    }
  });

  it('stops at once while a poll sleeps in its backoff', async () => {
    const server = await startTestServer('pollerstop', { poller: { ...fast, backoffInitialMs: 30_000, backoffMaxMs: 30_000 } });
    const provider = await startFakeProvider(apiKey, [item('t1')]);
    try {
      const partnerId = await createPartner(server, { code: 'SLEEPY', adapter: 'REST_POLL', games: ['g1'], poll: { url: provider.url, apiKey, intervalSeconds: 3600 } });
      provider.next(fail(503), fail(503), fail(503));
      const polling = server.running.poller!.pollNow(partnerId);
      while (provider.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const startedMs = Date.now();
      await server.stop();
      expect(Date.now() - startedMs).toBeLessThan(3_000);
      expect(await polling).toEqual({ ok: false, skipped: 'STOPPED' });
    } finally {
      await provider.close();
    }
  });
});
