import { DateTime } from 'luxon';
import { assert } from '@clearhouse/kernel';
import { weekdayNames, type GameCategory, type HoursWindow, type Override, type Weekday } from '@clearhouse/kernel/terms/index';

/** The wall-clock reading of a bucket's start in the contract timezone: what override conditions see. */
export interface LocalStart {
  weekday: Weekday;
  minuteOfDay: number;
}

export function localStartOf(instantMs: number, timezone: string): LocalStart {
  const at = DateTime.fromMillis(instantMs, { zone: timezone });
  assert(at.isValid, `invalid time zone ${timezone}`);
  return { weekday: weekdayNames[at.weekday - 1]!, minuteOfDay: at.hour * 60 + at.minute };
}

/** `from` inclusive, `to` exclusive; a window with `to` before `from` wraps past midnight. */
export function hoursContain(window: HoursWindow, minuteOfDay: number): boolean {
  if (window.fromMinute < window.toMinute) return minuteOfDay >= window.fromMinute && minuteOfDay < window.toMinute;
  return minuteOfDay >= window.fromMinute || minuteOfDay < window.toMinute;
}

export interface OverrideSubject {
  gameCode: string;
  /** Undefined for a game missing from the catalogue: it then matches no category condition. */
  category: GameCategory | undefined;
  local: LocalStart;
}

/**
 * Index of the first override, in list order, whose every given condition holds; -1 when none does.
 * Each condition reads the bucket's own local start, so `weekdays: ["FRI"]` with hours 22:00–02:00
 * matches Friday 00:00–02:00 and Friday 22:00–24:00, never Saturday 00:00–02:00.
 */
export function matchOverride(overrides: readonly Override[], subject: OverrideSubject): number {
  return overrides.findIndex(
    (override) =>
      (override.games === null || override.games.includes(subject.gameCode)) &&
      (override.categories === null || (subject.category !== undefined && override.categories.includes(subject.category))) &&
      (override.weekdays === null || override.weekdays.includes(subject.local.weekday)) &&
      (override.hours === null || hoursContain(override.hours, subject.local.minuteOfDay)),
  );
}
