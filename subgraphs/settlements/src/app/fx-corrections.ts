import { randomUUID } from 'node:crypto';
import { dec, minorUnits, roundMoney } from '@clearhouse/kernel';
import { canonicalJson } from '@clearhouse/kernel/auth/audit-chain';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import { periodContaining } from '../domain/periods.ts';
import { advanceWithClock, countsTransactions, proposeAdjustment, type Actor } from '../domain/statement/index.ts';
import { insertAdjustment, type AdjustmentRecord } from '../infra/adjustment-store.ts';
import { pushDelta } from '../infra/delta-store.ts';
import { isFrozen, saveLifecycle, type PeriodRecord, type StoredFigures } from '../infra/period-records.ts';
import { periodStateOf } from './period-state.ts';
import { pendingCount, ratePeriodAlone, ratingAdjustments } from './rate-period.ts';
import type { PartnerSnapshot, SettleContext } from './settle-partner.ts';
import { buildPeriodStatement } from './statement-of.ts';

/** A fixing whose stored rate a batch changed (1 EUR = rate CCY). */
export interface FixingCorrection {
  date: string;
  currency: string;
  oldRate: string;
  newRate: string;
}

/**
 * Who proposes the adjustment an FX correction causes. Not a token `sub` (the colon keeps it apart),
 * so every FINANCE user may decide it, and the maker-checker rule still needs a person to approve.
 */
export const fxCorrectionActor: Actor = { id: 'system:fx-correction', roles: ['FINANCE'] };
const reasonFixingsMax = 5;

function rerateInput(snapshot: PartnerSnapshot, record: PeriodRecord, context: SettleContext) {
  return {
    terms: periodContaining(snapshot.versions, record.startMs).version.terms,
    gameCategories: snapshot.gameCategories,
    fx: context.fx,
    adjustments: ratingAdjustments(snapshot.adjustments.get(record.id)),
  };
}

/**
 * A CLOSED statement whose buckets waited for an FX rate was provisional (DESIGN.md 5.3): it cannot be
 * approved, and when rates arrive it is rated again with the carries it was closed with, its statement
 * rebuilt and a delta pushed. Returns the ids of the periods that changed.
 */
export async function rerateProvisionalStatements(tx: TransactionSql, snapshot: PartnerSnapshot, context: SettleContext): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const record of snapshot.records) {
    if (record.status !== 'CLOSED' || record.figures === null || record.figures.fxPending.length === 0) continue;
    const rating = await ratePeriodAlone(tx, record, rerateInput(snapshot, record, context));
    const figures: StoredFigures = { start: record.figures.start, end: record.figures.end, ...rating };
    if (canonicalJson(figures) === canonicalJson(record.figures)) continue;
    await tx`update settlements.periods set figures = ${tx.json(figures as never)}, updated_at = now() where id = ${record.id} and status = 'CLOSED'`;
    const statement = await buildPeriodStatement(tx, { ...record, figures }, 'CLOSED', record.closedAtMs ?? context.nowMs);
    await saveLifecycle(tx, record, statement);
    await pushDelta(tx, snapshot.partnerId, record.id, record.figures, figures, 0);
    changed.add(record.id);
  }
  return changed;
}

function usedCorrections(figures: StoredFigures, corrections: readonly FixingCorrection[]): FixingCorrection[] {
  const used = new Set(figures.fxRatesUsed.flatMap((rate) => rate.fixings.map((fixing) => `${fixing.date} ${fixing.currency}`)));
  return corrections.filter((correction) => used.has(`${correction.date} ${correction.currency}`));
}

/**
 * A corrected fixing that a frozen statement used does not change that statement (DESIGN.md 5.5): the
 * difference the new rate makes to its fee becomes a PENDING adjustment of the partner's first open
 * period, for a FINANCE user to decide. With no open period it waits for the next one to open.
 */
export async function proposeFxCorrections(tx: TransactionSql, snapshot: PartnerSnapshot, completed: ReadonlySet<string>, context: SettleContext): Promise<void> {
  for (const record of snapshot.records) {
    if (!isFrozen(record) || record.figures === null || completed.has(record.id)) continue;
    const used = usedCorrections(record.figures, context.corrections);
    if (used.length === 0) continue;
    const rating = await ratePeriodAlone(tx, record, rerateInput(snapshot, record, context));
    const difference = dec(rating.fee).minus(dec(record.figures.fee));
    if (difference.isZero()) continue;
    const currency = record.figures.currency;
    const fixings = used.slice(0, reasonFixingsMax).map((fix) => `${fix.currency} ${fix.date} ${fix.oldRate} → ${fix.newRate}`).join(', ');
    const reason = `FX correction (${fixings}${used.length > reasonFixingsMax ? ', …' : ''}) of the closed statement ` +
      `${record.figures.start} – ${record.figures.end}: its fee would be ${rating.fee} instead of ${record.figures.fee}`;
    await proposeCorrection(tx, snapshot, { amount: roundMoney(difference, minorUnits(currency)), currency, reason }, context.nowMs);
  }
}

async function proposeCorrection(tx: TransactionSql, snapshot: PartnerSnapshot, input: { amount: string; currency: string; reason: string }, nowMs: number): Promise<void> {
  const states = snapshot.records.map((record) => periodStateOf(record, snapshot.versions, pendingCount(snapshot.adjustments.get(record.id))));
  const open = states.find((state) => countsTransactions(advanceWithClock(state, nowMs).status));
  const id = randomUUID();
  const base = { id, partnerId: snapshot.partnerId, source: 'FX_CORRECTION' as const, authorId: fxCorrectionActor.id, createdAtMs: nowMs, decidedBy: null, decidedAtMs: null };
  if (open === undefined) {
    await insertAdjustment(tx, { ...base, periodId: null, amount: input.amount, currency: input.currency, reason: input.reason, status: 'PENDING' });
    return;
  }
  const proposed = proposeAdjustment(open, { id, ...input }, fxCorrectionActor, nowMs);
  if (!('adjustment' in proposed)) {
    // Refused (too many undecided adjustments): rather than stall the consumer, it waits for the next period.
    await insertAdjustment(tx, { ...base, periodId: null, amount: input.amount, currency: input.currency, reason: input.reason, status: 'PENDING' });
    return;
  }
  const record: AdjustmentRecord = { ...proposed.adjustment, partnerId: snapshot.partnerId, source: 'FX_CORRECTION' };
  await insertAdjustment(tx, record);
  const list = snapshot.adjustments.get(open.id) ?? [];
  list.push(record);
  snapshot.adjustments.set(open.id, list);
}
