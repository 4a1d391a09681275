import { Decimal as DecimalBase } from 'decimal.js';

/**
 * The one decimal type of Clearhouse. Precision is far above the 20 significant digits DESIGN.md 5.3
 * asks for, so conversions and sums never round in between; rounding happens once, explicitly, with
 * `roundMoney`.
 */
export const Decimal = DecimalBase.clone({
  precision: 80,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  toExpNeg: -100,
  toExpPos: 100,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);

const decimalPattern = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const lenientDecimalPattern = /^-?\d+(\.\d+)?$/;

/** Parses a canonical decimal string ("12.3400", "-5", "0.1"); returns null for anything else. */
export function parseDecimal(text: string, options: { leadingZeros?: boolean } = {}): Decimal | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  const pattern = options.leadingZeros ? lenientDecimalPattern : decimalPattern;
  if (!pattern.test(text)) return null;
  return new Decimal(text);
}

/** Parses a decimal string or throws: for trusted, already-validated data (database rows, terms). */
export function dec(value: string | Decimal): Decimal {
  if (value instanceof Decimal) return value;
  const parsed = parseDecimal(value, { leadingZeros: true });
  if (parsed === null) throw new TypeError(`not a decimal: ${JSON.stringify(value)}`);
  return parsed;
}

/** Plain (never exponential) string form, without trailing zeros. */
export function decimalToString(value: Decimal): string {
  const text = value.toFixed();
  return text === '-0' ? '0' : text;
}

/** Rounds once, half-even, to `minorUnits` decimal places; always prints that many places. */
export function roundMoney(value: Decimal, minorUnits: number): string {
  const text = value.toDecimalPlaces(minorUnits, Decimal.ROUND_HALF_EVEN).toFixed(minorUnits);
  return text.startsWith('-') && new Decimal(text).isZero() ? text.slice(1) : text;
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}

export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.greaterThan(b) ? a : b;
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}
