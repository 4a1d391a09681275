import type { TransactionSql } from '@clearhouse/kernel/db/index';
import type { BatchDecision, NewRow } from '../domain/index.ts';
import { jsonList } from './chunk-state.ts';
import { type CopyData, copyDataOf, copyTransactions } from './copy-transactions.ts';

/**
 * How one ingest chunk's decision is written, inside the caller's transaction and under the partner's
 * advisory lock.
 *
 * Two ways to insert the new transactions, measured by bench/ingest.ts: a multi-row INSERT over unnest()
 * of column arrays, or COPY FROM STDIN. See `transactionsInsertDefault` for the choice.
 */
export type TransactionsInsert = 'unnest' | 'copy';

/**
 * Chosen by measurement on the 2-core development machine (shared, so medians): ingestBatch of 200,000
 * rows in 10,000-row chunks (`npx tsx bench/ingest.ts`) ran at 28,400 tx/s with COPY against 25,900
 * with unnest; the bare statement for 10,000 rows took 191 ms with COPY against 304 ms with unnest.
 */
export const transactionsInsertDefault: TransactionsInsert = 'copy';

/**
 * Below this many rows 'copy' inserts with unnest anyway. The client sends a COPY's data and its end as
 * separate small writes without TCP_NODELAY, so Nagle's algorithm and the server's delayed ACK add
 * about 40 ms to every COPY, and another 40 ms to the statement after it (measured: a one-row COPY
 * takes 85 ms where the INSERT takes 5): fatal for one webhook, noise for ten thousand rows.
 */
export const copyRowsMin = 1_000;

/** Whether `rows` new transactions are inserted with COPY. */
export function usesCopy(rows: number, insert: TransactionsInsert): boolean {
  return insert === 'copy' && rows >= copyRowsMin;
}

export interface WriteContext {
  partnerId: string;
  source: string;
  receivedAt: Date;
  insert: TransactionsInsert;
}

/**
 * Writes a decision in the order it requires (removals, status changes, then the new rows and
 * quarantine records). `whileStoring` runs once the bulk of the data is on its way to the server, so
 * the caller's CPU work overlaps the database's. Plain inserts are safe for transactions: the
 * partner's advisory lock, held by the caller, keeps every other writer of these rows out.
 * `copyData` is the COPY data of `decision.inserts` when the caller built it ahead of the lock.
 */
export async function writeChunk(
  tx: TransactionSql,
  decision: BatchDecision,
  context: WriteContext,
  whileStoring: () => void,
  copyData: CopyData | null,
): Promise<void> {
  const { partnerId, source, receivedAt } = context;
  if (decision.removals.length > 0) {
    await tx`delete from transactions.transactions where partner_id = ${partnerId} and external_id in (select jsonb_array_elements_text(${jsonList(decision.removals)}::text::jsonb))`;
  }
  if (decision.statusChanges.length > 0) {
    const changes = JSON.stringify(decision.statusChanges.map((change) => [change.externalId, change.status]));
    await tx`
      update transactions.transactions t set status = c.value->>1, raw = case when c.value->>1 = 'HELD' then t.raw end
      from jsonb_array_elements(${changes}::text::jsonb) as c(value)
      where t.partner_id = ${partnerId} and t.external_id = c.value->>0`;
  }
  const pending: Promise<unknown>[] = [];
  // Each failure is awaited below; the handler only keeps it from counting as unhandled meanwhile
  // (a later statement may throw first, before the Promise.all).
  const track = (promise: Promise<unknown>): void => {
    promise.catch(() => undefined);
    pending.push(promise);
  };
  if (decision.quarantines.length > 0) {
    const q = JSON.stringify(decision.quarantines.map((entry) => [entry.externalId ?? null, entry.reason, entry.detail, entry.raw, entry.line ?? null]));
    track(tx`
      insert into transactions.quarantine (partner_id, external_id, reason, detail, raw, line, source, received_at)
      select ${partnerId}, r.value->>0, r.value->>1, r.value->>2, r.value->>3, (r.value->>4)::int, ${source}, ${receivedAt}
      from jsonb_array_elements(${q}::text::jsonb) with ordinality as r(value, position) order by r.position`.execute());
  }
  if (decision.inserts.length > 0) {
    if (usesCopy(decision.inserts.length, context.insert)) {
      track((await copyTransactions(tx, copyData ?? copyDataOf(decision.inserts, context), receivedAt)).stored);
    } else {
      track(insertTransactions(tx, decision.inserts, context));
    }
  }
  whileStoring();
  await Promise.all(pending);
}

function insertTransactions(tx: TransactionSql, rows: readonly NewRow[], { partnerId, source, receivedAt }: WriteContext): Promise<unknown> {
  return tx`
    insert into transactions.transactions
      (partner_id, external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, received_at, source, raw, line)
    select ${partnerId}, r.external_id, r.round_id, r.player_id, r.game_code, r.kind, r.funding, r.amount, r.currency, r.occurred_at,
      r.refers_to, r.status, ${receivedAt}, ${source}, r.raw, r.line
    from unnest(
      ${rows.map((row) => row.externalId)}::text[], ${rows.map((row) => row.roundId)}::text[], ${rows.map((row) => row.playerId)}::text[],
      ${rows.map((row) => row.gameCode)}::text[], ${rows.map((row) => row.kind)}::text[], ${rows.map((row) => row.funding)}::text[],
      ${rows.map((row) => row.amount)}::numeric[], ${rows.map((row) => row.currency)}::text[], ${rows.map((row) => row.occurredAt)}::timestamptz[],
      ${rows.map((row) => row.refersTo)}::text[], ${rows.map((row) => row.status)}::text[],
      ${rows.map((row) => (row.status === 'HELD' ? row.raw : null))}::text[], ${rows.map((row) => row.line ?? null)}::int[])
    as r(external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, raw, line)`.execute();
}

