import type { Sql } from '@clearhouse/kernel/db/index';

/**
 * The feed's bookkeeping in fx.feed_state: what fxFeedStatus shows (from any replica), and the lease
 * that lets one replica poll per interval.
 */
export type FeedCircuit = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'ISOLATED';

/** The one feed there is; a row key, so a second feed would be a second name. */
export const ecbFeedName = 'ecb';

/** Error texts are cut to this: they come from outside and are shown in the API. */
export const lastErrorCharsMax = 500;

export interface FeedOutcomeSummary {
  applied: number;
  unchanged: number;
  held: number;
  skipped: number;
}

export interface FeedStatusRow {
  feed: string;
  url: string;
  intervalSeconds: number;
  circuit: FeedCircuit;
  consecutiveFailures: number;
  lastPolledAt: Date | null;
  lastSuccessAt: Date | null;
  lastOutcome: FeedOutcomeSummary | null;
  lastError: string | null;
  lastErrorCode: string | null;
  lastErrorAt: Date | null;
  retryNotBefore: Date | null;
}

/** Registers the feed as configured now (a new URL or interval replaces the old; the history stays). */
export async function registerFeed(sql: Sql, feed: string, url: string, intervalSeconds: number): Promise<void> {
  await sql`
    insert into fx.feed_state (feed, url, interval_seconds) values (${feed}, ${url}, ${intervalSeconds})
    on conflict (feed) do update set url = excluded.url, interval_seconds = excluded.interval_seconds, updated_at = now()`;
}

export async function saveCircuit(sql: Sql, feed: string, circuit: FeedCircuit): Promise<void> {
  await sql`update fx.feed_state set circuit = ${circuit}, updated_at = now() where feed = ${feed}`;
}

export async function recordSuccess(sql: Sql, feed: string, outcome: FeedOutcomeSummary): Promise<void> {
  await sql`
    update fx.feed_state set consecutive_failures = 0, last_success_at = now(), last_polled_at = now(), last_outcome = ${sql.json(outcome as never)},
      retry_not_before = null, updated_at = now()
    where feed = ${feed}`;
}

/** `retryNotBeforeMs`: a Retry-After too long to wait within a poll; polls are skipped until then. */
export async function recordFailure(sql: Sql, feed: string, code: string, message: string, retryNotBeforeMs: number | null): Promise<void> {
  const retryNotBefore = retryNotBeforeMs === null ? null : new Date(retryNotBeforeMs);
  await sql`
    update fx.feed_state set consecutive_failures = consecutive_failures + 1, last_error = ${message.slice(0, lastErrorCharsMax)},
      last_error_code = ${code}, last_error_at = now(), last_polled_at = now(), retry_not_before = ${retryNotBefore}, updated_at = now()
    where feed = ${feed}`;
}

/**
 * Takes (or keeps) the right to poll for `ttlMs`, unless another replica holds it or a Retry-After
 * still runs. The holder keeps it until the next interval, so replicas do not poll one after another.
 */
export async function takeLease(sql: Sql, feed: string, owner: string, ttlMs: number): Promise<boolean> {
  const rows = await sql`
    update fx.feed_state set lease_owner = ${owner}, leased_until = now() + ${ttlMs} * interval '1 millisecond'
    where feed = ${feed} and (leased_until is null or leased_until < now() or lease_owner = ${owner})
      and (retry_not_before is null or retry_not_before <= now())
    returning feed`;
  return rows.length === 1;
}

export async function releaseLease(sql: Sql, feed: string, owner: string): Promise<void> {
  await sql`update fx.feed_state set leased_until = null where feed = ${feed} and lease_owner = ${owner}`;
}

export async function readFeedStatus(sql: Sql, feed: string): Promise<FeedStatusRow | null> {
  const [row] = await sql`select * from fx.feed_state where feed = ${feed}`;
  if (!row) return null;
  return {
    feed: row.feed as string,
    url: row.url as string,
    intervalSeconds: row.interval_seconds as number,
    circuit: row.circuit as FeedCircuit,
    consecutiveFailures: row.consecutive_failures as number,
    lastPolledAt: row.last_polled_at as Date | null,
    lastSuccessAt: row.last_success_at as Date | null,
    lastOutcome: row.last_outcome as FeedOutcomeSummary | null,
    lastError: row.last_error as string | null,
    lastErrorCode: row.last_error_code as string | null,
    lastErrorAt: row.last_error_at as Date | null,
    retryNotBefore: row.retry_not_before as Date | null,
  };
}
