import { assert, AssertionError, assertUnreachable, bucketStartMs, Decimal, decimalToString, ZERO, type BucketDelta, type CanonicalTransaction } from '@clearhouse/kernel';
import type { Effect } from './decide.ts';

type Measure = 'cashStake' | 'bonusStake' | 'cashWin' | 'bonusWin' | 'jackpotContribution' | 'jackpotWin';
const measures: readonly Measure[] = ['cashStake', 'bonusStake', 'cashWin', 'bonusWin', 'jackpotContribution', 'jackpotWin'];

interface BucketSums {
  gameCode: string;
  currency: string;
  startMs: number;
  sums: Record<Measure, Decimal>;
  transactions: number;
  rounds: number;
}

/** Distinct round ids of the transactions a batch applies, in order: ask the store which are new. */
export function appliedRoundIds(effects: readonly Effect[]): string[] {
  return [...new Set(effects.filter((effect) => effect.sign === 1).map((effect) => effect.target.roundId))];
}

/**
 * DESIGN.md 5.2: the net change of each 15-minute bucket (partner, gameCode, currency, UTC interval of
 * occurredAt) that a batch's effects touch. A rollback's effect targets the cancelled transaction, so it
 * subtracts from that transaction's bucket. Each round of `newRoundIds` (rounds the store had not seen)
 * counts once, in the bucket of its first applied transaction. A bucket whose changes net to zero is
 * still reported: it exists now, whatever the batching (a bet and its rollback in one batch or two).
 */
export function aggregateBuckets(effects: readonly Effect[], newRoundIds: ReadonlySet<string>): BucketDelta[] {
  const buckets = new Map<string, BucketSums>();
  const roundsCounted = new Set<string>();
  for (const { sign, target } of effects) {
    assert(target.kind !== 'ROLLBACK', 'an effect targets the transaction that counts, never a rollback');
    const bucket = bucketOf(buckets, target);
    const measure = measureOf(target);
    bucket.sums[measure] = bucket.sums[measure].plus(new Decimal(target.amount).times(sign));
    bucket.transactions += sign;
    if (sign === 1 && newRoundIds.has(target.roundId) && !roundsCounted.has(target.roundId)) {
      roundsCounted.add(target.roundId);
      bucket.rounds += 1;
    }
  }
  return [...buckets.values()]
    .sort((a, b) => a.startMs - b.startMs || compare(a.gameCode, b.gameCode) || compare(a.currency, b.currency))
    .map(toDelta);
}

function bucketOf(buckets: Map<string, BucketSums>, tx: CanonicalTransaction): BucketSums {
  const startMs = bucketStartMs(Date.parse(tx.occurredAt));
  const key = JSON.stringify([tx.gameCode, tx.currency, startMs]);
  let bucket = buckets.get(key);
  if (bucket === undefined) {
    const sums = Object.fromEntries(measures.map((measure) => [measure, ZERO])) as Record<Measure, Decimal>;
    bucket = { gameCode: tx.gameCode, currency: tx.currency, startMs, sums, transactions: 0, rounds: 0 };
    buckets.set(key, bucket);
  }
  return bucket;
}

function measureOf(tx: CanonicalTransaction): Measure {
  switch (tx.kind) {
    case 'BET':
      return tx.funding === 'BONUS' ? 'bonusStake' : 'cashStake';
    case 'WIN':
      return tx.funding === 'BONUS' ? 'bonusWin' : 'cashWin';
    case 'JACKPOT_CONTRIBUTION':
      return 'jackpotContribution';
    case 'JACKPOT_WIN':
      return 'jackpotWin';
    case 'ROLLBACK':
      throw new AssertionError('a rollback never counts in a bucket by itself');
    default:
      return assertUnreachable(tx.kind);
  }
}

function toDelta(bucket: BucketSums): BucketDelta {
  const { sums } = bucket;
  return {
    gameCode: bucket.gameCode,
    currency: bucket.currency,
    bucketStart: new Date(bucket.startMs).toISOString(),
    cashStake: decimalToString(sums.cashStake),
    bonusStake: decimalToString(sums.bonusStake),
    cashWin: decimalToString(sums.cashWin),
    bonusWin: decimalToString(sums.bonusWin),
    jackpotContribution: decimalToString(sums.jackpotContribution),
    jackpotWin: decimalToString(sums.jackpotWin),
    transactions: bucket.transactions,
    rounds: bucket.rounds,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
