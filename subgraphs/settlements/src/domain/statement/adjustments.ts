import { assert, ClearhouseError, minorUnits, parseDecimal, roundMoney } from '@clearhouse/kernel';
import { isFinance, type Actor } from './actor.ts';
import { advanceWithClock, countsTransactions, type PeriodState } from './state-machine.ts';

/**
 * A manual adjustment of what the operator owes the partner for a period (DESIGN.md 5.5). It counts
 * only once a FINANCE user other than its author approves it: PENDING → APPROVED | REJECTED.
 */
export const adjustmentStatuses = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type AdjustmentStatus = (typeof adjustmentStatuses)[number];

export interface Adjustment {
  id: string;
  periodId: string;
  /** Signed, in the contract currency, printed with exactly the currency's minor units ("-12.50"). */
  amount: string;
  currency: string;
  reason: string;
  authorId: string;
  createdAtMs: number;
  status: AdjustmentStatus;
  decidedBy: string | null;
  decidedAtMs: number | null;
}

export type AdjustmentDecision = 'APPROVE' | 'REJECT';

export const adjustmentReasonLengthMax = 500;
/** Undecided adjustments of one period; more is a sign of misuse, not of real corrections. */
export const pendingAdjustmentsMax = 100;

export interface AdjustmentChange {
  adjustment: Adjustment;
  /** The period with its count of undecided adjustments updated. */
  period: PeriodState;
}

/**
 * Adds an adjustment to an OPEN or CLOSING period. Errors: FORBIDDEN, CONFLICT (the period is closed),
 * BAD_INPUT (amount not a decimal, zero, or finer than the currency's minor units; empty reason),
 * LIMIT_EXCEEDED (too many undecided adjustments).
 */
export function proposeAdjustment(
  period: PeriodState,
  input: { id: string; amount: string; currency: string; reason: string },
  actor: Actor,
  nowMs: number,
): AdjustmentChange | ClearhouseError {
  if (!isFinance(actor)) return new ClearhouseError('FORBIDDEN', 'addAdjustment needs the FINANCE role');
  const current = advanceWithClock(period, nowMs);
  if (!countsTransactions(current.status)) {
    return new ClearhouseError('CONFLICT', `adjustments are added to an open period; this one is ${current.status}`, {
      periodId: current.id,
      status: current.status,
    });
  }
  if (current.pendingAdjustmentCount >= pendingAdjustmentsMax) {
    return new ClearhouseError('LIMIT_EXCEEDED', `at most ${pendingAdjustmentsMax} adjustments may await approval`);
  }
  const amount = parseDecimal(input.amount);
  const places = minorUnits(input.currency);
  if (amount === null || amount.isZero() || amount.decimalPlaces() > places) {
    return new ClearhouseError('BAD_INPUT', `the amount must be a non-zero decimal with at most ${places} decimal places`, {
      field: 'amount',
    });
  }
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > adjustmentReasonLengthMax) {
    return new ClearhouseError('BAD_INPUT', `a reason of 1 to ${adjustmentReasonLengthMax} characters is required`, {
      field: 'reason',
    });
  }
  const adjustment: Adjustment = {
    id: input.id,
    periodId: current.id,
    amount: roundMoney(amount, places),
    currency: input.currency,
    reason,
    authorId: actor.id,
    createdAtMs: nowMs,
    status: 'PENDING',
    decidedBy: null,
    decidedAtMs: null,
  };
  return { adjustment, period: { ...current, pendingAdjustmentCount: current.pendingAdjustmentCount + 1 } };
}

/**
 * Approves or rejects a PENDING adjustment. Its author may do neither (SELF_APPROVAL): a withdrawn
 * correction is a rejection by a colleague, so every decision has two people behind it. Errors:
 * FORBIDDEN, SELF_APPROVAL, CONFLICT (already decided, or the period is closed).
 */
export function decideAdjustment(
  period: PeriodState,
  adjustment: Adjustment,
  decision: AdjustmentDecision,
  actor: Actor,
  nowMs: number,
): AdjustmentChange | ClearhouseError {
  assert(adjustment.periodId === period.id, 'the adjustment belongs to the period');
  if (!isFinance(actor)) return new ClearhouseError('FORBIDDEN', 'deciding an adjustment needs the FINANCE role');
  if (adjustment.authorId === actor.id) {
    return new ClearhouseError('SELF_APPROVAL', 'the author of an adjustment may not decide it', {
      adjustmentId: adjustment.id,
    });
  }
  if (adjustment.status !== 'PENDING') {
    return new ClearhouseError('CONFLICT', `the adjustment is already ${adjustment.status}`, {
      adjustmentId: adjustment.id,
    });
  }
  const current = advanceWithClock(period, nowMs);
  // A period never closes with undecided adjustments (see advanceWithClock), so this is a guard.
  assert(countsTransactions(current.status), 'a period with a pending adjustment is still open');
  assert(current.pendingAdjustmentCount > 0, 'the pending adjustment is counted');
  const decided: Adjustment = {
    ...adjustment,
    status: decision === 'APPROVE' ? 'APPROVED' : 'REJECTED',
    decidedBy: actor.id,
    decidedAtMs: nowMs,
  };
  return { adjustment: decided, period: { ...current, pendingAdjustmentCount: current.pendingAdjustmentCount - 1 } };
}

/** The adjustments that count in the period's statement and ledger. */
export function countingAdjustments(adjustments: readonly Adjustment[]): Adjustment[] {
  return adjustments.filter((adjustment) => adjustment.status === 'APPROVED');
}
