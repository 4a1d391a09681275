import { Decimal } from '@clearhouse/kernel';

/**
 * Instant parsing for the wire formats. Every result is the canonical form: ISO 8601 UTC with
 * milliseconds ("2026-11-20T21:15:03.120Z"). The canonical instant has millisecond precision, so finer
 * fractions are truncated, never rounded (rounding could move an instant into the next bucket).
 * Calendar fields are validated strictly: Date.parse accepts far too much ("2026-02-30", "1 May").
 */

const rfc3339Pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;
const csvPattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const epochMillisPattern = /^(0|[1-9]\d{0,15})$/;

/** The largest instant a JavaScript Date holds (ECMAScript: ±8.64e15 ms). */
const instantMsMax = 8.64e15;

/** "2026-11-20T21:15:03.120Z" or with an offset "+01:00" (json-webhook). */
export function rfc3339Instant(text: string): string | null {
  const match = rfc3339Pattern.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, fraction, zone, sign, offsetHours, offsetMinutes] = match;
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const offset = zone === 'Z' ? 0 : offsetMinutesOf(sign, offsetHours, offsetMinutes);
  return instantFromFields([year, month, day, hour, minute, second].map(Number), millis, offset);
}

/** "2026-11-20 23:15:00+01:00": local time with offset, whole seconds (csv-report). */
export function csvInstant(text: string): string | null {
  const match = csvPattern.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes] = match;
  const offset = offsetMinutesOf(sign, offsetHours, offsetMinutes);
  return instantFromFields([year, month, day, hour, minute, second].map(Number), 0, offset);
}

/** Epoch milliseconds as the integer text of a JSON number (ndjson-batch `ts`). */
export function epochMillisInstant(numberText: string): string | null {
  if (!epochMillisPattern.test(numberText)) return null;
  // At most 16 digits and at most 8.64e15: an integer this size is exact in a double.
  const ms = Number(numberText);
  return ms <= instantMsMax ? new Date(ms).toISOString() : null;
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

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function instantFromFields(fields: number[], millis: number, offsetMinutes: number | null): string | null {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  if (offsetMinutes === null || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (year >= 100) {
    // Date.UTC maps the years 0 to 99 to 1900 to 1999, so only later years take this shorter way.
    // A day outside the month ("2026-02-30") is refused as the calendar check below refuses it.
    if (day < 1 || day > daysInMonth(year, month)) return null;
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000).toISOString();
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // Day overflow ("2026-02-30" becomes March 2nd) shows as a different calendar day.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return new Date(date.getTime() - offsetMinutes * 60_000).toISOString();
}
