import { describe, expect, it } from 'vitest';
import { Decimal, FxTable } from '@clearhouse/kernel';
import { rate, type RatingInput } from '../src/domain/rating.ts';
import { bucket, categories, termsOf, zero } from './support/builders.ts';

const novaLike = termsOf({
  base: 'NGR',
  deductions: { bonusStake: true, jackpotContribution: true, gamingTaxRate: '0.05' },
  tiers: [{ upTo: '1000', rate: '0.10' }, { upTo: null, rate: '0.05' }],
  overrides: [
    { name: 'live casino', categories: ['LIVE_CASINO'], rate: '0.25' },
    { name: 'crash weekend', categories: ['CRASH'], weekdays: ['SAT', 'SUN'], rate: '0.30' },
  ],
  minimumFee: '150',
  minimumPayout: '100',
});
const games = categories({ 'slot-1': 'SLOT', 'live-1': 'LIVE_CASINO', 'crash-1': 'CRASH' });
const fx = FxTable.of([{ date: '2026-09-04', currency: 'USD', rate: '1.10' }]);

const slot = bucket('slot-1', '2026-09-02T10:00:00Z', {
  cashStake: '2000', bonusStake: '100', cashWin: '500', bonusWin: '50', jackpotContribution: '20', jackpotWin: '999',
});
const live = bucket('live-1', '2026-09-03T12:00:00Z', { cashStake: '400', cashWin: '300' });
const usdSlot = bucket('slot-1', '2026-09-04T08:00:00Z', { cashStake: '110' }, 'USD');

function input(overrides: Partial<RatingInput> = {}): RatingInput {
  return { buckets: [slot, live, usdSlot], terms: novaLike, gameCategories: games, fx, carryIn: zero, payableCarryIn: zero, ...overrides };
}

describe('rating one period', () => {
  it('derives GGR and NGR, splits override groups from the tiered base and tops the fee up to the minimum', () => {
    const rating = rate(input());
    // slot: GGR 2000+100−500−50 = 1550, NGR 1550 − 100 − 20 − 77.5 = 1352.5; jackpot wins stay out of GGR.
    // live: GGR 100, NGR 95 → group fee 23.75. usdSlot: 110 USD / 1.10 = 100 EUR, NGR 95.
    expect(rating.totals).toEqual({
      cashStake: '2500', bonusStake: '100', cashWin: '800', bonusWin: '50', jackpotContribution: '20', jackpotWin: '999',
      ggr: '1750', ngr: '1542.5',
    });
    expect(rating.groups).toEqual([
      { override: 'live casino', rate: '0.25', base: '95', fee: '23.75' },
      { override: 'crash weekend', rate: '0.30', base: '0', fee: '0' },
    ]);
    expect(rating.tieredBase).toBe('1447.5');
    expect(rating.tierBands).toEqual([
      { from: '0', upTo: '1000', slice: '1000', rate: '0.10' },
      { from: '1000', upTo: null, slice: '447.5', rate: '0.05' },
    ]);
    expect([rating.tieredFee, rating.computedFee, rating.minimumFeeTopUp]).toEqual(['122.375', '146.125', '3.875']);
    expect([rating.fee, rating.payable, rating.paidNow, rating.payableCarryOut]).toEqual(['150.00', '150.00', '150.00', '0']);
    expect(rating.fxRatesUsed).toEqual([
      { date: '2026-09-04', from: 'USD', to: 'EUR', rate: new Decimal(1).dividedBy('1.10').toFixed(), fixings: [{ currency: 'USD', date: '2026-09-04', rate: '1.1' }] },
    ]);
    expect(rating.provisional).toBe(false);
  });

  it('leaves FX-pending buckets out of every figure and lists each, even one netting to zero, in a stable order', () => {
    const pendingLate = bucket('b-game', '2026-09-20T10:15:00Z', { cashStake: '500' }, 'SEK');
    const pendingZero = bucket('a-game', '2026-09-21T10:00:00Z', {}, 'SEK');
    const pendingEarly = bucket('b-game', '2026-09-20T10:00:00Z', { cashWin: '70' }, 'SEK');
    const rating = rate(input({ buckets: [slot, live, usdSlot, pendingLate, pendingZero, pendingEarly] }));
    expect(rating.fxPending).toEqual([
      { gameCode: 'a-game', currency: 'SEK', bucketStart: '2026-09-21T10:00:00.000Z' },
      { gameCode: 'b-game', currency: 'SEK', bucketStart: '2026-09-20T10:00:00.000Z' },
      { gameCode: 'b-game', currency: 'SEK', bucketStart: '2026-09-20T10:15:00.000Z' },
    ]);
    expect(rating.totals.cashStake).toBe('2500');
    expect(rating.computedFee).toBe('146.125');
    expect(rating.provisional).toBe(true);
  });

  it('applies the negative carry before the tiers and passes a negative tiered base on only when the terms say so', () => {
    const withCarry = rate(input({ carryIn: new Decimal('-1500') }));
    expect(withCarry.tieredBase).toBe('-52.5');
    expect(withCarry.tierBands).toEqual([{ from: '0', upTo: '1000', slice: '0', rate: '0.10' }]);
    expect([withCarry.carryIn, withCarry.carryOut]).toEqual(['-1500', '0']);
    const carrying = rate(input({ carryIn: new Decimal('-1500'), terms: { ...novaLike, negativeCarryover: true } }));
    expect(carrying.carryOut).toBe('-52.5');
    // The group fee is charged on its own base even when the tiered base is negative.
    expect(carrying.computedFee).toBe('23.75');
  });

  it('charges a group nothing when its own base is negative', () => {
    const losingLive = bucket('live-1', '2026-09-03T12:00:00Z', { cashStake: '100', cashWin: '300' });
    const rating = rate(input({ buckets: [slot, losingLive] }));
    expect(rating.groups[0]).toEqual({ override: 'live casino', rate: '0.25', base: '-190', fee: '0' });
    expect(rating.tieredBase).toBe('1352.5');
  });

  it('keeps a fee below the minimum payout unpaid and carries the payable forward', () => {
    const small = termsOf({ minimumPayout: '300', tiers: [{ upTo: null, rate: '0.10' }] });
    const rating = rate(input({ terms: small, buckets: [bucket('slot-1', '2026-09-02T10:00:00Z', { cashStake: '1234.565' })] }));
    expect([rating.fee, rating.payable, rating.paidNow, rating.payableCarryOut]).toEqual(['123.46', '123.46', '0', '123.46']);
    const next = rate(input({ terms: small, payableCarryIn: new Decimal('200.00'), buckets: [bucket('slot-1', '2026-09-02T10:00:00Z', { cashStake: '1000' })] }));
    expect([next.payableCarryIn, next.fee, next.payable, next.paidNow, next.payableCarryOut]).toEqual(['200.00', '100.00', '300.00', '300.00', '0']);
  });

  it('rounds the fee once, half-even, to the currency\'s minor units and prints zero as "0"', () => {
    const yen = termsOf({ currency: 'JPY', timezone: 'Asia/Tokyo', tiers: [{ upTo: null, rate: '0.10' }], minimumPayout: '50000' });
    const yenFx = FxTable.of([{ date: '2026-09-02', currency: 'JPY', rate: '160' }]);
    const rating = rate(input({ terms: yen, fx: yenFx, buckets: [bucket('slot-1', '2026-09-02T10:00:00Z', { cashStake: '357925' }, 'JPY')] }));
    expect([rating.computedFee, rating.fee, rating.payableCarryOut, rating.paidNow]).toEqual(['35792.5', '35792', '35792', '0']);
    const halfUp = rate(input({ terms: termsOf({ tiers: [{ upTo: null, rate: '0.10' }] }), buckets: [bucket('slot-1', '2026-09-02T10:00:00Z', { cashStake: '123.55' })] }));
    expect(halfUp.fee).toBe('12.36');
    const nothing = rate(input({ buckets: [], terms: termsOf() }));
    expect([nothing.fee, nothing.payable, nothing.paidNow, nothing.computedFee, nothing.tieredBase]).toEqual(['0', '0', '0', '0', '0']);
  });

  it('adds manual adjustments to the fee after the minimum-fee top-up', () => {
    const rating = rate(input({ adjustments: [{ amount: '-20', reason: 'goodwill credit' }, { amount: '0.005', reason: 'rounding' }] }));
    expect(rating.computedFee).toBe('146.125');
    expect(rating.fee).toBe('130.00'); // 150 − 20 + 0.005, rounded once half-even
    expect(rating.adjustments).toEqual([{ amount: '-20', reason: 'goodwill credit' }, { amount: '0.005', reason: 'rounding' }]);
  });

  it('refuses a positive carry in as a programming error', () => {
    expect(() => rate(input({ carryIn: new Decimal('1') }))).toThrow(/carryIn/);
  });
});
