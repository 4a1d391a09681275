import { Decimal, ZERO, assert, assertUnreachable, bucketStartMs, dec, type BucketDelta } from '@clearhouse/kernel';
import type { Deductions, FeeBase } from '@clearhouse/kernel/terms/index';

/**
 * Bucket sums of DESIGN.md 5.2: one row per (partner, gameCode, currency, 15-minute UTC interval),
 * net of rollbacks, in the transactions' own currency.
 */
export const amountFields = ['cashStake', 'bonusStake', 'cashWin', 'bonusWin', 'jackpotContribution', 'jackpotWin'] as const;
export type AmountField = (typeof amountFields)[number];

export type BucketSums = Record<AmountField, Decimal> & { transactions: number; rounds: number };

export interface Bucket {
  gameCode: string;
  currency: string;
  /** ISO 8601 UTC instant, normalised by `toISOString`. */
  bucketStart: string;
  sums: BucketSums;
}

export interface StoredBucket extends Bucket {
  partnerId: string;
}

export function emptySums(): BucketSums {
  return {
    cashStake: ZERO, bonusStake: ZERO, cashWin: ZERO, bonusWin: ZERO, jackpotContribution: ZERO, jackpotWin: ZERO,
    transactions: 0, rounds: 0,
  };
}

/** Normalises an ISO instant and checks it opens a 15-minute UTC bucket. */
export function normalizeBucketStart(iso: string): string {
  const ms = Date.parse(iso);
  assert(!Number.isNaN(ms), `bucketStart is not an instant: ${iso}`);
  assert(bucketStartMs(ms) === ms, `bucketStart is not on a 15-minute boundary: ${iso}`);
  return new Date(ms).toISOString();
}

export function bucketKey(partnerId: string, gameCode: string, currency: string, bucketStart: string): string {
  return JSON.stringify([partnerId, gameCode, currency, normalizeBucketStart(bucketStart)]);
}

/** The sums after one delta: pure, the stored sums are not changed. */
export function addDelta(sums: BucketSums, delta: BucketDelta): BucketSums {
  const next = { ...sums };
  for (const field of amountFields) next[field] = sums[field].plus(dec(delta[field]));
  next.transactions = sums.transactions + delta.transactions;
  next.rounds = sums.rounds + delta.rounds;
  return next;
}

/** Stored bucket sums keyed by partner, game, currency and bucket start. */
export type BucketMap = Map<string, StoredBucket>;

/** Folds a batch's deltas into `buckets`: the in-memory stand-in of the settlements table update. */
export function accumulate(buckets: BucketMap, partnerId: string, deltas: readonly BucketDelta[]): StoredBucket[] {
  const touched = new Map<string, StoredBucket>();
  for (const delta of deltas) {
    const bucketStart = normalizeBucketStart(delta.bucketStart);
    const key = bucketKey(partnerId, delta.gameCode, delta.currency, bucketStart);
    const stored = buckets.get(key) ?? { partnerId, gameCode: delta.gameCode, currency: delta.currency, bucketStart, sums: emptySums() };
    const updated = { ...stored, sums: addDelta(stored.sums, delta) };
    buckets.set(key, updated);
    touched.set(key, updated);
  }
  return [...touched.values()];
}

/** GGR = cashStake + bonusStake − cashWin − bonusWin; jackpot wins are paid from the pool, not from GGR. */
export function ggrOf(sums: Record<AmountField, Decimal>): Decimal {
  return sums.cashStake.plus(sums.bonusStake).minus(sums.cashWin).minus(sums.bonusWin);
}

/** NGR = GGR − deducted bonus stake − deducted jackpot contribution − gamingTaxRate × GGR. */
export function ngrOf(sums: Record<AmountField, Decimal>, deductions: Deductions): Decimal {
  const ggr = ggrOf(sums);
  let ngr = ggr;
  if (deductions.bonusStake) ngr = ngr.minus(sums.bonusStake);
  if (deductions.jackpotContribution) ngr = ngr.minus(sums.jackpotContribution);
  if (deductions.gamingTaxRate !== null) ngr = ngr.minus(ggr.times(deductions.gamingTaxRate));
  return ngr;
}

export function feeBaseOf(sums: Record<AmountField, Decimal>, base: FeeBase, deductions: Deductions): Decimal {
  switch (base) {
    case 'GGR':
      return ggrOf(sums);
    case 'NGR':
      return ngrOf(sums, deductions);
    default:
      return assertUnreachable(base);
  }
}
