import { ClearhouseError, Decimal, isActiveCurrency, parseDecimal } from '@clearhouse/kernel';

/**
 * One daily fixing, quoted ECB style: 1 EUR = `rate` units of `currency` on `date` (DESIGN.md 5.3).
 * The rate stays the decimal string as written, so what was published is what is stored.
 */
export interface FxFixing {
  date: string;
  currency: string;
  rate: string;
}

/** Every fixing is quoted against this currency; its own rate is 1 by definition and never stored. */
export const baseCurrency = 'EUR';

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const currencyPattern = /^[A-Z]{3}$/;

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (match === null) return false;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.toISOString().slice(0, 10) === text;
}

/** Throws BAD_INPUT unless `date` is a calendar date YYYY-MM-DD. */
export function checkFixingDate(date: string): void {
  if (!isCalendarDate(date)) {
    throw new ClearhouseError('BAD_INPUT', `Fixing date ${JSON.stringify(date)} is not a calendar date YYYY-MM-DD.`, {
      date,
    });
  }
}

/** Throws INVALID_RATE unless `currency` is an active ISO 4217 code other than the base currency. */
export function checkFixingCurrency(currency: string, date: string): void {
  if (currency === baseCurrency) {
    throw new ClearhouseError('INVALID_RATE', `${baseCurrency} is the base currency: its rate is 1 by definition.`, {
      date,
      currency,
    });
  }
  if (!currencyPattern.test(currency) || !isActiveCurrency(currency)) {
    throw new ClearhouseError('INVALID_RATE', `Unknown currency ${JSON.stringify(currency)} on ${date}.`, {
      date,
      currency,
    });
  }
}

/** Parses a rate as written ("1.0823"); throws INVALID_RATE when it is malformed, zero or negative. */
export function parseRate(rate: string, date: string, currency: string): Decimal {
  const parsed = parseDecimal(rate);
  if (parsed === null) {
    throw new ClearhouseError('INVALID_RATE', `Rate ${JSON.stringify(rate)} for ${currency} on ${date} is not a decimal.`, {
      date,
      currency,
      rate,
    });
  }
  if (!parsed.greaterThan(0)) {
    throw new ClearhouseError('INVALID_RATE', `Rate ${rate} for ${currency} on ${date} is not positive.`, {
      date,
      currency,
      rate,
    });
  }
  return parsed;
}

/** Checks every field of a fixing; returns its rate as a Decimal. */
export function checkFixing(fixing: FxFixing): Decimal {
  checkFixingDate(fixing.date);
  checkFixingCurrency(fixing.currency, fixing.date);
  return parseRate(fixing.rate, fixing.date, fixing.currency);
}
