import { assert, isIsoDate } from '@clearhouse/kernel';
import { DateTime } from 'luxon';
import type { Cycle, Terms } from '@clearhouse/kernel/terms/index';

/**
 * Settlement periods (DESIGN.md 5.1, 5.5): WEEKLY runs Monday 00:00 to Monday 00:00 and MONTHLY the
 * 1st 00:00 to the next 1st 00:00, both in the contract timezone, so a period is 167, 168 or 169 hours
 * long around DST changes. Bounds are returned as UTC instants.
 */
export const contractVersionsMax = 1000;

export interface ContractVersion {
  /** A date (YYYY-MM-DD) in the version's own contract timezone. */
  effectiveFrom: string;
  terms: Terms;
}

export interface PeriodBounds {
  startMs: number;
  endMs: number;
  /** ISO 8601 UTC instants of startMs and endMs. */
  start: string;
  end: string;
}

export interface VersionedPeriod extends PeriodBounds {
  /** The version in force at the period's start: it rates the whole period. */
  version: ContractVersion;
}

type CycleOf = Pick<Terms, 'cycle' | 'timezone'>;

function unitOf(cycle: Cycle): 'week' | 'month' {
  return cycle === 'WEEKLY' ? 'week' : 'month';
}

function local(instantMs: number, timezone: string): DateTime {
  const at = DateTime.fromMillis(instantMs, { zone: timezone });
  assert(at.isValid, `invalid time zone ${timezone}`);
  return at;
}

/** Start of the cycle period holding the instant (luxon weeks start on Monday, ISO 8601). */
export function cycleStartMs(terms: CycleOf, instantMs: number): number {
  return local(instantMs, terms.timezone).startOf(unitOf(terms.cycle)).toMillis();
}

/** End of the cycle period holding the instant: the next boundary strictly after it. */
export function cycleEndMs(terms: CycleOf, instantMs: number): number {
  const unit = unitOf(terms.cycle);
  const start = local(instantMs, terms.timezone).startOf(unit);
  return start.plus(unit === 'week' ? { weeks: 1 } : { months: 1 }).startOf(unit).toMillis();
}

/** The first boundary of the cycle at or after the instant. */
function cycleCeilMs(terms: CycleOf, instantMs: number): number {
  const start = cycleStartMs(terms, instantMs);
  return start === instantMs ? start : cycleEndMs(terms, instantMs);
}

export function bounds(startMs: number, endMs: number): PeriodBounds {
  return { startMs, endMs, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() };
}

/** The cycle period of one set of terms holding the instant, ignoring other contract versions. */
export function cyclePeriod(terms: CycleOf, instantMs: number): PeriodBounds {
  return bounds(cycleStartMs(terms, instantMs), cycleEndMs(terms, instantMs));
}

/** Local midnight opening `effectiveFrom` in the version's own timezone. */
export function effectiveFromMs(version: ContractVersion): number {
  assert(isIsoDate(version.effectiveFrom), `effectiveFrom is not a date: ${version.effectiveFrom}`);
  const at = DateTime.fromISO(version.effectiveFrom, { zone: version.terms.timezone }).startOf('day');
  assert(at.isValid, `invalid effectiveFrom ${version.effectiveFrom} in ${version.terms.timezone}`);
  return at.toMillis();
}

interface Effective {
  fromMs: number;
  version: ContractVersion;
}

/** Versions by effective instant; of two with the same instant the later in the input wins (a correction). */
function timeline(versions: readonly ContractVersion[]): Effective[] {
  assert(versions.length > 0, 'a partner without a contract version has no periods');
  assert(versions.length <= contractVersionsMax, `more than ${contractVersionsMax} contract versions`);
  const byInstant = new Map<number, ContractVersion>();
  for (const version of versions) byInstant.set(effectiveFromMs(version), version);
  return [...byInstant.entries()].map(([fromMs, version]) => ({ fromMs, version })).sort((a, b) => a.fromMs - b.fromMs);
}

/** The version in force at an instant; before the first version takes effect, the first one. */
function inForce(effective: readonly Effective[], instantMs: number): { version: ContractVersion; nextFromMs: number } {
  let index = 0;
  while (index + 1 < effective.length && effective[index + 1]!.fromMs <= instantMs) index += 1;
  return { version: effective[index]!.version, nextFromMs: effective[index + 1]?.fromMs ?? Infinity };
}

/**
 * The period holding an instant, given all of a partner's contract versions.
 *
 * Periods tile the timeline with no gap and no overlap: the first one is the first version's cycle
 * period holding its effectiveFrom; each period is rated with the version in force at its start and
 * ends at that version's next cycle boundary, where the next period begins. So a version whose
 * effectiveFrom falls mid-period takes over at the first period boundary after it, and a change of
 * cycle or timezone never makes two periods overlap (the first period under the new version may be
 * short, e.g. a weekly contract turning monthly on a Thursday). Back-filled history from before the
 * first version is rated with the first version's cycle and terms.
 */
export function periodContaining(versions: readonly ContractVersion[], instantMs: number): VersionedPeriod {
  const effective = timeline(versions);
  const first = effective[0]!.version;
  let startMs = cycleStartMs(first.terms, effective[0]!.fromMs);
  if (instantMs < startMs) return { ...cyclePeriod(first.terms, instantMs), version: first };
  // Each pass moves past at least one version change, so there are at most `effective.length` passes.
  for (let pass = 0; pass <= effective.length; pass += 1) {
    const { version, nextFromMs } = inForce(effective, startMs);
    const endMs = cycleEndMs(version.terms, startMs);
    if (instantMs < endMs) return { ...bounds(startMs, endMs), version };
    // After [startMs, endMs) come this version's own cycle periods, as long as they start before the
    // next version takes effect; the first boundary at or after that change opens the next regime.
    const regimeEndMs = nextFromMs === Infinity ? Infinity : Math.max(endMs, cycleCeilMs(version.terms, nextFromMs));
    if (instantMs < regimeEndMs) return { ...cyclePeriod(version.terms, instantMs), version };
    startMs = regimeEndMs;
  }
  assert(false, 'period search did not converge');
}
