import { describe, expect, it } from 'vitest';
import { routeTransaction } from '../../src/domain/statement/late-routing.ts';
import { openPeriod, type PeriodState } from '../../src/domain/statement/state-machine.ts';
import { augEndMs, augStartMs, hourMs, sepEndMs } from './fixtures.ts';

const julStartMs = Date.parse('2026-07-01T00:00:00Z');
const octEndMs = Date.parse('2026-11-01T00:00:00Z');

function period(id: string, startMs: number, endMs: number, overrides: Partial<PeriodState> = {}): PeriodState {
  return { ...openPeriod({ id, startMs, endMs, autoCloseAfterHours: null }), ...overrides };
}

const closed = { status: 'CLOSED', closedBy: 'alice', closedAtMs: 0 } as const;
const midAugust = augStartMs + 14 * 24 * hourMs;
const midSeptember = augEndMs + 14 * 24 * hourMs;
const midOctober = sepEndMs + 14 * 24 * hourMs;

describe('routing of a transaction to the period it counts in', () => {
  it('counts a transaction in its own period while that period is OPEN', () => {
    const periods = [period('aug', augStartMs, augEndMs)];
    expect(routeTransaction(periods, midAugust, midAugust + hourMs)).toEqual({ kind: 'OWN_PERIOD', periodId: 'aug' });
  });

  it('counts a transaction in its own period while that period is CLOSING', () => {
    const periods = [period('aug', augStartMs, augEndMs), period('sep', augEndMs, sepEndMs)];
    expect(routeTransaction(periods, midAugust, augEndMs + 5 * hourMs)).toEqual({ kind: 'OWN_PERIOD', periodId: 'aug' });
  });

  it('counts a late transaction of a closed period in the first open period, dated at arrival', () => {
    const periods = [
      period('sep', augEndMs, sepEndMs),
      period('aug', augStartMs, augEndMs, closed),
      period('oct', sepEndMs, octEndMs),
    ];
    const arrivedAtMs = midOctober;
    expect(routeTransaction(periods, midAugust, arrivedAtMs)).toEqual({
      kind: 'PRIOR_PERIOD_ADJUSTMENT',
      periodId: 'sep',
      originalPeriodId: 'aug',
      datedAtMs: arrivedAtMs,
    });
  });

  it('treats approved and paid periods as frozen too', () => {
    for (const status of ['APPROVED', 'PAID'] as const) {
      const frozen = { ...closed, status, approvedBy: 'bob', paymentReference: status === 'PAID' ? 'SEPA-1' : null };
      const periods = [period('aug', augStartMs, augEndMs, frozen), period('sep', augEndMs, sepEndMs)];
      expect(routeTransaction(periods, midAugust, midSeptember)).toMatchObject({ kind: 'PRIOR_PERIOD_ADJUSTMENT', periodId: 'sep' });
    }
  });

  it('treats a period as closed from the instant its automatic close fell due, even if not yet stored', () => {
    const periods = [period('aug', augStartMs, augEndMs, { autoCloseAfterHours: 24 }), period('sep', augEndMs, sepEndMs)];
    expect(routeTransaction(periods, midAugust, augEndMs + 23 * hourMs)).toMatchObject({ kind: 'OWN_PERIOD' });
    expect(routeTransaction(periods, midAugust, augEndMs + 25 * hourMs)).toMatchObject({
      kind: 'PRIOR_PERIOD_ADJUSTMENT',
      periodId: 'sep',
      originalPeriodId: 'aug',
    });
  });

  it('asks for the period of the arrival instant when no period is open', () => {
    const periods = [period('aug', augStartMs, augEndMs, closed)];
    expect(routeTransaction(periods, midAugust, midSeptember)).toEqual({
      kind: 'PRIOR_PERIOD_ADJUSTMENT',
      periodId: null,
      originalPeriodId: 'aug',
      datedAtMs: midSeptember,
    });
  });

  it('opens a new period for a transaction in a cycle without one', () => {
    const periods = [period('aug', augStartMs, augEndMs)];
    expect(routeTransaction(periods, midSeptember, midSeptember)).toEqual({ kind: 'NEW_PERIOD', atMs: midSeptember });
    expect(routeTransaction([], midSeptember, midSeptember)).toEqual({ kind: 'NEW_PERIOD', atMs: midSeptember });
  });

  it('opens a back-filled period when no later period is frozen', () => {
    const periods = [period('aug', augStartMs, augEndMs)];
    const midJuly = julStartMs + 14 * 24 * hourMs;
    expect(routeTransaction(periods, midJuly, midSeptember)).toEqual({ kind: 'NEW_PERIOD', atMs: midJuly });
  });

  it('does not open a back-filled period behind a frozen one, whose carries it would change', () => {
    const periods = [period('aug', augStartMs, augEndMs, closed), period('sep', augEndMs, sepEndMs)];
    const midJuly = julStartMs + 14 * 24 * hourMs;
    expect(routeTransaction(periods, midJuly, midSeptember)).toEqual({
      kind: 'PRIOR_PERIOD_ADJUSTMENT',
      periodId: 'sep',
      originalPeriodId: null,
      datedAtMs: midSeptember,
    });
  });

  it('counts the first instant of a period in that period and its end instant in the next', () => {
    const periods = [period('aug', augStartMs, augEndMs), period('sep', augEndMs, sepEndMs)];
    expect(routeTransaction(periods, augStartMs, augStartMs)).toEqual({ kind: 'OWN_PERIOD', periodId: 'aug' });
    expect(routeTransaction(periods, augEndMs, augEndMs)).toEqual({ kind: 'OWN_PERIOD', periodId: 'sep' });
  });
});
