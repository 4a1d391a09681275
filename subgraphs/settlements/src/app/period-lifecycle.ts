import { ClearhouseError } from '@clearhouse/kernel';
import type { Sql } from '@clearhouse/kernel/db/index';
import { paymentPosting, statementPosting, transition, type Actor, type PeriodAction, type PeriodState } from '../domain/statement/index.ts';
import { appendPosting } from '../infra/ledger-store.ts';
import { isFrozen, loadPeriodRecord, loadPeriodRecords, saveLifecycle, type PeriodRecord } from '../infra/period-records.ts';
import { withLockedPeriod, type LockedPeriod } from './period-access.ts';
import { feeBeforeAdjustments } from './statement-figures.ts';
import { buildPeriodStatement } from './statement-of.ts';

/**
 * The period lifecycle of DESIGN.md 5.5 through the domain state machine. Each step is one
 * transaction under the partner's lock: the state change, the frozen statement (at close) and the
 * ledger posting (at approval and payment) commit together or not at all.
 */

function step(period: LockedPeriod, action: PeriodAction, actor: Actor, nowMs: number): PeriodState {
  const next = transition(period.state, action, actor, nowMs);
  if (next instanceof ClearhouseError) throw next;
  return next;
}

/**
 * Freezes the statement. Statements close oldest first: each passes its carries to the next, so a
 * later one closed first would be built on carries that may still change.
 * Errors: NOT_FOUND, FORBIDDEN, CONFLICT (not CLOSING, undecided adjustments, an earlier period open).
 */
export async function closePeriod(sql: Sql, periodId: string, actor: Actor, nowMs: number): Promise<PeriodRecord> {
  return withLockedPeriod(sql, periodId, nowMs, async (tx, period) => {
    const next = step(period, { type: 'CLOSE' }, actor, nowMs);
    const earlierOpen = (await loadPeriodRecords(tx, period.record.partnerId))
      .filter((record) => record.startMs < period.record.startMs && !isFrozen(record));
    if (earlierOpen.length > 0) {
      throw new ClearhouseError('CONFLICT', 'closePeriod refused: an earlier period of the partner is still open; close it first', {
        periodId, earlierPeriodId: earlierOpen[0]!.id,
      });
    }
    await saveLifecycle(tx, next, await buildPeriodStatement(tx, period.record, 'CLOSED', nowMs));
    return (await loadPeriodRecord(tx, periodId))!;
  });
}

/**
 * Approves the frozen statement (maker-checker) and posts it: fee expense against the payable to the
 * partner, one pair for the fee and one per approved adjustment.
 * Errors: NOT_FOUND, FORBIDDEN, CONFLICT (not CLOSED, FX-pending), SELF_APPROVAL.
 */
export async function approveStatement(sql: Sql, periodId: string, actor: Actor, nowMs: number): Promise<PeriodRecord> {
  return withLockedPeriod(sql, periodId, nowMs, async (tx, period) => {
    const next = step(period, { type: 'APPROVE' }, actor, nowMs);
    const figures = period.record.figures!;
    const posting = statementPosting({
      partnerId: period.record.partnerId,
      periodId,
      currency: figures.currency,
      fee: feeBeforeAdjustments(figures),
      adjustments: period.adjustments.filter((adjustment) => adjustment.status === 'APPROVED').map(({ id, amount }) => ({ id, amount })),
      postedAt: new Date(nowMs).toISOString(),
    });
    if (posting !== null) await appendPosting(tx, posting);
    await saveLifecycle(tx, next);
    return (await loadPeriodRecord(tx, periodId))!;
  });
}

/**
 * Records the payment and posts it (payable to the partner against cash) for what the period pays
 * now; a period whose payable is carried below the minimum payout posts nothing.
 * Errors: NOT_FOUND, FORBIDDEN, CONFLICT (not APPROVED), BAD_INPUT (empty or long reference).
 */
export async function markPaid(sql: Sql, periodId: string, reference: string, actor: Actor, nowMs: number): Promise<PeriodRecord> {
  return withLockedPeriod(sql, periodId, nowMs, async (tx, period) => {
    const next = step(period, { type: 'MARK_PAID', reference }, actor, nowMs);
    const figures = period.record.figures!;
    const posting = paymentPosting({
      partnerId: period.record.partnerId,
      periodId,
      currency: figures.currency,
      amount: figures.paidNow,
      reference: next.paymentReference!,
      postedAt: new Date(nowMs).toISOString(),
    });
    if (posting !== null) await appendPosting(tx, posting);
    await saveLifecycle(tx, next);
    return (await loadPeriodRecord(tx, periodId))!;
  });
}
