import { randomUUID } from 'node:crypto';
import { ClearhouseError } from '@clearhouse/kernel';
import type { Sql } from '@clearhouse/kernel/db/index';
import { decideAdjustment as decide, proposeAdjustment, type Actor, type AdjustmentDecision } from '../domain/statement/index.ts';
import { asDomainAdjustment, insertAdjustment, loadAdjustment, saveDecision, type AdjustmentRecord } from '../infra/adjustment-store.ts';
import { lockDeltaWriter } from '../infra/delta-store.ts';
import { loadFxTable } from '../infra/store.ts';
import { isId, lockPeriod, withLockedPeriod } from './period-access.ts';
import { emptyWork, settlePartner } from './settle-partner.ts';

/**
 * Manual adjustments (DESIGN.md 5.5): added to an OPEN or CLOSING period, counted once a FINANCE user
 * other than the author approves them. An approval re-rates the period (the rating adds approved
 * adjustments to the fee) and pushes a delta, in the same transaction as the decision.
 */

/** Errors: NOT_FOUND, FORBIDDEN, CONFLICT (period closed), BAD_INPUT (amount, reason), LIMIT_EXCEEDED. */
export async function addAdjustment(sql: Sql, input: { periodId: string; amount: string; reason: string }, actor: Actor, nowMs: number): Promise<AdjustmentRecord> {
  return withLockedPeriod(sql, input.periodId, nowMs, async (tx, period) => {
    const proposed = proposeAdjustment(
      period.state,
      { id: randomUUID(), amount: input.amount, currency: period.record.figures!.currency, reason: input.reason },
      actor,
      nowMs,
    );
    if (proposed instanceof ClearhouseError) throw proposed;
    const record: AdjustmentRecord = { ...proposed.adjustment, partnerId: period.record.partnerId, source: 'MANUAL' };
    await insertAdjustment(tx, record);
    return record;
  });
}

/** Errors: NOT_FOUND, FORBIDDEN, SELF_APPROVAL (the author), CONFLICT (already decided; waiting for a period). */
export async function decideAdjustment(sql: Sql, adjustmentId: string, decision: AdjustmentDecision, actor: Actor, nowMs: number): Promise<AdjustmentRecord> {
  if (!isId(adjustmentId)) throw new ClearhouseError('NOT_FOUND', 'no such adjustment');
  return sql.begin(async (tx) => {
    // Before the partner's lock: this transaction may write a delta (see lockDeltaWriter).
    await lockDeltaWriter(tx);
    const found = await loadAdjustment(tx, adjustmentId);
    if (found === null) throw new ClearhouseError('NOT_FOUND', 'no such adjustment');
    if (found.periodId === null) {
      throw new ClearhouseError('CONFLICT', 'the adjustment waits for the partner\'s next period to open; decide it then', { adjustmentId });
    }
    const period = await lockPeriod(tx, found.periodId, nowMs);
    const adjustment = (await loadAdjustment(tx, adjustmentId))!;
    const decided = decide(period.state, asDomainAdjustment(adjustment, period.record.id), decision, actor, nowMs);
    if (decided instanceof ClearhouseError) throw decided;
    await saveDecision(tx, decided.adjustment);
    if (decided.adjustment.status === 'APPROVED') {
      const work = { ...emptyWork(), fromMs: period.record.startMs };
      await settlePartner(tx, period.record.partnerId, work, { fx: await loadFxTable(tx), nowMs, corrections: [] });
    }
    return { ...adjustment, ...decided.adjustment, periodId: period.record.id };
  }) as Promise<AdjustmentRecord>;
}
