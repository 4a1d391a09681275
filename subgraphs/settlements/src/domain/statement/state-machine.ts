import { assert, assertUnreachable, ClearhouseError } from '@clearhouse/kernel';
import { autoCloseActorId, isFinance, type Actor } from './actor.ts';

/**
 * The period lifecycle of DESIGN.md 5.5:
 * OPEN → CLOSING (the period end passed; its transactions still count) → CLOSED (closePeriod by a
 * FINANCE user, or by itself `autoCloseAfterHours` after the end) → APPROVED (a FINANCE user other than
 * the closer: maker-checker) → PAID (a payment reference is recorded).
 */
export const periodStatuses = ['OPEN', 'CLOSING', 'CLOSED', 'APPROVED', 'PAID'] as const;
export type PeriodStatus = (typeof periodStatuses)[number];

export interface PeriodState {
  id: string;
  /** [startMs, endMs): the period's instants in epoch milliseconds. */
  startMs: number;
  endMs: number;
  status: PeriodStatus;
  /** From the contract; null when the period only closes by closePeriod. */
  autoCloseAfterHours: number | null;
  closedBy: string | null;
  closedAtMs: number | null;
  approvedBy: string | null;
  approvedAtMs: number | null;
  paymentReference: string | null;
  paidAtMs: number | null;
  /** Buckets of the period without a usable FX fixing (DESIGN.md 5.3): its figures are provisional. */
  fxPendingCount: number;
  /** Manual adjustments of the period that nobody has approved or rejected yet. */
  pendingAdjustmentCount: number;
}

export type PeriodAction =
  | { type: 'TICK' }
  | { type: 'CLOSE' }
  | { type: 'APPROVE' }
  | { type: 'MARK_PAID'; reference: string };

export const paymentReferenceLengthMax = 200;
export const autoCloseAfterHoursMax = 24 * 366;
const hourMs = 3_600_000;

export function openPeriod(input: {
  id: string;
  startMs: number;
  endMs: number;
  autoCloseAfterHours: number | null;
}): PeriodState {
  const period: PeriodState = {
    ...input,
    status: 'OPEN',
    closedBy: null,
    closedAtMs: null,
    approvedBy: null,
    approvedAtMs: null,
    paymentReference: null,
    paidAtMs: null,
    fxPendingCount: 0,
    pendingAdjustmentCount: 0,
  };
  assertWellFormed(period);
  return period;
}

/** Transactions of a period count in it while it is OPEN or CLOSING; afterwards its statement is frozen. */
export function countsTransactions(status: PeriodStatus): boolean {
  return status === 'OPEN' || status === 'CLOSING';
}

/** The instant at which a CLOSING period closes by itself, or null when the contract does not say. */
export function autoCloseDueMs(period: PeriodState): number | null {
  return period.autoCloseAfterHours === null ? null : period.endMs + period.autoCloseAfterHours * hourMs;
}

/**
 * Applies the transitions that only the clock drives. A period never closes by itself while an
 * adjustment is undecided: the frozen statement would otherwise depend on a decision taken later.
 * The automatic close is dated at the instant it fell due, not when someone noticed, so that
 * `routeTransaction` and this function agree on when the statement froze.
 */
export function advanceWithClock(period: PeriodState, nowMs: number): PeriodState {
  assertWellFormed(period);
  let current = period;
  if (current.status === 'OPEN' && nowMs >= current.endMs) current = { ...current, status: 'CLOSING' };
  const dueMs = autoCloseDueMs(current);
  if (current.status === 'CLOSING' && dueMs !== null && nowMs >= dueMs && current.pendingAdjustmentCount === 0) {
    current = { ...current, status: 'CLOSED', closedBy: autoCloseActorId, closedAtMs: dueMs };
  }
  return current;
}

/**
 * One step of the lifecycle. Returns the new state, or the business error that refuses the step:
 * FORBIDDEN (not a FINANCE user), CONFLICT (the period is not in a state that allows it), SELF_APPROVAL
 * (the closer approving), BAD_INPUT (an empty or oversized payment reference). The clock's own
 * transitions are applied first, so a stored OPEN period whose end has passed closes as CLOSING would.
 */
export function transition(
  period: PeriodState,
  action: PeriodAction,
  actor: Actor,
  nowMs: number,
): PeriodState | ClearhouseError {
  const current = advanceWithClock(period, nowMs);
  switch (action.type) {
    case 'TICK':
      return current;
    case 'CLOSE':
      return close(current, actor, nowMs);
    case 'APPROVE':
      return approve(current, actor, nowMs);
    case 'MARK_PAID':
      return markPaid(current, action.reference, actor, nowMs);
    default:
      return assertUnreachable(action);
  }
}

function close(period: PeriodState, actor: Actor, nowMs: number): PeriodState | ClearhouseError {
  if (!isFinance(actor)) return forbidden(period, 'closePeriod');
  if (period.status === 'OPEN') {
    return conflict(period, 'closePeriod', 'the period has not ended yet; it can be closed once it is CLOSING');
  }
  if (period.status !== 'CLOSING') return conflict(period, 'closePeriod', `the period is already ${period.status}`);
  if (period.pendingAdjustmentCount > 0) {
    return conflict(
      period,
      'closePeriod',
      `${period.pendingAdjustmentCount} adjustment(s) await approval; approve or reject them before closing`,
    );
  }
  return { ...period, status: 'CLOSED', closedBy: actor.id, closedAtMs: nowMs };
}

function approve(period: PeriodState, actor: Actor, nowMs: number): PeriodState | ClearhouseError {
  if (!isFinance(actor)) return forbidden(period, 'approveStatement');
  if (period.status !== 'CLOSED') {
    return conflict(period, 'approveStatement', `only a CLOSED statement can be approved; it is ${period.status}`);
  }
  if (period.closedBy === actor.id) {
    return new ClearhouseError('SELF_APPROVAL', 'the user who closed the period may not approve its statement', {
      periodId: period.id,
      closedBy: period.closedBy,
    });
  }
  if (period.fxPendingCount > 0) {
    return conflict(
      period,
      'approveStatement',
      `${period.fxPendingCount} bucket(s) still wait for an FX rate, so the figures are provisional; ` +
        'approve after the rate arrives and the period is re-rated',
    );
  }
  return { ...period, status: 'APPROVED', approvedBy: actor.id, approvedAtMs: nowMs };
}

function markPaid(period: PeriodState, reference: string, actor: Actor, nowMs: number): PeriodState | ClearhouseError {
  if (!isFinance(actor)) return forbidden(period, 'markPaid');
  const trimmed = reference.trim();
  if (trimmed.length === 0) {
    return new ClearhouseError('BAD_INPUT', 'a payment reference is required', { periodId: period.id });
  }
  if (trimmed.length > paymentReferenceLengthMax) {
    return new ClearhouseError('BAD_INPUT', `the payment reference exceeds ${paymentReferenceLengthMax} characters`, {
      periodId: period.id,
    });
  }
  if (period.status !== 'APPROVED') {
    return conflict(period, 'markPaid', `only an APPROVED statement can be paid; it is ${period.status}`);
  }
  return { ...period, status: 'PAID', paymentReference: trimmed, paidAtMs: nowMs };
}

function forbidden(period: PeriodState, action: string): ClearhouseError {
  return new ClearhouseError('FORBIDDEN', `${action} needs the FINANCE role`, { periodId: period.id, action });
}

function conflict(period: PeriodState, action: string, reason: string): ClearhouseError {
  return new ClearhouseError('CONFLICT', `${action} refused: ${reason}`, {
    periodId: period.id,
    status: period.status,
    action,
  });
}

function assertWellFormed(period: PeriodState): void {
  assert(Number.isSafeInteger(period.startMs) && Number.isSafeInteger(period.endMs), 'period bounds are integers');
  assert(period.startMs < period.endMs, 'a period ends after it starts');
  assert(Number.isSafeInteger(period.fxPendingCount) && period.fxPendingCount >= 0, 'fxPendingCount is a count');
  assert(
    Number.isSafeInteger(period.pendingAdjustmentCount) && period.pendingAdjustmentCount >= 0,
    'pendingAdjustmentCount is a count',
  );
  const frozen = !countsTransactions(period.status);
  assert(!frozen || (period.closedBy !== null && period.closedAtMs !== null), 'a frozen period records its closer');
  assert(period.status !== 'APPROVED' || period.approvedBy !== null, 'an approved period records its approver');
  assert(period.status !== 'PAID' || period.paymentReference !== null, 'a paid period records its payment reference');
  assert(
    period.autoCloseAfterHours === null ||
      (period.autoCloseAfterHours >= 0 && period.autoCloseAfterHours <= autoCloseAfterHoursMax),
    'autoCloseAfterHours within bounds',
  );
}
