import type { WireAmount } from '../../src/domain/amounts.ts';

/**
 * The pattern-based parsers the fast ones replaced, kept verbatim as oracles for the equivalence
 * properties: the fast parsers must answer exactly what these answer, for any text.
 */

const rfc3339Pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;
const csvPattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const epochMillisPattern = /^(0|[1-9]\d{0,15})$/;
const decimalPattern = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;
const instantMsMax = 8.64e15;
const amountDigitsMax = 60;

export function rfc3339InstantReference(text: string): string | null {
  const match = rfc3339Pattern.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, fraction, zone, sign, offsetHours, offsetMinutes] = match;
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const offset = zone === 'Z' ? 0 : offsetMinutesOf(sign, offsetHours, offsetMinutes);
  return instantFromFields([year, month, day, hour, minute, second].map(Number), millis, offset);
}

export function csvInstantReference(text: string): string | null {
  const match = csvPattern.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes] = match;
  const offset = offsetMinutesOf(sign, offsetHours, offsetMinutes);
  return instantFromFields([year, month, day, hour, minute, second].map(Number), 0, offset);
}

export function epochMillisInstantReference(numberText: string): string | null {
  if (!epochMillisPattern.test(numberText)) return null;
  const ms = Number(numberText);
  return ms <= instantMsMax ? new Date(ms).toISOString() : null;
}

export function decimalAmountReference(text: string): WireAmount | null {
  const match = decimalPattern.exec(text);
  if (match === null) return null;
  const integerDigits = match[2] ?? '';
  const fractionDigits = match[3];
  if (integerDigits.length + (fractionDigits?.length ?? 0) > amountDigitsMax) return null;
  const magnitude = fractionDigits === undefined ? integerDigits : `${integerDigits}.${fractionDigits}`;
  const negative = match[1] === '-' && /[1-9]/.test(magnitude);
  return { negative, magnitude, scale: 'major' };
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
    if (day < 1 || day > daysInMonth(year, month)) return null;
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000).toISOString();
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return new Date(date.getTime() - offsetMinutes * 60_000).toISOString();
}
