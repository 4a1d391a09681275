/**
 * Exact amount parsing for the wire formats. An amount never passes through a JavaScript number: the
 * text is checked digit by digit and kept as text. The sign is kept apart because a negative amount is
 * its own quarantine reason (NEGATIVE_AMOUNT), checked only after the currency (DESIGN.md section 4).
 */

/** An amount read from the wire, before its currency is known to be valid. */
export interface WireAmount {
  negative: boolean;
  /** Unsigned decimal text without superfluous leading zeros, e.g. "1234.50", "0.0001", "1250". */
  magnitude: string;
  /** 'minor' when the wire carries integer minor units (json-webhook), scaled by the currency exponent. */
  scale: 'major' | 'minor';
}

/** A placeholder for readers that already failed; never reaches a candidate. */
export const zeroAmount: WireAmount = { negative: false, magnitude: '0', scale: 'major' };

/** More digits than this is no real amount; the bound keeps sums exact within Decimal's precision. */
export const amountDigitsMax = 60;

const integerPattern = /^(-?)(0|[1-9]\d*)$/;
const commaDecimalPattern = /^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;

/** A decimal string such as "12.3400" or "-5" (ndjson-batch, rest-poll). */
export function decimalAmount(text: string): WireAmount | null {
  return decimalAmountAt(text, 0, text.length);
}

/**
 * `decimalAmount(text.slice(start, end))` without making the slice, for the ndjson fast path: the
 * grammar -?(0|[1-9][0-9]*)(.[0-9]+)? read character by character, which costs a fraction of the match.
 */
export function decimalAmountAt(text: string, start: number, end: number): WireAmount | null {
  if (end <= start) return null;
  const negativeSign = text.charCodeAt(start) === 0x2d /* - */;
  const integerStart = negativeSign ? start + 1 : start;
  let at = integerStart;
  let nonZero = false;
  if (at < end && text.charCodeAt(at) === 0x30 /* 0 */) {
    at += 1;
  } else {
    while (at < end && isDigit(text.charCodeAt(at))) {
      nonZero = true;
      at += 1;
    }
    if (at === integerStart) return null;
  }
  let digitCount = at - integerStart;
  if (at < end) {
    if (text.charCodeAt(at) !== 0x2e /* . */) return null;
    at += 1;
    const fractionStart = at;
    while (at < end) {
      const code = text.charCodeAt(at);
      if (!isDigit(code)) return null;
      if (code !== 0x30 /* 0 */) nonZero = true;
      at += 1;
    }
    if (at === fractionStart) return null;
    digitCount += at - fractionStart;
  }
  if (digitCount > amountDigitsMax) return null;
  // "-0" and "-0.00" are zero, not negative.
  return { negative: negativeSign && nonZero, magnitude: text.slice(integerStart, end), scale: 'major' };
}

/** An integer count of minor units such as "1250" (json-webhook), read from the JSON number's text. */
export function minorUnitAmount(text: string): WireAmount | null {
  const match = integerPattern.exec(text);
  if (match === null) return null;
  return wireAmount(match[1] === '-', match[2] ?? '', undefined, 'minor');
}

/** A decimal-comma amount with optional '.' thousands separators: "1.234,50", "-43,55", "7" (csv-report). */
export function commaDecimalAmount(text: string): WireAmount | null {
  const match = commaDecimalPattern.exec(text);
  if (match === null) return null;
  const integerDigits = (match[2] ?? '').replaceAll('.', '').replace(/^0+(?=\d)/, '');
  return wireAmount(match[1] === '-', integerDigits, match[3], 'major');
}

function wireAmount(negativeSign: boolean, integerDigits: string, fractionDigits: string | undefined, scale: WireAmount['scale']): WireAmount | null {
  if (integerDigits.length + (fractionDigits?.length ?? 0) > amountDigitsMax) return null;
  const magnitude = fractionDigits === undefined ? integerDigits : `${integerDigits}.${fractionDigits}`;
  // "-0" and "-0,00" are zero, not negative.
  const negative = negativeSign && /[1-9]/.test(magnitude);
  return { negative, magnitude, scale };
}

/** The amount as an unsigned decimal string in currency units: minor units are shifted by `exponent`. */
export function amountInUnits(amount: WireAmount, exponent: number): string {
  if (amount.scale === 'major' || exponent === 0) return amount.magnitude;
  const padded = amount.magnitude.padStart(exponent + 1, '0');
  return `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
