import { describe, expect, it } from 'vitest';
import { Decimal, parseDecimal, roundMoney } from '@clearhouse/kernel';

describe('money', () => {
  it('rounds half-even exactly once', () => {
    expect(roundMoney(new Decimal('0.125'), 2)).toBe('0.12');
    expect(roundMoney(new Decimal('0.135'), 2)).toBe('0.14');
    expect(roundMoney(new Decimal('35792.5'), 0)).toBe('35792');
    expect(roundMoney(new Decimal('-0.001'), 2)).toBe('0.00');
  });

  it('parses only canonical decimal strings', () => {
    expect(parseDecimal('12.3400')?.toFixed()).toBe('12.34');
    expect(parseDecimal('1e5')).toBeNull();
    expect(parseDecimal(' 1')).toBeNull();
    expect(parseDecimal('01')).toBeNull();
    expect(parseDecimal('0.1')!.plus('0.2').toFixed()).toBe('0.3');
  });
});
