import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cyclePeriod, effectiveFromMs, periodContaining, type ContractVersion } from '../src/domain/periods.ts';
import { termsOf } from './support/builders.ts';

const at = (iso: string): number => Date.parse(iso);
const berlinMonthly = termsOf({ timezone: 'Europe/Berlin', cycle: 'MONTHLY' });
const berlinWeekly = termsOf({ timezone: 'Europe/Berlin', cycle: 'WEEKLY' });

function version(effectiveFrom: string, terms: Record<string, unknown>): ContractVersion {
  return { effectiveFrom, terms: termsOf(terms) };
}

describe('period bounds in the contract timezone', () => {
  it('ends the October month at local midnight after the clocks go back (745 hours)', () => {
    const period = cyclePeriod(berlinMonthly, at('2026-10-15T12:00:00Z'));
    expect([period.start, period.end]).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    expect((period.endMs - period.startMs) / 3_600_000).toBe(745);
  });

  it('makes March one hour short when the clocks go forward', () => {
    const period = cyclePeriod(berlinMonthly, at('2026-03-30T00:00:00Z'));
    expect([period.start, period.end]).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    expect((period.endMs - period.startMs) / 3_600_000).toBe(743);
  });

  it('runs a week from Monday 00:00 to Monday 00:00 local, 169 hours across the October change', () => {
    const period = cyclePeriod(berlinWeekly, at('2026-10-25T12:00:00Z'));
    expect([period.start, period.end]).toEqual(['2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect((period.endMs - period.startMs) / 3_600_000).toBe(169);
  });

  it('puts an instant exactly on a boundary in the period it opens', () => {
    expect(cyclePeriod(berlinMonthly, at('2026-09-30T22:00:00Z')).start).toBe('2026-09-30T22:00:00.000Z');
    expect(cyclePeriod(berlinMonthly, at('2026-09-30T21:59:59.999Z')).end).toBe('2026-09-30T22:00:00.000Z');
  });
});

describe('contract version of a period', () => {
  const london = { timezone: 'Europe/London', cycle: 'MONTHLY' };
  const legacy = [version('2026-07-18', london), version('2026-09-01', { ...london, tiers: [{ upTo: null, rate: '0.12' }] })];

  it('rates a period with the version in force at its start, read in the contract timezone', () => {
    const lateAugust = periodContaining(legacy, at('2026-08-31T22:30:00Z'));
    expect(lateAugust.version).toBe(legacy[0]);
    const firstOfSeptemberLocal = periodContaining(legacy, at('2026-08-31T23:30:00Z'));
    expect(firstOfSeptemberLocal.start).toBe('2026-08-31T23:00:00.000Z');
    expect(firstOfSeptemberLocal.version).toBe(legacy[1]);
  });

  it('lets a version effective mid-period take over only at the next period boundary', () => {
    const versions = [version('2026-07-18', london), version('2026-09-15', london)];
    expect(periodContaining(versions, at('2026-09-20T00:00:00Z')).version).toBe(versions[0]);
    expect(periodContaining(versions, at('2026-10-02T00:00:00Z')).version).toBe(versions[1]);
  });

  it('ends the last weekly period at its Monday and starts the monthly regime there when a weekly contract turns monthly', () => {
    const versions = [version('2026-08-01', { timezone: 'UTC', cycle: 'WEEKLY' }), version('2026-09-03', { timezone: 'UTC', cycle: 'MONTHLY' })];
    const lastWeek = periodContaining(versions, at('2026-09-05T00:00:00Z'));
    expect([lastWeek.start, lastWeek.end, lastWeek.version]).toEqual(['2026-08-31T00:00:00.000Z', '2026-09-07T00:00:00.000Z', versions[0]]);
    const shortMonth = periodContaining(versions, at('2026-09-10T00:00:00Z'));
    expect([shortMonth.start, shortMonth.end, shortMonth.version]).toEqual(['2026-09-07T00:00:00.000Z', '2026-10-01T00:00:00.000Z', versions[1]]);
    expect(periodContaining(versions, at('2026-10-10T00:00:00Z')).start).toBe('2026-10-01T00:00:00.000Z');
  });

  it('finishes the month before switching a monthly contract to weekly, then runs to the next Monday', () => {
    const versions = [version('2026-08-01', { timezone: 'UTC', cycle: 'MONTHLY' }), version('2026-09-16', { timezone: 'UTC', cycle: 'WEEKLY' })];
    expect(periodContaining(versions, at('2026-09-20T00:00:00Z')).version).toBe(versions[0]);
    const stub = periodContaining(versions, at('2026-10-02T00:00:00Z'));
    expect([stub.start, stub.end]).toEqual(['2026-10-01T00:00:00.000Z', '2026-10-05T00:00:00.000Z']);
    expect(periodContaining(versions, at('2026-10-06T00:00:00Z')).start).toBe('2026-10-05T00:00:00.000Z');
  });

  it('rates back-filled history from before the first version with the first version', () => {
    const period = periodContaining(legacy, at('2026-01-10T00:00:00Z'));
    expect([period.start, period.version]).toEqual(['2026-01-01T00:00:00.000Z', legacy[0]]);
  });

  it('tiles time with no gap or overlap and the version in force at each start, whatever the versions', () => {
    const zones = ['UTC', 'Europe/Berlin', 'Asia/Tokyo', 'America/Santiago', 'Asia/Kathmandu'];
    const versionArb = fc.record({
      day: fc.integer({ min: 0, max: 400 }),
      cycle: fc.constantFrom('WEEKLY', 'MONTHLY'),
      timezone: fc.constantFrom(...zones),
    });
    fc.assert(
      fc.property(fc.array(versionArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 500 * 24 }), (specs, hour) => {
        const versions = specs.map((spec) =>
          version(new Date(at('2026-01-01T00:00:00Z') + spec.day * 86_400_000).toISOString().slice(0, 10), {
            cycle: spec.cycle,
            timezone: spec.timezone,
          }),
        );
        const instant = at('2025-12-01T00:00:00Z') + hour * 3_600_000;
        const period = periodContaining(versions, instant);
        expect(period.startMs <= instant && instant < period.endMs).toBe(true);
        expect(periodContaining(versions, period.startMs - 1).endMs).toBe(period.startMs);
        expect(periodContaining(versions, period.endMs).startMs).toBe(period.endMs);
        // In force: the latest version effective at the start (before any, the first); of two versions
        // effective at the same instant the later one given wins.
        const effective = versions.map(effectiveFromMs);
        const inForceMs = effective.filter((ms) => ms <= period.startMs);
        const chosenMs = inForceMs.length === 0 ? Math.min(...effective) : Math.max(...inForceMs);
        expect(period.version).toBe(versions.findLast((candidate) => effectiveFromMs(candidate) === chosenMs));
        const again = periodContaining(versions, period.endMs - 1);
        expect([again.startMs, again.version]).toEqual([period.startMs, period.version]);
      }),
      { numRuns: 300 },
    );
  });
});
