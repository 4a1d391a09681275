import type { BucketDelta } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';

/**
 * Late data for a frozen period (DESIGN.md 5.5): the bucket delta as it arrived, where it belonged and
 * the bucket of its arrival in which it counts instead. The bus carries bucket deltas, not single
 * transactions, so this is the finest grain a statement can list.
 */
export interface PriorPeriodRecord {
  id: string;
  partnerId: string;
  /** Null for back-filled history of a cycle that never had a period, lying before a frozen one. */
  originalPeriodId: string | null;
  gameCode: string;
  currency: string;
  originalBucketStart: string;
  countedBucketStart: string;
  delta: BucketDelta;
  recordedAt: string;
}

/** Listed per period; a period with more late deltas than this shows the first ones. */
export const priorPeriodItemsMax = 5000;

export async function insertPriorPeriod(
  tx: TransactionSql,
  entry: { partnerId: string; originalPeriodId: string | null; delta: BucketDelta; countedBucketStart: string },
): Promise<void> {
  const { delta } = entry;
  await tx`
    insert into settlements.prior_period_adjustments (partner_id, original_period_id, game_code, currency, original_bucket_start, counted_bucket_start, delta)
    values (${entry.partnerId}, ${entry.originalPeriodId}, ${delta.gameCode}, ${delta.currency}, ${delta.bucketStart}, ${entry.countedBucketStart}, ${tx.json(delta as never)})`;
}

function recordOf(row: Record<string, unknown>): PriorPeriodRecord {
  return {
    id: String(row.id),
    partnerId: row.partner_id as string,
    originalPeriodId: (row.original_period_id ?? null) as string | null,
    gameCode: row.game_code as string,
    currency: row.currency as string,
    originalBucketStart: (row.original_bucket_start as Date).toISOString(),
    countedBucketStart: (row.counted_bucket_start as Date).toISOString(),
    delta: row.delta as BucketDelta,
    recordedAt: (row.created_at as Date).toISOString(),
  };
}

/** Late deltas counted in [fromMs, toMs) of a partner: the prior-period adjustments of that period. */
export async function priorPeriodsCountedIn(sql: Sql | TransactionSql, partnerId: string, fromMs: number, toMs: number): Promise<PriorPeriodRecord[]> {
  const rows = await sql`
    select * from settlements.prior_period_adjustments
    where partner_id = ${partnerId} and counted_bucket_start >= ${new Date(fromMs).toISOString()} and counted_bucket_start < ${new Date(toMs).toISOString()}
    order by id limit ${priorPeriodItemsMax}`;
  return rows.map(recordOf);
}

export const priorPeriodsPerDayMax = 100_000;

/** Late deltas that belong to, or were counted in, the UTC day [fromMs, toMs): for reconciliation. */
export async function priorPeriodsTouching(sql: Sql | TransactionSql, partnerId: string, fromMs: number, toMs: number): Promise<PriorPeriodRecord[]> {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const rows = await sql`
    select * from settlements.prior_period_adjustments
    where partner_id = ${partnerId}
      and ((counted_bucket_start >= ${from} and counted_bucket_start < ${to}) or (original_bucket_start >= ${from} and original_bucket_start < ${to}))
    order by id limit ${priorPeriodsPerDayMax + 1}`;
  return rows.map(recordOf);
}
