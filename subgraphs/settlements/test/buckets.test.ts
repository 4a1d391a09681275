import { describe, expect, it } from 'vitest';
import type { BucketDelta } from '@clearhouse/kernel';
import { accumulate, ggrOf, ngrOf, type BucketMap } from '../src/domain/buckets.ts';

function delta(overrides: Partial<BucketDelta>): BucketDelta {
  return {
    gameCode: 'g1', currency: 'EUR', bucketStart: '2026-09-01T10:15:00.000Z',
    cashStake: '0', bonusStake: '0', cashWin: '0', bonusWin: '0', jackpotContribution: '0', jackpotWin: '0',
    transactions: 1, rounds: 1, ...overrides,
  };
}

describe('bucket sums', () => {
  it('adds deltas exactly into one bucket per partner, game, currency and start, net of rollbacks', () => {
    const buckets: BucketMap = new Map();
    accumulate(buckets, 'p1', [delta({ cashStake: '12.3400' }), delta({ cashStake: '0.0001', bucketStart: '2026-09-01T10:15:00Z' })]);
    accumulate(buckets, 'p1', [delta({ cashStake: '-12.34', transactions: -1, rounds: 0 })]);
    accumulate(buckets, 'p2', [delta({ cashStake: '5' })]);
    accumulate(buckets, 'p1', [delta({ cashStake: '5', currency: 'USD' })]);
    const p1Eur = [...buckets.values()].filter((b) => b.partnerId === 'p1' && b.currency === 'EUR');
    expect(p1Eur).toHaveLength(1);
    expect(p1Eur[0]?.sums.cashStake.toFixed()).toBe('0.0001');
    expect([p1Eur[0]?.sums.transactions, p1Eur[0]?.sums.rounds]).toEqual([1, 2]);
    expect(buckets.size).toBe(3);
  });

  it('refuses a bucket start that is not on a 15-minute UTC boundary', () => {
    expect(() => accumulate(new Map(), 'p1', [delta({ bucketStart: '2026-09-01T10:16:00Z' })])).toThrow(/15-minute/);
  });

  it('leaves jackpot wins out of GGR and takes only the deductions the terms name out of NGR', () => {
    const buckets: BucketMap = new Map();
    const [stored] = accumulate(buckets, 'p1', [
      delta({ cashStake: '100', bonusStake: '20', cashWin: '50', bonusWin: '10', jackpotContribution: '2', jackpotWin: '1000' }),
    ]);
    expect(ggrOf(stored!.sums).toFixed()).toBe('60');
    expect(ngrOf(stored!.sums, { bonusStake: true, jackpotContribution: false, gamingTaxRate: '0.1' }).toFixed()).toBe('34');
    expect(ngrOf(stored!.sums, { bonusStake: false, jackpotContribution: true, gamingTaxRate: null }).toFixed()).toBe('58');
  });
});
