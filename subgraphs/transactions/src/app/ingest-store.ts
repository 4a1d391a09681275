import type { CanonicalTransaction } from '@clearhouse/kernel';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import { batchLookups, type BatchDecision, type Candidate, type HeldRollback, type NewRow, type StoredTransaction, type StoredView } from '../domain/index.ts';

/**
 * The SQL of one ingest chunk, inside the caller's transaction and under the partner's advisory lock:
 * what `decideBatch` needs to read, and how its decision is written.
 *
 * Lists of ids travel as ONE jsonb parameter (JSON.stringify is native; the client's array
 * serialisation and planning over ten thousand array constants cost more than the lookups). Ids never
 * hold NUL or lone surrogates (storable.ts), so their JSON is always valid jsonb.
 *
 * Two ways to insert the new transactions, measured by bench/ingest.ts: a multi-row INSERT over unnest()
 * of column arrays, or COPY FROM STDIN. See `transactionsInsertDefault` for the choice.
 */
export type TransactionsInsert = 'unnest' | 'copy';

/**
 * Measured with `npx tsx bench/ingest.ts` on the 2-core development machine (10,000-row chunks inside
 * ingestBatch, medians of 3 rounds): see the figures in the engineering report. COPY is chosen.
 */
export const transactionsInsertDefault: TransactionsInsert = 'copy';

/**
 * Below this many rows 'copy' inserts with unnest anyway. The client sends a COPY's data and its end as
 * separate small writes without TCP_NODELAY, so Nagle's algorithm and the server's delayed ACK add
 * about 40 ms to every COPY, and another 40 ms to the statement after it (measured: a one-row COPY
 * takes 85 ms where the INSERT takes 5): fatal for one webhook, noise for ten thousand rows.
 */
export const copyRowsMin = 1_000;

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

function jsonList(values: Iterable<string>): string {
  return JSON.stringify([...values]);
}

/** Everything a chunk's decision depends on, read in one pipelined round of queries. */
export interface ChunkState {
  view: StoredView;
  games: Set<string>;
  /** Round ids of the chunk the partner has already seen. */
  knownRounds: Set<string>;
}

export async function loadChunkState(tx: TransactionSql, partnerId: string, candidates: readonly Candidate[]): Promise<ChunkState> {
  const lookups = batchLookups(candidates);
  const gameCodes = new Set<string>();
  const roundIds = new Set<string>();
  for (const candidate of candidates) {
    if (!candidate.ok) continue;
    gameCodes.add(candidate.tx.gameCode);
    roundIds.add(candidate.tx.roundId);
  }
  const none = Promise.resolve([] as Record<string, unknown>[]);
  const [storedRows, heldRows, gameRows, roundRows] = await Promise.all([
    lookups.externalIds.length === 0 ? none : tx`
      select t.external_id, ${tx(columns.map((column) => `t.${column}`))}
      from jsonb_array_elements_text(${jsonList(lookups.externalIds)}::text::jsonb) as ids(external_id)
      join transactions.transactions t on t.partner_id = ${partnerId} and t.external_id = ids.external_id`,
    lookups.heldFor.length === 0 ? none : tx`
      select t.external_id, ${tx(columns.map((column) => `t.${column}`))}
      from jsonb_array_elements_text(${jsonList(lookups.heldFor)}::text::jsonb) as ids(original)
      join transactions.transactions t on t.partner_id = ${partnerId} and t.status = 'HELD' and t.refers_to = ids.original
      order by t.received_at, t.external_id`,
    gameCodes.size === 0 ? none : tx`
      select code from transactions.games where partner_id = ${partnerId} and code in (select jsonb_array_elements_text(${jsonList(gameCodes)}::text::jsonb))`,
    roundIds.size === 0 ? none : tx`
      select r.round_id from jsonb_array_elements_text(${jsonList(roundIds)}::text::jsonb) as ids(round_id)
      join transactions.rounds r on r.partner_id = ${partnerId} and r.round_id = ids.round_id`,
  ]);
  const byId = new Map<string, StoredTransaction>();
  for (const row of storedRows) byId.set(row.external_id as string, rowToStored(row));
  const held = new Map<string, HeldRollback[]>();
  for (const row of heldRows) {
    const stored = rowToStored(row) as HeldRollback;
    stored.raw = (row.raw as string | null) ?? '';
    const list = held.get(stored.refersTo!) ?? [];
    list.push(stored);
    held.set(stored.refersTo!, list);
    // decideBatch looks a held rollback up by its own id before releasing it: the view must answer.
    byId.set(stored.externalId, stored);
  }
  return {
    view: { get: (id) => byId.get(id), heldRollbacksFor: (id) => held.get(id) ?? [] },
    games: new Set(gameRows.map((row) => row.code as string)),
    knownRounds: new Set(roundRows.map((row) => row.round_id as string)),
  };
}

export interface WriteContext {
  partnerId: string;
  source: string;
  receivedAt: Date;
  insert: TransactionsInsert;
}

/**
 * Writes a decision in the order it requires (removals, status changes, then the new rows, rounds and
 * quarantine records). `whileStoring` runs once the bulk of the data is on its way to the server, so
 * the caller's CPU work overlaps the database's. Plain inserts are safe for rounds and transactions:
 * the partner's advisory lock, held by the caller, keeps every other writer of these rows out.
 */
export async function writeChunk(
  tx: TransactionSql,
  decision: BatchDecision,
  newRounds: readonly string[],
  context: WriteContext,
  whileStoring: () => void,
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
  if (newRounds.length > 0) {
    pending.push(tx`insert into transactions.rounds (partner_id, round_id) select ${partnerId}, jsonb_array_elements_text(${jsonList(newRounds)}::text::jsonb)`.execute());
  }
  if (decision.quarantines.length > 0) {
    const q = JSON.stringify(decision.quarantines.map((entry) => [entry.externalId ?? null, entry.reason, entry.detail, entry.raw, entry.line ?? null]));
    pending.push(tx`
      insert into transactions.quarantine (partner_id, external_id, reason, detail, raw, line, source, received_at)
      select ${partnerId}, r.value->>0, r.value->>1, r.value->>2, r.value->>3, (r.value->>4)::int, ${source}, ${receivedAt}
      from jsonb_array_elements(${q}::text::jsonb) with ordinality as r(value, position) order by r.position`.execute());
  }
  if (decision.inserts.length > 0) {
    const copy = context.insert === 'copy' && decision.inserts.length >= copyRowsMin;
    pending.push(copy ? (await copyTransactions(tx, decision.inserts, context)).stored : insertTransactions(tx, decision.inserts, context));
  }
  // A failure is awaited below; this only keeps it from being reported as unhandled meanwhile.
  for (const promise of pending) promise.catch(() => undefined);
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

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
const copySpecial = /[\\\t\n\r]/;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return copySpecial.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => copyEscapes[char]!) : value;
}

/** Rows per string handed to the COPY stream: bounds the text held at once without a write per row. */
const copyRowsPerWrite = 1000;

function copyBlocks(rows: readonly NewRow[], { partnerId, source, receivedAt }: WriteContext): string[] {
  const fixedHead = `${partnerId}\t`;
  const fixedTail = `\t${receivedAt.toISOString()}\t${copyField(source)}\t`;
  const blocks: string[] = [];
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
      blocks.push(text);
      text = '';
    }
  }
  if (text.length > 0) blocks.push(text);
  return blocks;
}

/**
 * Starts the COPY and hands it every row at once; the returned promise settles when the server has
 * stored them or refused them.
 *
 * postgres 3.4.9 never settles a COPY FROM STDIN writable that the server refuses after its end
 * (porsager/postgres#1173: in sql.begin the transaction then hangs, holding its connection and here the
 * partner's lock). The client still rejects the COPY query object itself, so that rejection is
 * observed too, and the refusal surfaces as an ordinary error that rolls the transaction back.
 * ingest-copy.pg.test.ts proves it.
 */
async function copyTransactions(tx: TransactionSql, rows: readonly NewRow[], context: WriteContext): Promise<{ stored: Promise<void> }> {
  const blocks = copyBlocks(rows, context);
  const query = tx`
    copy transactions.transactions
      (partner_id, external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, received_at, source, raw, line)
    from stdin`;
  const refused = new Promise<never>((_, reject) => {
    const client = query as unknown as { reject: (error: unknown) => void };
    const rejectQuery = client.reject;
    client.reject = (error) => {
      reject(error);
      rejectQuery(error);
    };
  });
  // Observed through the race below; until then (a COPY that does not even start) it must not be unhandled.
  refused.catch(() => undefined);
  const writable = await query.writable();
  const finished = new Promise<void>((resolve, reject) => {
    writable.once('error', reject);
    writable.once('finish', resolve);
  });
  for (const block of blocks) writable.write(block);
  writable.end();
  return { stored: Promise.race([finished, refused]) };
}
