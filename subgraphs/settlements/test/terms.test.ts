import { describe, expect, it } from 'vitest';
import { validateTerms } from '@clearhouse/kernel/terms/index';

const designExample = {
  currency: 'EUR', timezone: 'Europe/Malta', cycle: 'MONTHLY', base: 'NGR',
  deductions: { bonusStake: true, jackpotContribution: true, gamingTaxRate: '0.05' },
  tiers: [{ upTo: '100000', rate: '0.12' }, { upTo: null, rate: '0.10' }],
  tierMode: 'MARGINAL',
  overrides: [
    { name: 'live casino', categories: ['LIVE_CASINO'], rate: '0.25' },
    { name: 'late promo', weekdays: ['FRI', 'SAT'], hours: { from: '22:00', to: '02:00' }, rate: '0.08' },
    { name: 'flagship', games: ['book-of-x'], rate: '0.09' },
  ],
  minimumFee: '1000', negativeCarryover: true, minimumPayout: '500',
};

function errorsOf(json: unknown): Record<string, string> {
  const result = validateTerms(json);
  if (result.ok) throw new Error('expected validation errors');
  return Object.fromEntries(result.errors.map((error) => [error.field, error.message]));
}

describe('contract terms validation', () => {
  it('accepts the terms of the design document and keeps decimals as typed', () => {
    const result = validateTerms(designExample);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.terms.tiers[1]).toEqual({ upTo: null, rate: '0.10' });
    expect(result.terms.overrides[1]?.hours).toEqual({ from: '22:00', to: '02:00', fromMinute: 1320, toMinute: 120 });
    expect(result.terms.autoCloseAfterHours).toBeNull();
  });

  it('names every bad field with its path, all at once', () => {
    const errors = errorsOf({
      ...designExample,
      currency: 'XTS',
      timezone: 'Mars/Olympus',
      cycle: 'DAILY',
      deductions: { gamingTaxRate: '1.5' },
      tiers: [{ upTo: '5000', rate: '0.12' }, { upTo: '4000', rate: '-0.1' }, { upTo: null, rate: '0.10' }],
    });
    expect(Object.keys(errors).sort()).toEqual([
      'currency', 'cycle', 'deductions.gamingTaxRate', 'tiers[1].rate', 'tiers[1].upTo', 'timezone',
    ]);
    expect(errors['tiers[1].upTo']).toMatch(/increase/);
    expect(errors['tiers[1].rate']).toMatch(/at least 0 and at most 1/);
  });

  it('requires the last tier to be unbounded and only the last', () => {
    const errors = errorsOf({ ...designExample, tiers: [{ upTo: null, rate: '0.1' }, { upTo: '100', rate: '0.2' }] });
    expect(errors['tiers[0].upTo']).toMatch(/only the last band/);
    expect(errors['tiers[1].upTo']).toMatch(/must be unbounded/);
  });

  it('refuses rates and amounts given as JSON numbers, since money never passes through a float', () => {
    const errors = errorsOf({ ...designExample, minimumFee: 1000, tiers: [{ upTo: null, rate: 0.1 }] });
    expect(errors['minimumFee']).toMatch(/not a JSON number/);
    expect(errors['tiers[0].rate']).toMatch(/decimal string/);
  });

  it('checks override conditions: weekday names, categories, HH:MM hours, a condition at all, unique names', () => {
    const errors = errorsOf({
      ...designExample,
      overrides: [
        { name: 'a', weekdays: ['FRIDAY'], rate: '0.1' },
        { name: 'b', categories: ['POKER'], hours: { from: '24:00', to: '2:00' }, rate: '0.1' },
        { name: 'c', rate: '0.1' },
        { name: 'a', games: [], rate: '0.1' },
      ],
    });
    expect(errors).toMatchObject({
      'overrides[0].weekdays[0]': expect.stringMatching(/MON, TUE/),
      'overrides[1].categories[0]': expect.stringMatching(/LIVE_CASINO/),
      'overrides[1].hours.from': expect.stringMatching(/HH:MM/),
      'overrides[1].hours.to': expect.stringMatching(/HH:MM/),
      'overrides[2]': expect.stringMatching(/at least one condition/),
      'overrides[3].name': expect.stringMatching(/already/),
      'overrides[3].games': expect.stringMatching(/non-empty/),
    });
  });

  it('reports unknown fields instead of silently ignoring a misspelt one', () => {
    expect(errorsOf({ ...designExample, minimunFee: '10' })).toHaveProperty('minimunFee');
  });

  it('reports missing required fields and a non-object', () => {
    expect(Object.keys(errorsOf({})).sort()).toEqual(['base', 'currency', 'cycle', 'tierMode', 'tiers', 'timezone']);
    expect(errorsOf('terms')).toHaveProperty('');
  });

  it('refuses a fixed UTC offset as timezone because it would ignore daylight saving', () => {
    expect(errorsOf({ ...designExample, timezone: '+01:00' })).toHaveProperty('timezone');
    expect(validateTerms({ ...designExample, timezone: 'UTC' }).ok).toBe(true);
  });

  it('bounds autoCloseAfterHours to whole hours', () => {
    expect(errorsOf({ ...designExample, autoCloseAfterHours: 1.5 })).toHaveProperty('autoCloseAfterHours');
    const result = validateTerms({ ...designExample, autoCloseAfterHours: 72 });
    expect(result.ok && result.terms.autoCloseAfterHours).toBe(72);
  });
});
