import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '@clearhouse/kernel';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { ratePolicy } from '../../subgraphs/fx/src/domain/rate-policy.ts';
import { startFxFeed, type FxFeed } from '../../subgraphs/fx/src/infra/feed/fx-feed.ts';
import { ecbDocument } from '../../subgraphs/fx/test/support/ecb.ts';
import { startFeedServer, type FeedServer } from '../../subgraphs/fx/test/support/feed-server.ts';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * The feed's state lives in the FX schema, so fxFeedStatus shows it through the gateway whichever FX
 * replica polls: here a poller started beside the stack (as a second replica would be) on its database.
 */
const statusQuery = `{ fxFeedStatus { url intervalSeconds circuit consecutiveFailures lastPolledAt lastSuccessAt
  lastOutcome { applied unchanged held skipped } lastErrorCode lastError retryNotBefore } }`;

describe('the ECB feed, seen through the gateway', () => {
  let stack: Stack;
  let sql: Sql;
  let server: FeedServer;
  let feed: FxFeed | null = null;
  let finance: string;

  beforeAll(async () => {
    const databaseUrl = await freshDatabase('fx_feed_e2e');
    stack = await startStack(databaseUrl);
    sql = connect(databaseUrl, { max: 2 });
    server = await startFeedServer({ body: ecbDocument({ '2026-11-20': { USD: '1.102444', SEK: '11.625164' } }) });
    finance = await stack.token(['FINANCE'], { sub: 'fiona' });
  });

  afterAll(async () => {
    await feed?.stop();
    await server?.close();
    await sql?.end();
    await stack?.stop();
  });

  it('shows no feed status before a feed was ever configured', async () => {
    expect((await stack.request(finance, statusQuery)).data).toEqual({ fxFeedStatus: null });
  });

  it('shows what the last poll imported, and the rates are there to use', async () => {
    feed = await startFxFeed({ sql, policy: ratePolicy() }, { url: server.url, intervalSeconds: 600, firstPollDelayMs: 600_000, settings: { retriesMax: 0, failuresToOpen: 1, halfOpenAfterMs: 600_000 } });
    expect((await feed.pollOnce()).kind).toBe('IMPORTED');
    const result = await stack.request(finance, statusQuery);
    expect(result.errors).toBeUndefined();
    expect(result.data.fxFeedStatus).toMatchObject({
      url: server.url, intervalSeconds: 600, circuit: 'CLOSED', consecutiveFailures: 0,
      lastOutcome: { applied: 2, unchanged: 0, held: 0, skipped: 0 }, lastErrorCode: null, retryNotBefore: null,
    });
    const rate = await stack.request(finance, `{ fxRate(date: "2026-11-22", from: "USD", to: "SEK") { rate } }`);
    expect(new Decimal(rate.data.fxRate.rate).equals(new Decimal('11.625164').dividedBy('1.102444'))).toBe(true);
  });

  it('shows an open circuit, the failure count and the last error once the feed keeps failing', async () => {
    server.fallback = { status: 503, headers: { 'retry-after': '7200' } };
    expect(await feed!.pollOnce()).toMatchObject({ kind: 'FAILED', code: 'HTTP_503' });
    const status = (await stack.request(finance, statusQuery)).data.fxFeedStatus;
    expect(status).toMatchObject({ circuit: 'OPEN', consecutiveFailures: 1, lastErrorCode: 'HTTP_503', lastError: 'the feed answered 503 (retry after 7200 s)' });
    expect(Date.parse(status.retryNotBefore)).toBeGreaterThan(Date.now() + 7_000_000);
    expect(Date.parse(status.lastSuccessAt)).toBeLessThan(Date.parse(status.lastPolledAt));
  });

  it('shows the feed status to staff only', async () => {
    const partner = await stack.token(['PARTNER'], { sub: 'p', partnerId: '00000000-0000-4000-8000-000000000001' });
    expect((await stack.request(partner, statusQuery)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.request(null, statusQuery)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
