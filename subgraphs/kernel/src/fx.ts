import { assert } from './assert.ts';
import { isActiveCurrency } from './currencies.ts';
import { Decimal } from './money.ts';

/**
 * Daily FX fixings quoted ECB style, 1 EUR = x CCY (DESIGN.md 5.3). Shared by the FX subgraph (which
 * stores and serves rates) and the settlements subgraph (which converts buckets with them), so that
 * both apply the same fallback rule.
 */
export const fxBaseCurrency = 'EUR';

/** How far back a missing fixing may be replaced by an earlier one (weekends and holidays). */
export const fxFallbackDaysMax = 7;

/** A bound on one table: about forty years of daily fixings for some 170 currencies. */
export const fxFixingsMax = 2_500_000;

export interface FxFixingUsed {
  currency: string;
  /** The date of the fixing actually used: the asked date or up to `fxFallbackDaysMax` days before. */
  date: string;
  /** 1 EUR = rate CCY. */
  rate: Decimal;
}

export type FxRateLookup =
  | {
      status: 'ok';
      /** Multiply an amount in `from` by this to get `to`: x_to / x_from, exact to the Decimal precision. */
      rate: Decimal;
      /** The fixings used, `from` first; none for EUR or when `from` equals `to`. */
      fixings: FxFixingUsed[];
    }
  | { status: 'pending'; missingCurrencies: string[] };

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;

export function isIsoDate(text: string): boolean {
  if (!datePattern.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00.000Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/** The UTC calendar date (YYYY-MM-DD) of an instant: the date whose fixing converts a bucket. */
export function utcDateOf(instantMs: number): string {
  return new Date(instantMs).toISOString().slice(0, 10);
}

function daysBefore(date: string, days: number): string {
  return utcDateOf(Date.parse(`${date}T00:00:00.000Z`) - days * dayMs);
}

/**
 * Fixings by currency and date. Built once (`add` replaces a fixing of the same date and currency, as a
 * manual correction would) and then only read: lookups never change it.
 */
export class FxTable {
  readonly #byCurrency = new Map<string, Map<string, Decimal>>();
  #size = 0;

  static of(fixings: Iterable<{ date: string; currency: string; rate: Decimal | string }>): FxTable {
    const table = new FxTable();
    for (const fixing of fixings) table.add(fixing.date, fixing.currency, fixing.rate);
    return table;
  }

  /** Rates reach here validated (INVALID_RATE is the FX subgraph's answer); a bad one is a bug. */
  add(date: string, currency: string, rate: Decimal | string): this {
    const value = new Decimal(rate);
    assert(isIsoDate(date), `fixing date is not YYYY-MM-DD: ${date}`);
    assert(isActiveCurrency(currency), `fixing currency is not an active ISO 4217 code: ${currency}`);
    assert(currency !== fxBaseCurrency, 'EUR is the base of the quotes and has no fixing');
    assert(value.isFinite() && value.greaterThan(0), `fixing rate must be positive: ${value.toString()}`);
    let byDate = this.#byCurrency.get(currency);
    if (byDate === undefined) {
      byDate = new Map();
      this.#byCurrency.set(currency, byDate);
    }
    if (!byDate.has(date)) this.#size += 1;
    assert(this.#size <= fxFixingsMax, `more than ${fxFixingsMax} fixings in one table`);
    byDate.set(date, value);
    return this;
  }

  get size(): number {
    return this.#size;
  }

  /** The fixing published on exactly `date`, if any. EUR is always 1 and is never "published". */
  fixingOn(date: string, currency: string): Decimal | undefined {
    if (currency === fxBaseCurrency) return new Decimal(1);
    return this.#byCurrency.get(currency)?.get(date);
  }

  /** The fixing of `date`, else the latest one at most `fxFallbackDaysMax` days before it. */
  usableFixing(date: string, currency: string): FxFixingUsed | undefined {
    assert(isIsoDate(date), `not a date: ${date}`);
    const byDate = this.#byCurrency.get(currency);
    if (byDate === undefined) return undefined;
    for (let back = 0; back <= fxFallbackDaysMax; back += 1) {
      const candidate = daysBefore(date, back);
      const rate = byDate.get(candidate);
      if (rate !== undefined) return { currency, date: candidate, rate };
    }
    return undefined;
  }

  /** rate(from → to) = x_to / x_from for the given UTC date, or 'pending' naming the missing currencies. */
  rate(date: string, from: string, to: string): FxRateLookup {
    if (from === to) return { status: 'ok', rate: new Decimal(1), fixings: [] };
    const fixings: FxFixingUsed[] = [];
    const missingCurrencies: string[] = [];
    const quote = (currency: string): Decimal => {
      if (currency === fxBaseCurrency) return new Decimal(1);
      const fixing = this.usableFixing(date, currency);
      if (fixing === undefined) {
        missingCurrencies.push(currency);
        return new Decimal(1);
      }
      fixings.push(fixing);
      return fixing.rate;
    };
    const xFrom = quote(from);
    const xTo = quote(to);
    if (missingCurrencies.length > 0) return { status: 'pending', missingCurrencies };
    return { status: 'ok', rate: xTo.dividedBy(xFrom), fixings };
  }
}
