import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import { appendToLedger, type ChainPoint, type LedgerEntry, type Posting } from '../domain/statement/index.ts';

/**
 * settlements.ledger_entries, one hash-chained entry per posting. The head row is locked by every
 * append until its transaction ends, so sequence numbers are handed out in commit order and without
 * gaps, and it records the chain's head, against which a cut-off tail shows.
 */
export const ledgerPageMax = 10_000;

function entryOf(row: Record<string, unknown>): LedgerEntry {
  return {
    seq: Number(row.seq),
    kind: row.kind as LedgerEntry['kind'],
    partnerId: row.partner_id as string,
    periodId: row.period_id as string,
    currency: row.currency as string,
    reference: row.reference as string,
    postedAt: row.posted_at as string,
    lines: row.lines as LedgerEntry['lines'],
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

/** Appends a posting in the caller's transaction (the one that changes the period's state). */
export async function appendPosting(tx: TransactionSql, posting: Posting): Promise<LedgerEntry> {
  const [head] = await tx`select last_seq, last_hash from settlements.ledger_head for update`;
  const lastSeq = Number(head!.last_seq);
  const [last] = lastSeq === 0 ? [] : await tx`select * from settlements.ledger_entries where seq = ${lastSeq}`;
  const entry = appendToLedger(last ? entryOf(last) : null, posting);
  await tx`
    insert into settlements.ledger_entries (seq, kind, partner_id, period_id, currency, reference, posted_at, lines, prev_hash, hash)
    values (${entry.seq}, ${entry.kind}, ${entry.partnerId}, ${entry.periodId}, ${entry.currency}, ${entry.reference}, ${entry.postedAt},
      ${tx.json(entry.lines as never)}, ${entry.prevHash}, ${entry.hash})`;
  await tx`update settlements.ledger_head set last_seq = ${entry.seq}, last_hash = ${entry.hash}`;
  return entry;
}

/** Entries after `afterSeq` in sequence order, at most `limit`. */
export async function ledgerPage(sql: Sql | TransactionSql, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
  const rows = await sql`select * from settlements.ledger_entries where seq > ${afterSeq} order by seq limit ${Math.min(limit, ledgerPageMax)}`;
  return rows.map(entryOf);
}

export async function ledgerEntriesOfPeriod(sql: Sql | TransactionSql, periodId: string, limit: number): Promise<LedgerEntry[]> {
  const rows = await sql`select * from settlements.ledger_entries where period_id = ${periodId} order by seq limit ${Math.min(limit, ledgerPageMax)}`;
  return rows.map(entryOf);
}

export async function ledgerHead(sql: Sql | TransactionSql): Promise<ChainPoint | null> {
  const [head] = await sql`select last_seq, last_hash from settlements.ledger_head`;
  const seq = Number(head?.last_seq ?? 0);
  return seq === 0 ? null : { seq, hash: head!.last_hash as string };
}
