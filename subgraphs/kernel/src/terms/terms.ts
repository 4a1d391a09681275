import { isActiveCurrency } from '../currencies.ts';
import { parseDecimal } from '../money.ts';
import { IANAZone } from 'luxon';
import { FieldErrors, isRecord } from './field-errors.ts';

/**
 * Contract terms of DESIGN.md 5.1. Decimal figures stay the strings finance typed ("0.10", "2000"):
 * they are validated canonical decimals, and statements print them as agreed.
 */
export const cycles = ['WEEKLY', 'MONTHLY'] as const;
export type Cycle = (typeof cycles)[number];
export const feeBases = ['GGR', 'NGR'] as const;
export type FeeBase = (typeof feeBases)[number];
export const tierModes = ['MARGINAL', 'WHOLE'] as const;
export type TierMode = (typeof tierModes)[number];
export const gameCategories = ['SLOT', 'LIVE_CASINO', 'TABLE', 'CRASH', 'OTHER'] as const;
export type GameCategory = (typeof gameCategories)[number];
/** Luxon numbers weekdays 1 (Monday) to 7 (Sunday); this list follows that order. */
export const weekdayNames = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof weekdayNames)[number];

export const tiersMax = 20;
export const overridesMax = 50;
export const nameLengthMax = 100;
export const autoCloseAfterHoursMax = 24 * 366;

export interface Tier {
  /** Inclusive upper bound of the band; null for the last, unbounded band. */
  upTo: string | null;
  rate: string;
}

export interface HoursWindow {
  from: string;
  to: string;
  /** Minutes after local midnight; `to` may be below `from` (the window wraps past midnight). */
  fromMinute: number;
  toMinute: number;
}

export interface Override {
  name: string;
  games: string[] | null;
  categories: GameCategory[] | null;
  weekdays: Weekday[] | null;
  hours: HoursWindow | null;
  rate: string;
}

export interface Deductions {
  bonusStake: boolean;
  jackpotContribution: boolean;
  gamingTaxRate: string | null;
}

export interface Terms {
  currency: string;
  timezone: string;
  cycle: Cycle;
  base: FeeBase;
  deductions: Deductions;
  tiers: Tier[];
  tierMode: TierMode;
  overrides: Override[];
  minimumFee: string | null;
  negativeCarryover: boolean;
  minimumPayout: string | null;
  autoCloseAfterHours: number | null;
}

export interface TermsFieldError {
  field: string;
  message: string;
}

export type TermsValidation = { ok: true; terms: Terms } | { ok: false; errors: TermsFieldError[] };

const knownFields = [
  'currency', 'timezone', 'cycle', 'base', 'deductions', 'tiers', 'tierMode', 'overrides',
  'minimumFee', 'negativeCarryover', 'minimumPayout', 'autoCloseAfterHours',
];
const hhmmPattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Validates terms as saved by finance users; every problem is reported with its field path. */
export function validateTerms(json: unknown): TermsValidation {
  const errors = new FieldErrors();
  if (!isRecord(json)) {
    errors.add('', 'terms must be a JSON object');
    return { ok: false, errors: errors.list };
  }
  errors.rejectUnknown(json, knownFields, '');
  const currency = errors.text(json, 'currency', '', { check: isActiveCurrency, expected: 'an active ISO 4217 currency code such as "EUR"' });
  const timezone = errors.text(json, 'timezone', '', { check: isIanaZone, expected: 'an IANA time zone such as "Europe/Malta"' });
  const cycle = errors.oneOf(json, 'cycle', '', cycles);
  const base = errors.oneOf(json, 'base', '', feeBases);
  const deductions = readDeductions(errors, json['deductions']);
  const tiers = readTiers(errors, json['tiers']);
  const tierMode = errors.oneOf(json, 'tierMode', '', tierModes);
  const overrides = readOverrides(errors, json['overrides']);
  const minimumFee = errors.optionalDecimal(json, 'minimumFee', '', { min: '0' });
  const minimumPayout = errors.optionalDecimal(json, 'minimumPayout', '', { min: '0' });
  const negativeCarryover = errors.optionalBoolean(json, 'negativeCarryover', '') ?? false;
  const autoCloseAfterHours = readAutoClose(errors, json['autoCloseAfterHours']);
  if (errors.list.length > 0) return { ok: false, errors: errors.list };
  return {
    ok: true,
    terms: {
      currency: currency!, timezone: timezone!, cycle: cycle!, base: base!, deductions: deductions!,
      tiers: tiers!, tierMode: tierMode!, overrides: overrides!, minimumFee, negativeCarryover,
      minimumPayout, autoCloseAfterHours,
    },
  };
}

function isIanaZone(zone: string): boolean {
  // Fixed offsets such as "+01:00" are not zones: they would silently ignore DST.
  return zone.includes('/') || zone === 'UTC' ? IANAZone.isValidZone(zone) : false;
}

function readDeductions(errors: FieldErrors, value: unknown): Deductions | undefined {
  if (value === undefined) return { bonusStake: false, jackpotContribution: false, gamingTaxRate: null };
  if (!isRecord(value)) {
    errors.add('deductions', 'must be an object such as {"bonusStake": true}');
    return undefined;
  }
  errors.rejectUnknown(value, ['bonusStake', 'jackpotContribution', 'gamingTaxRate'], 'deductions');
  return {
    bonusStake: errors.optionalBoolean(value, 'bonusStake', 'deductions') ?? false,
    jackpotContribution: errors.optionalBoolean(value, 'jackpotContribution', 'deductions') ?? false,
    gamingTaxRate: errors.optionalDecimal(value, 'gamingTaxRate', 'deductions', { min: '0', max: '1' }),
  };
}

function readTiers(errors: FieldErrors, value: unknown): Tier[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    errors.add('tiers', 'must be a non-empty list of {"upTo", "rate"}; the last band has "upTo": null');
    return undefined;
  }
  if (value.length > tiersMax) {
    errors.add('tiers', `at most ${tiersMax} bands`);
    return undefined;
  }
  const tiers: Tier[] = [];
  let previousUpTo: string | null = null;
  value.forEach((item: unknown, index) => {
    const path = `tiers[${index}]`;
    if (!isRecord(item)) return errors.add(path, 'must be an object {"upTo", "rate"}');
    errors.rejectUnknown(item, ['upTo', 'rate'], path);
    const rate = errors.requiredDecimal(item, 'rate', path, { min: '0', max: '1' });
    const isLast = index === value.length - 1;
    let upTo: string | null = null;
    if (isLast) {
      if (item['upTo'] !== null) errors.add(`${path}.upTo`, 'the last band must be unbounded: "upTo": null');
    } else if (item['upTo'] === null || item['upTo'] === undefined) {
      errors.add(`${path}.upTo`, 'only the last band may be unbounded; give an upper bound such as "100000"');
    } else {
      upTo = errors.requiredDecimal(item, 'upTo', path, { min: '0', minExclusive: true }) ?? null;
      const previous: string | null = previousUpTo;
      if (upTo !== null && previous !== null && !parseDecimal(upTo)!.greaterThan(parseDecimal(previous)!)) {
        errors.add(`${path}.upTo`, `bounds must increase: ${upTo} is not above the previous band's ${previous}`);
      }
      if (upTo !== null) previousUpTo = upTo;
    }
    if (rate !== undefined) tiers.push({ upTo, rate });
  });
  return tiers;
}

function readOverrides(errors: FieldErrors, value: unknown): Override[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    errors.add('overrides', 'must be a list of overrides');
    return undefined;
  }
  if (value.length > overridesMax) {
    errors.add('overrides', `at most ${overridesMax} overrides`);
    return undefined;
  }
  const names = new Set<string>();
  const overrides: Override[] = [];
  value.forEach((item: unknown, index) => {
    const path = `overrides[${index}]`;
    if (!isRecord(item)) return errors.add(path, 'must be an object with "name", "rate" and conditions');
    errors.rejectUnknown(item, ['name', 'games', 'categories', 'weekdays', 'hours', 'rate'], path);
    const name = errors.text(item, 'name', path, {
      check: (text) => text.trim().length > 0 && text.length <= nameLengthMax,
      expected: `a non-empty name of at most ${nameLengthMax} characters`,
    });
    if (name !== undefined && names.has(name)) errors.add(`${path}.name`, `"${name}" is already the name of an earlier override`);
    if (name !== undefined) names.add(name);
    const games = errors.optionalList(item, 'games', path, (code) => code.length > 0, 'game codes');
    const categories = errors.optionalList(item, 'categories', path, (c) => (gameCategories as readonly string[]).includes(c), gameCategories.join(', ')) as GameCategory[] | null | undefined;
    const weekdays = errors.optionalList(item, 'weekdays', path, (d) => (weekdayNames as readonly string[]).includes(d), weekdayNames.join(', ')) as Weekday[] | null | undefined;
    const hours = readHours(errors, item['hours'], `${path}.hours`);
    const rate = errors.requiredDecimal(item, 'rate', path, { min: '0', max: '1' });
    const hasCondition = [games, categories, weekdays, hours].some((condition) => condition !== null);
    if (!hasCondition) errors.add(path, 'an override needs at least one condition: games, categories, weekdays or hours');
    if (name === undefined || rate === undefined || games === undefined || categories === undefined || weekdays === undefined || hours === undefined) return;
    overrides.push({ name, games, categories, weekdays, hours, rate });
  });
  return overrides;
}

function readHours(errors: FieldErrors, value: unknown, path: string): HoursWindow | null | undefined {
  if (value === undefined) return null;
  if (!isRecord(value)) {
    errors.add(path, 'must be {"from": "HH:MM", "to": "HH:MM"}');
    return undefined;
  }
  errors.rejectUnknown(value, ['from', 'to'], path);
  const expected = 'a local time "HH:MM" from 00:00 to 23:59';
  const from = errors.text(value, 'from', path, { check: (t) => hhmmPattern.test(t), expected });
  const to = errors.text(value, 'to', path, { check: (t) => hhmmPattern.test(t), expected });
  if (from === undefined || to === undefined) return undefined;
  if (from === to) {
    errors.add(`${path}.to`, 'must differ from "from" (an empty window); leave "hours" out to match all day');
    return undefined;
  }
  return { from, to, fromMinute: minuteOfDay(from), toMinute: minuteOfDay(to) };
}

function minuteOfDay(hhmm: string): number {
  return Number.parseInt(hhmm.slice(0, 2), 10) * 60 + Number.parseInt(hhmm.slice(3, 5), 10);
}

function readAutoClose(errors: FieldErrors, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > autoCloseAfterHoursMax) {
    errors.add('autoCloseAfterHours', `must be a whole number of hours from 0 to ${autoCloseAfterHoursMax}`);
  }
  return typeof value === 'number' ? value : null;
}
