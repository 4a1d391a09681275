import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import type { PeriodStatus, Statement } from '../domain/statement/index.ts';
import type { Rating } from '../domain/rating.ts';

/** A stored period with its lifecycle columns: what the use cases of DESIGN.md 5.5 read and write. */
export interface StoredFigures extends Rating {
  start: string;
  end: string;
}

export interface PeriodRecord {
  id: string;
  partnerId: string;
  startMs: number;
  endMs: number;
  /** As stored: an OPEN period whose end has passed is CLOSING by the clock (advanceWithClock). */
  status: PeriodStatus;
  figures: StoredFigures | null;
  /** The statement frozen at close; null while the period is open. */
  statement: Statement | null;
  closedBy: string | null;
  closedAtMs: number | null;
  approvedBy: string | null;
  approvedAtMs: number | null;
  paymentReference: string | null;
  paidAtMs: number | null;
}

export const frozenStatuses: readonly PeriodStatus[] = ['CLOSED', 'APPROVED', 'PAID'];

export function isFrozen(record: { status: string }): boolean {
  return (frozenStatuses as readonly string[]).includes(record.status);
}

const msOf = (value: unknown): number | null => (value instanceof Date ? value.getTime() : null);

function recordOf(row: Record<string, unknown>): PeriodRecord {
  return {
    id: row.id as string,
    partnerId: row.partner_id as string,
    startMs: (row.start_at as Date).getTime(),
    endMs: (row.end_at as Date).getTime(),
    status: row.status as PeriodStatus,
    figures: (row.figures ?? null) as StoredFigures | null,
    statement: (row.statement ?? null) as Statement | null,
    closedBy: (row.closed_by ?? null) as string | null,
    closedAtMs: msOf(row.closed_at),
    approvedBy: (row.approved_by ?? null) as string | null,
    approvedAtMs: msOf(row.approved_at),
    paymentReference: (row.payment_reference ?? null) as string | null,
    paidAtMs: msOf(row.paid_at),
  };
}

/**
 * Serialises everything that changes a partner's periods: the bus consumer and every lifecycle use
 * case take this lock first, so a period cannot close while a batch re-rates it.
 */
export async function lockPartner(tx: TransactionSql, partnerId: string): Promise<void> {
  await tx`select partner_id from settlements.partners where partner_id = ${partnerId} for update`;
}

export async function loadPeriodRecord(tx: TransactionSql | Sql, id: string): Promise<PeriodRecord | null> {
  const [row] = await tx`select * from settlements.periods where id = ${id}`;
  return row ? recordOf(row) : null;
}

/** Every period of a partner, oldest first. */
export async function loadPeriodRecords(tx: TransactionSql, partnerId: string): Promise<PeriodRecord[]> {
  const rows = await tx`select * from settlements.periods where partner_id = ${partnerId} order by start_at`;
  return rows.map(recordOf);
}

/** The partner of a period: whose lock to take before reading the period for a change. */
export async function partnerOfPeriod(tx: TransactionSql, id: string): Promise<string | null> {
  const [row] = await tx`select partner_id from settlements.periods where id = ${id}`;
  return row ? (row.partner_id as string) : null;
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Writes a lifecycle step (and, at close or an FX re-rate of a provisional statement, the statement). */
export async function saveLifecycle(
  tx: TransactionSql,
  state: {
    id: string; status: PeriodStatus; closedBy: string | null; closedAtMs: number | null; approvedBy: string | null;
    approvedAtMs: number | null; paymentReference: string | null; paidAtMs: number | null;
  },
  statement?: Statement,
): Promise<void> {
  await tx`
    update settlements.periods set status = ${state.status}, closed_by = ${state.closedBy}, closed_at = ${isoOrNull(state.closedAtMs)},
      approved_by = ${state.approvedBy}, approved_at = ${isoOrNull(state.approvedAtMs)},
      payment_reference = ${state.paymentReference}, paid_at = ${isoOrNull(state.paidAtMs)},
      statement = coalesce(${statement === undefined ? null : tx.json(statement as never)}::jsonb, statement), updated_at = now()
    where id = ${state.id}`;
}

export async function periodRecordsByIds(sql: Sql, ids: readonly string[]): Promise<Map<string, PeriodRecord>> {
  const rows = await sql`select * from settlements.periods where id = any(${ids as string[]}::uuid[])`;
  return new Map(rows.map((row) => [row.id as string, recordOf(row)]));
}
