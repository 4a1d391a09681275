import { assertUnreachable, bucketStartMs, type BucketDelta } from '@clearhouse/kernel';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import { advanceWithClock, countsTransactions, routeTransaction, type PeriodState } from '../domain/statement/index.ts';
import { insertPriorPeriod } from '../infra/prior-period-store.ts';

/** The bucket deltas of one committed ingest batch, with the instant it was received. */
export interface Arrival {
  receivedAtMs: number;
  deltas: readonly BucketDelta[];
}

/**
 * Decides where each delta counts (DESIGN.md 5.5, the domain's routeTransaction): in its own period
 * while that one is OPEN or CLOSING at the batch's arrival, else — its statement is frozen, or due to
 * close by itself, or it is back-filled history behind a frozen period — in the bucket of its arrival,
 * at the earliest after the last frozen period, recorded as a prior-period adjustment. Returns the
 * deltas to add to the buckets, moved ones included.
 */
export async function routeArrivals(
  tx: TransactionSql,
  partnerId: string,
  arrivals: readonly Arrival[],
  periods: readonly PeriodState[],
): Promise<BucketDelta[]> {
  const applied: BucketDelta[] = [];
  for (const arrival of arrivals) {
    const frozenEndMs = Math.max(
      Number.NEGATIVE_INFINITY,
      ...periods.map((period) => advanceWithClock(period, arrival.receivedAtMs)).filter((period) => !countsTransactions(period.status)).map((period) => period.endMs),
    );
    for (const delta of arrival.deltas) {
      const routing = routeTransaction(periods, Date.parse(delta.bucketStart), arrival.receivedAtMs);
      switch (routing.kind) {
        case 'OWN_PERIOD':
        case 'NEW_PERIOD':
          applied.push(delta);
          break;
        case 'PRIOR_PERIOD_ADJUSTMENT': {
          const countedBucketStart = new Date(bucketStartMs(Math.max(routing.datedAtMs, frozenEndMs))).toISOString();
          applied.push({ ...delta, bucketStart: countedBucketStart });
          await insertPriorPeriod(tx, { partnerId, originalPeriodId: routing.originalPeriodId, delta, countedBucketStart });
          break;
        }
        default:
          assertUnreachable(routing);
      }
    }
  }
  return applied;
}
