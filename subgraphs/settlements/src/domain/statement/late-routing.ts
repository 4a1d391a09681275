import { assert } from '@clearhouse/kernel';
import { advanceWithClock, countsTransactions, type PeriodState } from './state-machine.ts';

/** Periods of one partner considered at once; a partner has at most a few hundred (weekly, years). */
export const periodsPerPartnerMax = 10_000;

/** Where a transaction counts (DESIGN.md 5.5). */
export type TransactionRouting =
  /** The period holding the transaction is still OPEN or CLOSING. */
  | { kind: 'OWN_PERIOD'; periodId: string }
  /** No period holds the transaction yet and none after it is frozen: open the cycle holding `atMs`. */
  | { kind: 'NEW_PERIOD'; atMs: number }
  /**
   * The statement the transaction belongs to is frozen. It counts in the first open period, dated at
   * its arrival, and that period's statement lists it as a prior-period adjustment. `periodId` is null
   * when the partner has no open period: open the cycle holding `datedAtMs`. `originalPeriodId` is null
   * when the transaction falls in a cycle that never had a period but lies before a frozen one.
   */
  | { kind: 'PRIOR_PERIOD_ADJUSTMENT'; periodId: string | null; originalPeriodId: string | null; datedAtMs: number };

/**
 * Decides where a transaction that occurred at `occurredAtMs` and arrived at `arrivedAtMs` counts,
 * given all periods of its partner. Statuses are read as the clock makes them at arrival, so a
 * transaction arriving after an automatic close is late even if nobody has stored the close yet.
 * Back-filled history opens its own period unless a later period is already frozen: a new period
 * behind a frozen one would change carries that the frozen statement already used.
 */
export function routeTransaction(
  periods: readonly PeriodState[],
  occurredAtMs: number,
  arrivedAtMs: number,
): TransactionRouting {
  assert(periods.length <= periodsPerPartnerMax, 'periods of one partner within bounds');
  const current = periods.map((period) => advanceWithClock(period, arrivedAtMs)).sort((a, b) => a.startMs - b.startMs);
  assertDisjoint(current);

  const own = current.find((period) => period.startMs <= occurredAtMs && occurredAtMs < period.endMs);
  if (own !== undefined && countsTransactions(own.status)) return { kind: 'OWN_PERIOD', periodId: own.id };
  const frozenLater = current.some((period) => period.startMs > occurredAtMs && !countsTransactions(period.status));
  if (own === undefined && !frozenLater) return { kind: 'NEW_PERIOD', atMs: occurredAtMs };

  const firstOpen = current.find((period) => countsTransactions(period.status));
  return {
    kind: 'PRIOR_PERIOD_ADJUSTMENT',
    periodId: firstOpen?.id ?? null,
    originalPeriodId: own?.id ?? null,
    datedAtMs: arrivedAtMs,
  };
}

function assertDisjoint(sorted: readonly PeriodState[]): void {
  for (let index = 1; index < sorted.length; index += 1) {
    assert(sorted[index - 1]!.endMs <= sorted[index]!.startMs, 'periods of one partner do not overlap');
  }
}
