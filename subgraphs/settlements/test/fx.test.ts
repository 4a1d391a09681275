import { describe, expect, it } from 'vitest';
import { Decimal, FxTable, utcDateOf } from '@clearhouse/kernel';

const table = FxTable.of([
  { date: '2026-09-04', currency: 'USD', rate: '1.10' },
  { date: '2026-09-04', currency: 'GBP', rate: '0.85' },
  { date: '2026-09-07', currency: 'USD', rate: '1.20' },
]);

describe('FX fixings (1 EUR = x CCY)', () => {
  it('uses the fixing of the asked UTC date when there is one', () => {
    const lookup = table.rate('2026-09-07', 'EUR', 'USD');
    expect(lookup).toMatchObject({ status: 'ok', fixings: [{ currency: 'USD', date: '2026-09-07' }] });
    expect(lookup.status === 'ok' && lookup.rate.toFixed()).toBe('1.2');
  });

  it('falls back to the latest fixing at most seven days before the date', () => {
    const weekend = table.rate('2026-09-06', 'USD', 'EUR');
    expect(weekend.status === 'ok' && weekend.fixings[0]?.date).toBe('2026-09-04');
    const sevenDaysOn = table.rate('2026-09-11', 'GBP', 'EUR');
    expect(sevenDaysOn.status === 'ok' && sevenDaysOn.fixings[0]?.date).toBe('2026-09-04');
  });

  it('is pending when the newest usable fixing is more than seven days old', () => {
    expect(table.rate('2026-09-12', 'GBP', 'EUR')).toEqual({ status: 'pending', missingCurrencies: ['GBP'] });
    expect(table.rate('2026-09-03', 'EUR', 'USD')).toEqual({ status: 'pending', missingCurrencies: ['USD'] });
  });

  it('crosses two currencies through EUR as x_to / x_from with each fixing found on its own', () => {
    const lookup = table.rate('2026-09-08', 'GBP', 'USD');
    expect(lookup.status).toBe('ok');
    if (lookup.status !== 'ok') return;
    expect(lookup.rate.equals(new Decimal('1.20').dividedBy('0.85'))).toBe(true);
    expect(lookup.fixings.map((fixing) => [fixing.currency, fixing.date])).toEqual([
      ['GBP', '2026-09-04'],
      ['USD', '2026-09-07'],
    ]);
  });

  it('needs no fixing for EUR or for a conversion into the same currency', () => {
    const empty = new FxTable();
    expect(empty.rate('2026-01-01', 'JPY', 'JPY')).toMatchObject({ status: 'ok', fixings: [] });
    expect(empty.fixingOn('2026-01-01', 'EUR')?.toFixed()).toBe('1');
    expect(empty.rate('2026-01-01', 'EUR', 'JPY')).toEqual({ status: 'pending', missingCurrencies: ['JPY'] });
  });

  it('lets a later fixing of the same date and currency replace the earlier one', () => {
    const corrected = FxTable.of([{ date: '2026-09-04', currency: 'USD', rate: '1.10' }]).add('2026-09-04', 'USD', '1.11');
    expect(corrected.size).toBe(1);
    expect(corrected.fixingOn('2026-09-04', 'USD')?.toFixed()).toBe('1.11');
  });

  it('refuses fixings that can only come from a bug: EUR itself, a non-positive rate, a bad date', () => {
    expect(() => new FxTable().add('2026-09-04', 'EUR', '1')).toThrow(/EUR/);
    expect(() => new FxTable().add('2026-09-04', 'USD', '0')).toThrow(/positive/);
    expect(() => new FxTable().add('2026-02-30', 'USD', '1.1')).toThrow(/date/);
  });

  it('dates an instant by its UTC calendar day', () => {
    expect(utcDateOf(Date.parse('2026-09-06T23:45:00+02:00'))).toBe('2026-09-06');
    expect(utcDateOf(Date.parse('2026-09-07T00:15:00+02:00'))).toBe('2026-09-06');
  });
});
