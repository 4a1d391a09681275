import { claimUnseen, countRounds, Decimal, decimalToString, type BucketDelta } from '@clearhouse/kernel';

const amountFields = ['cashStake', 'bonusStake', 'cashWin', 'bonusWin', 'jackpotContribution', 'jackpotWin'] as const;

/**
 * Sums one partner's deltas, in the order their batches committed, per bucket: what the settlements
 * consumer would hold, each round named in `roundIds` counted once (countRounds), in a stable order.
 */
export function sumDeltas(deltas: readonly BucketDelta[]): BucketDelta[] {
  const totals = new Map<string, BucketDelta>();
  for (const delta of countRounds(deltas, claimUnseen(new Set()))) {
    const key = `${delta.bucketStart}|${delta.gameCode}|${delta.currency}`;
    const total = totals.get(key);
    if (total === undefined) {
      totals.set(key, { ...delta });
      continue;
    }
    for (const field of amountFields) total[field] = decimalToString(new Decimal(total[field]).plus(delta[field]));
    total.transactions += delta.transactions;
    total.rounds += delta.rounds;
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, total]) => total);
}
