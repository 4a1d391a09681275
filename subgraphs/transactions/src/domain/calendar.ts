/**
 * Proleptic Gregorian calendar arithmetic on epoch milliseconds, and the canonical instant text
 * ("2026-11-20T21:15:03.120Z") made without Date. `Date#toISOString` costs about a microsecond, as much
 * as the rest of an ndjson record; the arithmetic here gives the same text for the years 0000 to 9999
 * and leaves every other year to `toISOString`, which writes them with a sign and six digits.
 */

const dayMs = 86_400_000;

/** 0000-01-01T00:00:00.000Z, the first instant `toISOString` writes with a four-digit year. */
const fourDigitYearMsMin = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z, the last one. */
const fourDigitYearMsMax = 253_402_300_799_999;

/** Days from 0000-03-01 to 1970-01-01: the day count below starts its years in March. */
const epochDayOffset = 719_468;
const daysPer400Years = 146_097;

const twoDigits = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, '0'));
/** ".000Z" to ".999Z": with the seconds, the end of an instant is a single short string. */
const millisEnds = Array.from({ length: 1000 }, (_, value) => `.${String(value).padStart(3, '0')}Z`);

// The "YYYY-MM-DDTHH:MM:" of the last minute formatted, and the "YYYY-MM-DDT" of its day. Records of
// one batch or file mostly fall within minutes of each other, so the calendar conversion runs once per
// day and the prefix is built once per minute, not once per record. Only ever a cache: any instant
// gives the same text with or without it.
let cachedMinute = Number.NaN;
let cachedMinutePrefix = '';
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch milliseconds of a UTC calendar time, as Date.UTC gives it for a year from 100 on (Date.UTC reads
 * 0 to 99 as 1900 to 1999; here they are what they say). The fields must be in range: no overflow.
 */
export function utcMsOf(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  return daysFromCivil(year, month, day) * dayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
}

/** `new Date(ms).toISOString()` for an integer `ms` within ±8.64e15. */
export function isoOfMs(ms: number): string {
  if (ms < fourDigitYearMsMin || ms > fourDigitYearMsMax) return new Date(ms).toISOString();
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    cachedMinutePrefix = minutePrefixOf(minute);
    cachedMinute = minute;
  }
  const msOfMinute = ms - minute * 60_000;
  const second = Math.floor(msOfMinute / 1000);
  return cachedMinutePrefix + (twoDigits[second]! + millisEnds[msOfMinute - second * 1000]!);
}

/** "YYYY-MM-DDTHH:MM:" of a minute counted from 1970-01-01T00:00. */
function minutePrefixOf(epochMinute: number): string {
  const day = Math.floor(epochMinute / 1440);
  if (day !== cachedDay) {
    cachedDayPrefix = dayPrefixOf(day);
    cachedDay = day;
  }
  const minuteOfDay = epochMinute - day * 1440;
  const hour = Math.floor(minuteOfDay / 60);
  return `${cachedDayPrefix}${twoDigits[hour]}:${twoDigits[minuteOfDay - hour * 60]}:`;
}

/** "YYYY-MM-DDT" of a day counted from 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
function dayPrefixOf(epochDay: number): string {
  const shifted = epochDay + epochDayOffset;
  const era = Math.floor(shifted / daysPer400Years);
  const dayOfEra = shifted - era * daysPer400Years;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${twoDigits[month]}-${twoDigits[day]}T`;
}

/** Days from 1970-01-01 to a calendar date (the inverse of `dayPrefixOf`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * daysPer400Years + dayOfEra - epochDayOffset;
}
