import type { Sql } from '@clearhouse/kernel/db/index';

export const periodsPageMax = 500;
export const deltaPageMax = 1000;

export interface PeriodRow {
  id: string;
  partnerId: string;
  start: Date;
  end: Date;
  status: string;
  figures: Record<string, unknown>;
  closedBy: string | null;
  approvedBy: string | null;
  paymentReference: string | null;
}

function toPeriod(row: Record<string, unknown>, nowMs: number): PeriodRow {
  const end = row.end_at as Date;
  const stored = row.status as string;
  return {
    id: row.id as string,
    partnerId: row.partner_id as string,
    start: row.start_at as Date,
    end,
    // OPEN becomes CLOSING as soon as the period's end has passed; nothing else changes with it.
    status: stored === 'OPEN' && end.getTime() <= nowMs ? 'CLOSING' : stored,
    figures: (row.figures ?? {}) as Record<string, unknown>,
    closedBy: (row.closed_by as string | null) ?? null,
    approvedBy: (row.approved_by as string | null) ?? null,
    paymentReference: (row.payment_reference as string | null) ?? null,
  };
}

export async function periodsByIds(sql: Sql, ids: readonly string[], nowMs: number): Promise<Map<string, PeriodRow>> {
  const rows = await sql`select * from settlements.periods where id = any(${ids as string[]}::uuid[])`;
  return new Map(rows.map((row) => [row.id as string, toPeriod(row, nowMs)]));
}

/** The periods of a partner overlapping [from, to). */
export async function periodsOverlapping(sql: Sql, partnerId: string, from: Date | null, to: Date | null, nowMs: number): Promise<PeriodRow[]> {
  const rows = await sql`
    select * from settlements.periods
    where partner_id = ${partnerId} and (${to}::timestamptz is null or start_at < ${to}) and (${from}::timestamptz is null or end_at > ${from})
    order by start_at limit ${periodsPageMax}`;
  return rows.map((row) => toPeriod(row, nowMs));
}

export interface DeltaRow {
  id: string;
  partnerId: string;
  seq: number;
  periodId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Deltas by id, each with its period (one query: resolving a subscription event needs both, and the
 * gateway asks for many events at once).
 */
export async function deltasByIds(sql: Sql, ids: readonly string[], nowMs: number): Promise<Map<string, DeltaRow & { period: PeriodRow | null }>> {
  const rows = await sql`
    select p.*, d.id as delta_id, d.partner_id as delta_partner_id, d.seq as delta_seq, d.period_id as delta_period_id,
           d.payload as delta_payload, d.created_at as delta_created_at
    from settlements.deltas d left join settlements.periods p on p.id = d.period_id
    where d.id = any(${ids.map(Number)}::bigint[])`;
  return new Map(rows.map((row) => [String(row.delta_id), {
    id: String(row.delta_id), partnerId: row.delta_partner_id as string, seq: Number(row.delta_seq), periodId: row.delta_period_id as string,
    payload: row.delta_payload as Record<string, unknown>, createdAt: row.delta_created_at as Date,
    period: row.id === null ? null : toPeriod(row, nowMs),
  }]));
}

/**
 * Deltas after a global id, in id order. A delta's id is taken under the partner's sequence row lock
 * and the consumer is the only writer, so ids also commit in order: a reader never skips one.
 */
export async function deltaFeed(sql: Sql, afterId: string | null, limit: number) {
  const rows = afterId === null
    ? await sql`select id, partner_id, seq from settlements.deltas order by id desc limit 1`
    : await sql`select id, partner_id, seq from settlements.deltas where id > ${afterId}::bigint order by id limit ${limit}`;
  return rows.map((row) => ({ id: String(row.id), partnerId: row.partner_id as string, seq: Number(row.seq) }));
}

export async function partnerDeltaPointers(sql: Sql, partnerId: string, afterSeq: number, limit: number) {
  const rows = await sql`
    select id, partner_id, seq from settlements.deltas where partner_id = ${partnerId} and seq > ${afterSeq} order by seq limit ${limit}`;
  return rows.map((row) => ({ id: String(row.id), partnerId: row.partner_id as string, seq: Number(row.seq) }));
}
