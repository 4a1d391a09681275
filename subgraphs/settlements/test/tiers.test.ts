import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '@clearhouse/kernel';
import { applyTiers } from '../src/domain/tiers.ts';
import type { Tier } from '@clearhouse/kernel/terms/index';

const tiers: Tier[] = [
  { upTo: '1000', rate: '0.20' },
  { upTo: '5000', rate: '0.15' },
  { upTo: null, rate: '0.10' },
];
const d = (text: string): Decimal => new Decimal(text);

describe('tiers', () => {
  it('charges each band its slice in MARGINAL mode and lists the bands reached', () => {
    const result = applyTiers(tiers, 'MARGINAL', d('6000'));
    expect(result.bands).toEqual([
      { from: '0', upTo: '1000', slice: '1000', rate: '0.20' },
      { from: '1000', upTo: '5000', slice: '4000', rate: '0.15' },
      { from: '5000', upTo: null, slice: '1000', rate: '0.10' },
    ]);
    expect(result.fee.toFixed()).toBe('900'); // 200 + 600 + 100
  });

  it('keeps a base exactly on an inclusive upTo bound inside that band, in both modes', () => {
    const marginal = applyTiers(tiers, 'MARGINAL', d('1000'));
    expect(marginal.bands).toEqual([{ from: '0', upTo: '1000', slice: '1000', rate: '0.20' }]);
    expect(marginal.fee.toFixed()).toBe('200');
    const whole = applyTiers(tiers, 'WHOLE', d('5000'));
    expect(whole.bands).toEqual([{ from: '0', upTo: '5000', slice: '5000', rate: '0.15' }]);
    expect(whole.fee.toFixed()).toBe('750');
  });

  it('charges the whole amount at the rate of the band it reaches in WHOLE mode', () => {
    const justAbove = applyTiers(tiers, 'WHOLE', d('5000.01'));
    expect(justAbove.bands).toEqual([{ from: '0', upTo: null, slice: '5000.01', rate: '0.10' }]);
    expect(justAbove.fee.toFixed()).toBe('500.001');
  });

  it('shows the first band with a zero slice when there is nothing to charge', () => {
    expect(applyTiers(tiers, 'MARGINAL', d('0')).bands).toEqual([{ from: '0', upTo: '1000', slice: '0', rate: '0.20' }]);
    expect(applyTiers(tiers, 'WHOLE', d('0')).bands).toEqual([{ from: '0', upTo: '1000', slice: '0', rate: '0.20' }]);
  });

  it('makes MARGINAL slices add up to the amount and the fee continuous across bounds', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000_000n }), (cents) => {
        const amount = d(cents.toString()).dividedBy(100);
        const { bands, fee } = applyTiers(tiers, 'MARGINAL', amount);
        const sliceTotal = bands.reduce((total, band) => total.plus(band.slice), d('0'));
        expect(sliceTotal.equals(amount)).toBe(true);
        const next = applyTiers(tiers, 'MARGINAL', amount.plus('0.01')).fee;
        expect(next.minus(fee).lessThanOrEqualTo('0.002')).toBe(true);
        expect(next.greaterThan(fee)).toBe(true);
      }),
    );
  });
});
