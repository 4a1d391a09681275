import { Decimal } from '@clearhouse/kernel';
import { daysInMonth, isoOfMs, utcMsOf } from './calendar.ts';

/**
 * Instant parsing for the wire formats. Every result is the canonical form: ISO 8601 UTC with
 * milliseconds ("2026-11-20T21:15:03.120Z"). The canonical instant has millisecond precision, so finer
 * fractions are truncated, never rounded (rounding could move an instant into the next bucket).
 * Calendar fields are validated strictly: Date.parse accepts far too much ("2026-02-30", "1 May").
 */

const rfc3339Pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;
/** "2026-11-20 23:15:00+01:00" */
const csvInstantLength = 25;
/** "2026-11-20T21:15:03.120Z" */
const canonicalInstantLength = 24;
/** 8.64e15 has 16 digits. */
const epochMillisDigitsMax = 16;

/** The largest instant a JavaScript Date holds (ECMAScript: ±8.64e15 ms). */
const instantMsMax = 8.64e15;

/** "2026-11-20T21:15:03.120Z" or with an offset "+01:00" (json-webhook). */
export function rfc3339Instant(text: string): string | null {
  const match = rfc3339Pattern.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, fraction, zone, sign, offsetHours, offsetMinutes] = match;
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const offset = zone === 'Z' ? 0 : offsetMinutesOf(sign, offsetHours, offsetMinutes);
  return instantFromFields(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), millis, offset);
}

/** "2026-11-20 23:15:00+01:00": local time with offset, whole seconds (csv-report). */
export function csvInstant(text: string): string | null {
  // The fixed layout is read by position: a pattern match with its array of captures costs more than
  // the rest of a CSV line. `digitsAt` answers -1 for anything but ASCII digits, as `\d` does.
  if (text.length !== csvInstantLength) return null;
  const fields = dateTimeAt(text, 0x20 /* space */);
  const sign = text.charCodeAt(19);
  const offsetHours = digitsAt(text, 20, 2);
  const offsetMinutes = digitsAt(text, 23, 2);
  if (fields === null || (offsetHours | offsetMinutes) < 0 || text.charCodeAt(22) !== 0x3a /* : */ || (sign !== 0x2b /* + */ && sign !== 0x2d /* - */)) {
    return null;
  }
  const { year, month, day, hour, minute, second } = fields;
  const offset = offsetHours > 23 || offsetMinutes > 59 ? null : (sign === 0x2d ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return instantFromFields(year, month, day, hour, minute, second, 0, offset);
}

/** Epoch milliseconds as the integer text of a JSON number (ndjson-batch `ts`). */
export function epochMillisInstant(numberText: string): string | null {
  return epochMillisInstantAt(numberText, 0, numberText.length);
}

/**
 * `epochMillisInstant(text.slice(start, end))` without making the slice, for the ndjson fast path. The
 * text must be "0" or 1 to 16 digits without a leading zero, and at most 8.64e15.
 */
export function epochMillisInstantAt(text: string, start: number, end: number): string | null {
  const digitCount = end - start;
  if (digitCount < 1 || digitCount > epochMillisDigitsMax) return null;
  if (digitCount > 1 && text.charCodeAt(start) === 0x30 /* 0 */) return null;
  let ms = 0;
  for (let at = start; at < end; at += 1) {
    const digit = text.charCodeAt(at) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return null;
    // Exact below 2^53; a 16-digit value beyond that is far above instantMsMax and refused below.
    ms = ms * 10 + digit;
  }
  return ms <= instantMsMax ? isoOfMs(ms) : null;
}

/**
 * `Date.parse` of an instant text, fast for the canonical form "2026-11-20T21:15:03.120Z" with valid
 * calendar fields (what every adapter produces); any other text goes to Date.parse itself, so the result
 * is Date.parse's in every case, including its leniency ("2026-02-30" overflows into March).
 */
export function canonicalInstantMs(iso: string): number {
  if (iso.length !== canonicalInstantLength) return Date.parse(iso);
  const fields = dateTimeAt(iso, 0x54 /* T */);
  const millis = digitsAt(iso, 20, 3);
  if (fields === null || millis < 0 || iso.charCodeAt(19) !== 0x2e /* . */ || iso.charCodeAt(23) !== 0x5a /* Z */) return Date.parse(iso);
  const { year, month, day, hour, minute, second } = fields;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return Date.parse(iso);
  }
  return utcMsOf(year, month, day, hour, minute, second, millis);
}

interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The digits of "YYYY-MM-DD?HH:MM:SS" at the start of `text`, `separator` being the character between
 * date and time; null when a digit or a separator is not there. Ranges are the caller's to check.
 */
function dateTimeAt(text: string, separator: number): DateTimeFields | null {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    (year | month | day | hour | minute | second) < 0 ||
    text.charCodeAt(4) !== 0x2d /* - */ || text.charCodeAt(7) !== 0x2d /* - */ || text.charCodeAt(10) !== separator ||
    text.charCodeAt(13) !== 0x3a /* : */ || text.charCodeAt(16) !== 0x3a /* : */
  ) {
    return null;
  }
  return { year, month, day, hour, minute, second };
}

/** Epoch seconds with an optional fraction, as the text of a JSON number (rest-poll `timestamp`). */
export function epochSecondsInstant(numberText: string): string | null {
  if (numberText.startsWith('-') || numberText.length > 40) return null;
  let ms: Decimal;
  try {
    ms = new Decimal(numberText).times(1000).floor();
  } catch {
    return null;
  }
  if (!ms.isFinite() || ms.greaterThan(instantMsMax)) return null;
  return new Date(ms.toNumber()).toISOString();
}

function offsetMinutesOf(sign: string | undefined, hours: string | undefined, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function instantFromFields(
  year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number, offsetMinutes: number | null,
): string | null {
  if (offsetMinutes === null || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (year >= 100) {
    // Date.UTC maps the years 0 to 99 to 1900 to 1999, so only later years take this shorter way.
    // A day outside the month ("2026-02-30") is refused as the calendar check below refuses it.
    if (day < 1 || day > daysInMonth(year, month)) return null;
    return isoOfMs(utcMsOf(year, month, day, hour, minute, second, millis) - offsetMinutes * 60_000);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // Day overflow ("2026-02-30" becomes March 2nd) shows as a different calendar day.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return new Date(date.getTime() - offsetMinutes * 60_000).toISOString();
}

/** The value of `count` ASCII digits at `start`, or -1 when any of them is not a digit (or is missing). */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let at = start; at < start + count; at += 1) {
    const digit = text.charCodeAt(at) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}
