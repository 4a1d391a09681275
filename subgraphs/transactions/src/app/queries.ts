import type { Sql } from '@clearhouse/kernel/db/index';

export const pageSizeMax = 500;

export async function partnerExists(sql: Sql, partnerId: string): Promise<boolean> {
  const rows = await sql`select 1 from transactions.partners where partner_id = ${partnerId}`;
  return rows.length > 0;
}

export async function listTransactions(sql: Sql, partnerId: string, first: number, afterExternalId: string | null) {
  return sql`
    select * from transactions.transactions
    where partner_id = ${partnerId} and (${afterExternalId}::text is null or external_id > ${afterExternalId})
    order by external_id limit ${first}`;
}

export async function listQuarantine(sql: Sql, partnerId: string, reason: string | null, first: number, afterId: string | null) {
  return sql`
    select * from transactions.quarantine
    where partner_id = ${partnerId} and replayed_at is null
      and (${reason}::text is null or reason = ${reason}) and (${afterId}::bigint is null or id > ${afterId}::bigint)
    order by id limit ${first}`;
}

export async function ingestStats(sql: Sql, partnerId: string) {
  const [stats] = await sql`select accepted, duplicates, quarantined from transactions.ingest_stats where partner_id = ${partnerId}`;
  const [held] = await sql`select count(*)::int as held from transactions.transactions where partner_id = ${partnerId} and status = 'HELD'`;
  return {
    accepted: Number(stats?.accepted ?? 0),
    duplicates: Number(stats?.duplicates ?? 0),
    quarantined: Number(stats?.quarantined ?? 0),
    heldRollbacks: Number(held?.held ?? 0),
  };
}

export async function quarantineSummary(sql: Sql, partnerId: string) {
  const rows = await sql`
    select reason, count(*)::int as count from transactions.quarantine
    where partner_id = ${partnerId} and replayed_at is null group by reason order by reason`;
  return rows.map((row) => ({ reason: row.reason as string, count: Number(row.count) }));
}

export async function pollerStatus(sql: Sql, partnerId: string) {
  const [row] = await sql`select cursor, circuit, last_error, last_polled_at from transactions.poll_state where partner_id = ${partnerId}`;
  return row ? { circuit: row.circuit as string, cursor: row.cursor as string | null, lastError: row.last_error as string | null, lastPolledAt: row.last_polled_at as Date | null } : null;
}

/** DESIGN.md 4: a held rollback whose original has not arrived within this long is reported (it stays held). */
export const heldRollbackOverdueMsDefault = 4 * 3600_000;

/** Rollbacks held since before `receivedBefore`, oldest first: their originals never arrived. */
export async function overdueHeldRollbacks(sql: Sql, partnerId: string, receivedBefore: Date, first: number) {
  return sql`
    select * from transactions.transactions
    where partner_id = ${partnerId} and status = 'HELD' and received_at < ${receivedBefore}
    order by received_at, external_id limit ${first}`;
}
