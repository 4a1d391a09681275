import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../../../test/support/database.ts';
import { ecbFeedName, readFeedStatus } from '../src/app/feed-state.ts';
import type { FxDeps } from '../src/app/rates.ts';
import { ratePolicy } from '../src/domain/rate-policy.ts';
import { startFxFeed, type FxFeed, type FxFeedOptions } from '../src/infra/feed/fx-feed.ts';
import type { FeedSettings } from '../src/infra/feed/settings.ts';
import { ecbDocument } from './support/ecb.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';

const daily = ecbDocument({ '2026-11-20': { USD: '1.102444', SEK: '11.625164', GBP: '0.843641' } });
const fast: Partial<FeedSettings> = {
  requestTimeoutMs: 300, retriesMax: 2, backoffInitialMs: 10, backoffMaxMs: 40, retryAfterWaitMaxMs: 2_000, failuresToOpen: 2, halfOpenAfterMs: 400,
};

describe('the ECB feed poller', () => {
  let sql: Sql;
  let deps: FxDeps;
  let server: FeedServer;
  const feeds: FxFeed[] = [];

  async function feed(options: Partial<FxFeedOptions> = {}): Promise<FxFeed> {
    const started = await startFxFeed(deps, { url: server.url, intervalSeconds: 3600, settings: fast, firstPollDelayMs: 600_000, ...options });
    feeds.push(started);
    return started;
  }
  const status = () => readFeedStatus(sql, ecbFeedName);
  const rateCount = async () => Number((await sql`select count(*)::int as n from fx.rates`)[0]!.n);

  beforeAll(async () => {
    sql = connect(await freshDatabase('fx_feed'), { max: 4 });
    deps = { sql, policy: ratePolicy() };
  });
  beforeEach(async () => {
    server = await startFeedServer({ body: daily });
    await sql`truncate fx.rates, fx.held_rates, fx.feed_state`;
  });
  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((started) => started.stop()));
    await server.close();
  });
  afterAll(async () => sql?.end());

  it('imports the document it polls and shows the success in its status', async () => {
    const result = await (await feed()).pollOnce();
    expect(result).toMatchObject({ kind: 'IMPORTED', outcome: { applied: 3, unchanged: 0, held: [] } });
    expect(await status()).toMatchObject({
      url: server.url, intervalSeconds: 3600, circuit: 'CLOSED', consecutiveFailures: 0,
      lastOutcome: { applied: 3, unchanged: 0, held: 0, skipped: 0 }, lastError: null, lastSuccessAt: expect.any(Date),
    });
    const [row] = await sql`select rate::text, source from fx.rates where date = '2026-11-20' and currency = 'SEK'`;
    expect(row).toEqual({ rate: '11.625164', source: 'ECB_FEED' });
  });

  it('polls on its interval from the moment it starts', async () => {
    await feed({ intervalSeconds: 1, firstPollDelayMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.requests.length).toBe(2);
    expect((await status())?.lastOutcome).toEqual({ applied: 0, unchanged: 3, held: 0, skipped: 0 });
  });

  it('retries transient failures with backoff within one poll and imports on the third attempt', async () => {
    server.script({ status: 503 }, { status: 502 });
    const result = await (await feed()).pollOnce();
    expect(result.kind).toBe('IMPORTED');
    expect(server.requests).toHaveLength(3);
    expect((await status())?.consecutiveFailures).toBe(0);
  });

  it('waits at least the Retry-After a 429 asks for before trying again', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' } });
    const result = await (await feed()).pollOnce();
    expect(result.kind).toBe('IMPORTED');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]! - server.requests[0]!).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up at once on a Retry-After longer than a poll waits, and skips polls until it has passed', async () => {
    server.script({ status: 429, headers: { 'retry-after': '3600' } });
    const started = await feed();
    expect(await started.pollOnce()).toMatchObject({ kind: 'FAILED', code: 'HTTP_429' });
    const shown = await status();
    expect(shown?.retryNotBefore?.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await started.pollOnce()).toEqual({ kind: 'SKIPPED', reason: 'NOT_DUE' });
    expect(server.requests).toHaveLength(1);
  });

  it('cuts off an answer slower than the request timeout and tries again', async () => {
    server.script({ body: daily, delayMs: 1_000 });
    const result = await (await feed()).pollOnce();
    expect(result.kind).toBe('IMPORTED');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]! - server.requests[0]!).toBeLessThan(900);
  });

  it('opens the circuit after consecutive failed polls, refuses to poll while open, and closes after a successful trial', async () => {
    server.fallback = { status: 500 };
    const started = await feed();
    expect(await started.pollOnce()).toMatchObject({ kind: 'FAILED', code: 'HTTP_500' });
    expect(await status()).toMatchObject({ circuit: 'CLOSED', consecutiveFailures: 1 });
    expect(await started.pollOnce()).toMatchObject({ kind: 'FAILED', code: 'HTTP_500' });
    expect(await status()).toMatchObject({ circuit: 'OPEN', consecutiveFailures: 2, lastErrorCode: 'HTTP_500', lastError: 'the feed answered 500' });
    const requestsWhenOpened = server.requests.length;
    expect(requestsWhenOpened).toBe(6);

    expect(await started.pollOnce()).toEqual({ kind: 'SKIPPED', reason: 'CIRCUIT_OPEN' });
    expect(server.requests).toHaveLength(requestsWhenOpened);

    await new Promise((resolve) => setTimeout(resolve, 450));
    server.fallback = { body: daily };
    expect((await started.pollOnce()).kind).toBe('IMPORTED');
    expect(await status()).toMatchObject({ circuit: 'CLOSED', consecutiveFailures: 0 });
  });

  it('counts a document that fails validation as a failed poll, names the bad entry, and changes nothing', async () => {
    await (await feed()).pollOnce();
    const before = await rateCount();
    server.fallback = { body: ecbDocument({ '2026-11-23': { USD: '1.1', SEK: '0' } }) };
    const result = await feeds[0]!.pollOnce();
    expect(result).toMatchObject({ kind: 'FAILED', code: 'INVALID_RATE' });
    expect(await status()).toMatchObject({ lastErrorCode: 'INVALID_RATE', lastError: expect.stringMatching(/SEK on 2026-11-23 is not positive/), consecutiveFailures: 1 });
    expect(await rateCount()).toBe(before);
  });

  it('does not retry an answer that will not change, such as 404', async () => {
    server.fallback = { status: 404 };
    expect(await (await feed()).pollOnce()).toMatchObject({ kind: 'FAILED', code: 'HTTP_404' });
    expect(server.requests).toHaveLength(1);
  });

  it('leaves the polling to the replica that holds the lease', async () => {
    const first = await feed();
    const second = await feed();
    expect((await first.pollOnce()).kind).toBe('IMPORTED');
    expect(await second.pollOnce()).toEqual({ kind: 'SKIPPED', reason: 'NOT_DUE' });
    expect(server.requests).toHaveLength(1);
  });

  it('shows the feed URL without credentials or query', async () => {
    await feed({ url: `${server.url.replace('http://', 'http://user:secret@')}?key=abc` });
    expect((await status())?.url).toBe(server.url);
  });
});
