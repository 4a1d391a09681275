import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CanonicalTransaction } from '@clearhouse/kernel';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import { batchLookups, type BatchDecision, type Candidate, type HeldRollback, type NewRow, type StoredTransaction, type StoredView } from '../domain/index.ts';

/**
 * The SQL of one ingest chunk, inside the caller's transaction: what `decideBatch` needs to read, and
 * how its decision is written.
 *
 * Two ways to insert the new transactions, measured by bench/ingest.ts: one multi-row INSERT over
 * unnest() of column arrays, or COPY FROM STDIN. See `transactionsInsertDefault` for the choice.
 */
export type TransactionsInsert = 'unnest' | 'copy';

/**
 * Measured with `npx tsx bench/ingest.ts` on the 2-core development machine (10,000-row chunks inside
 * ingestBatch): see the figures in the bench's output and the engineering report. COPY wins by a clear
 * margin for the large chunks of batch and file ingest, and loses nothing measurable for one webhook.
 */
export const transactionsInsertDefault: TransactionsInsert = 'copy';

const columns = ['round_id', 'player_id', 'game_code', 'kind', 'funding', 'amount', 'currency', 'occurred_at', 'refers_to', 'status', 'raw', 'line'] as const;

function rowToStored(row: Record<string, unknown>): StoredTransaction & { raw: string | null } {
  return {
    externalId: row.external_id as string,
    roundId: row.round_id as string,
    playerId: row.player_id as string,
    gameCode: row.game_code as string,
    kind: row.kind as CanonicalTransaction['kind'],
    funding: row.funding as CanonicalTransaction['funding'],
    amount: row.amount as string,
    currency: row.currency as string,
    occurredAt: (row.occurred_at as Date).toISOString(),
    refersTo: (row.refers_to as string | null) ?? null,
    status: row.status as StoredTransaction['status'],
    raw: (row.raw as string | null) ?? null,
    ...(row.line === null || row.line === undefined ? {} : { line: row.line as number }),
  };
}

/** Loads, in two queries, every stored row `decideBatch` may ask about. */
export async function loadView(tx: TransactionSql, partnerId: string, candidates: readonly Candidate[]): Promise<StoredView> {
  const lookups = batchLookups(candidates);
  const byId = new Map<string, StoredTransaction>();
  const held = new Map<string, HeldRollback[]>();
  if (lookups.externalIds.length > 0) {
    const rows = await tx`
      select external_id, ${tx(columns)} from transactions.transactions
      where partner_id = ${partnerId} and external_id = any(${lookups.externalIds}::text[])`;
    for (const row of rows) byId.set(row.external_id as string, rowToStored(row));
  }
  if (lookups.heldFor.length > 0) {
    const rows = await tx`
      select external_id, ${tx(columns)} from transactions.transactions
      where partner_id = ${partnerId} and status = 'HELD' and refers_to = any(${lookups.heldFor}::text[])
      order by received_at, external_id`;
    for (const row of rows) {
      const stored = rowToStored(row) as HeldRollback;
      stored.raw = (row.raw as string | null) ?? '';
      const list = held.get(stored.refersTo!) ?? [];
      list.push(stored);
      held.set(stored.refersTo!, list);
    }
  }
  return { get: (id) => byId.get(id), heldRollbacksFor: (id) => held.get(id) ?? [] };
}

export async function knownGames(tx: TransactionSql, partnerId: string, candidates: readonly Candidate[]): Promise<Set<string>> {
  const codes = [...new Set(candidates.flatMap((candidate) => (candidate.ok ? [candidate.tx.gameCode] : [])))];
  if (codes.length === 0) return new Set();
  const rows = await tx`select code from transactions.games where partner_id = ${partnerId} and code = any(${codes}::text[])`;
  return new Set(rows.map((row) => row.code as string));
}

export interface WriteContext {
  partnerId: string;
  source: string;
  receivedAt: Date;
  insert: TransactionsInsert;
}

/** Writes a decision in the order it requires: removals, status changes, inserts, quarantine records. */
export async function writeDecision(tx: TransactionSql, decision: BatchDecision, context: WriteContext): Promise<void> {
  const { partnerId, source, receivedAt } = context;
  if (decision.removals.length > 0) {
    await tx`delete from transactions.transactions where partner_id = ${partnerId} and external_id = any(${decision.removals}::text[])`;
  }
  if (decision.statusChanges.length > 0) {
    await tx`
      update transactions.transactions t set status = c.status, raw = case when c.status = 'HELD' then t.raw end
      from unnest(${decision.statusChanges.map((change) => change.externalId)}::text[], ${decision.statusChanges.map((change) => change.status)}::text[]) as c(external_id, status)
      where t.partner_id = ${partnerId} and t.external_id = c.external_id`;
  }
  if (decision.inserts.length > 0) {
    if (context.insert === 'copy') await copyTransactions(tx, decision.inserts, context);
    else await insertTransactions(tx, decision.inserts, context);
  }
  if (decision.quarantines.length > 0) {
    const q = decision.quarantines;
    await tx`
      insert into transactions.quarantine (partner_id, external_id, reason, detail, raw, line, source, received_at)
      select ${partnerId}, external_id, reason, detail, raw, line, ${source}, ${receivedAt} from unnest(
        ${q.map((entry) => entry.externalId ?? null)}::text[], ${q.map((entry) => entry.reason)}::text[], ${q.map((entry) => entry.detail)}::text[],
        ${q.map((entry) => entry.raw)}::text[], ${q.map((entry) => entry.line ?? null)}::int[])
      as r(external_id, reason, detail, raw, line)`;
  }
}

async function insertTransactions(tx: TransactionSql, rows: readonly NewRow[], { partnerId, source, receivedAt }: WriteContext): Promise<void> {
  await tx`
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
    as r(external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, raw, line)`;
}

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
const copySpecial = /[\\\t\n\r]/;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return copySpecial.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => copyEscapes[char]!) : value;
}

/** Rows per string handed to the COPY stream: bounds the text held at once without a write per row. */
const copyRowsPerWrite = 1000;

function* copyText(rows: readonly NewRow[], { partnerId, source, receivedAt }: WriteContext): Generator<string> {
  const fixedHead = `${partnerId}\t`;
  const fixedTail = `\t${receivedAt.toISOString()}\t${copyField(source)}\t`;
  let text = '';
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    text +=
      fixedHead +
      `${copyField(row.externalId)}\t${copyField(row.roundId)}\t${copyField(row.playerId)}\t${copyField(row.gameCode)}\t${row.kind}\t${row.funding}\t` +
      `${row.amount}\t${copyField(row.currency)}\t${row.occurredAt}\t${copyField(row.refersTo)}\t${row.status}` +
      fixedTail +
      `${copyField(row.status === 'HELD' ? row.raw : null)}\t${row.line ?? '\\N'}\n`;
    if ((index + 1) % copyRowsPerWrite === 0) {
      yield text;
      text = '';
    }
  }
  if (text.length > 0) yield text;
}

async function copyTransactions(tx: TransactionSql, rows: readonly NewRow[], context: WriteContext): Promise<void> {
  const writable = await tx`
    copy transactions.transactions
      (partner_id, external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, received_at, source, raw, line)
    from stdin`.writable();
  await pipeline(Readable.from(copyText(rows, context)), writable);
}
