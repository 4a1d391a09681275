import { minorUnits, roundMoney, dec } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import type { Adjustment, AdjustmentStatus } from '../domain/statement/index.ts';

/** Manual adjustments (DESIGN.md 5.5) and the PENDING adjustments an FX correction proposes. */
export const adjustmentSources = ['MANUAL', 'FX_CORRECTION'] as const;
export type AdjustmentSource = (typeof adjustmentSources)[number];

export interface AdjustmentRecord extends Omit<Adjustment, 'periodId'> {
  partnerId: string;
  /** Null only for an FX correction waiting for the partner's next period to open. */
  periodId: string | null;
  source: AdjustmentSource;
}

/** Adjustments listed for one period; the domain bounds pending ones far below this. */
export const adjustmentsPerPeriodMax = 1000;

function recordOf(row: Record<string, unknown>): AdjustmentRecord {
  const currency = row.currency as string;
  return {
    id: row.id as string,
    partnerId: row.partner_id as string,
    periodId: (row.period_id ?? null) as string | null,
    amount: roundMoney(dec(row.amount as string), minorUnits(currency)),
    currency,
    reason: row.reason as string,
    source: row.source as AdjustmentSource,
    authorId: row.author_id as string,
    createdAtMs: (row.created_at as Date).getTime(),
    status: row.status as AdjustmentStatus,
    decidedBy: (row.decided_by ?? null) as string | null,
    decidedAtMs: row.decided_at instanceof Date ? row.decided_at.getTime() : null,
  };
}

/** The domain's view of a record that belongs to a period. */
export function asDomainAdjustment(record: AdjustmentRecord, periodId: string): Adjustment {
  const { partnerId: _partnerId, source: _source, ...adjustment } = record;
  return { ...adjustment, periodId };
}

export async function insertAdjustment(tx: TransactionSql, record: AdjustmentRecord): Promise<void> {
  await tx`
    insert into settlements.adjustments (id, partner_id, period_id, amount, currency, reason, source, author_id, created_at, status)
    values (${record.id}, ${record.partnerId}, ${record.periodId}, ${record.amount}, ${record.currency}, ${record.reason}, ${record.source},
      ${record.authorId}, ${new Date(record.createdAtMs).toISOString()}, ${record.status})`;
}

export async function loadAdjustment(tx: TransactionSql | Sql, id: string): Promise<AdjustmentRecord | null> {
  const [row] = await tx`select * from settlements.adjustments where id = ${id}`;
  return row ? recordOf(row) : null;
}

export async function saveDecision(tx: TransactionSql, adjustment: Adjustment): Promise<void> {
  await tx`
    update settlements.adjustments set status = ${adjustment.status}, decided_by = ${adjustment.decidedBy},
      decided_at = ${adjustment.decidedAtMs === null ? null : new Date(adjustment.decidedAtMs).toISOString()}
    where id = ${adjustment.id}`;
}

/** A partner's adjustments by period id, oldest first. */
export async function adjustmentsOfPartner(tx: TransactionSql, partnerId: string): Promise<Map<string, AdjustmentRecord[]>> {
  const rows = await tx`select * from settlements.adjustments where partner_id = ${partnerId} and period_id is not null order by created_at, id`;
  const byPeriod = new Map<string, AdjustmentRecord[]>();
  for (const row of rows.map(recordOf)) {
    const list = byPeriod.get(row.periodId!) ?? [];
    list.push(row);
    byPeriod.set(row.periodId!, list);
  }
  return byPeriod;
}

export async function adjustmentsOfPeriods(sql: Sql | TransactionSql, periodIds: readonly string[]): Promise<Map<string, AdjustmentRecord[]>> {
  const rows = await sql`
    select * from settlements.adjustments where period_id = any(${periodIds as string[]}::uuid[]) order by created_at, id`;
  const byPeriod = new Map<string, AdjustmentRecord[]>(periodIds.map((id) => [id, []]));
  for (const row of rows.map(recordOf)) {
    const list = byPeriod.get(row.periodId!)!;
    if (list.length < adjustmentsPerPeriodMax) list.push(row);
  }
  return byPeriod;
}

/** FX corrections proposed while the partner had no open period move to the period that opens now. */
export async function attachWaitingAdjustments(tx: TransactionSql, partnerId: string, periodId: string): Promise<void> {
  await tx`update settlements.adjustments set period_id = ${periodId} where partner_id = ${partnerId} and period_id is null`;
}
