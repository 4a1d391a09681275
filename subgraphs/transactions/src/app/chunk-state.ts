import type { CanonicalTransaction } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import { batchLookups, type Candidate, type HeldRollback, type StoredTransaction, type StoredView } from '../domain/index.ts';

/**
 * What one ingest chunk's decision depends on, read inside the caller's transaction and under the
 * partner's advisory lock, in one pipelined round of queries; or read ahead of the lock on any
 * connection, for a decision made early and kept only if the read under the lock finds the same state.
 *
 * Lists of ids travel as ONE jsonb parameter (JSON.stringify is native; the client's array
 * serialisation and planning over ten thousand array constants cost more than the lookups). Ids never
 * hold NUL or lone surrogates (storable.ts), so their JSON is always valid jsonb.
 */
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

export function jsonList(values: Iterable<string>): string {
  return JSON.stringify([...values]);
}

/**
 * How much of the stored state a chunk reads before it is decided.
 * - 'full': every id of the chunk and every id its rollbacks refer to.
 * - 'presumeNew': only the ids its rollbacks refer to (and the held rollbacks and games, as
 *   in 'full'). Each other id is presumed not stored, and the view lists it in `presumedAbsent`. The
 *   caller must prove that presumption before it commits: the ids it inserts are proved by the primary
 *   key (an insert of a stored id fails), any other presumed id by a lookup. A chunk of new records, the
 *   usual chunk, so skips probing the primary key once per record before the insert probes it again.
 */
export type LoadMode = 'full' | 'presumeNew';

/** Everything a chunk's decision depends on, read in one pipelined round of queries. */
export interface ChunkState {
  view: StoredView;
  /** Ids the view answered "not stored" without having looked them up ('presumeNew' only). */
  presumedAbsent: Set<string>;
  games: Set<string>;
  /**
   * Everything the decision depends on (the rows read and the games found), as text:
   * two reads of one chunk's lookups in one mode with the same key give the same decision.
   */
  key(): string;
}

export interface LoadOptions {
  /** See `heldScannedMax`. */
  scannedMax?: number;
}

/**
 * The id lists a chunk's lookups send, as their jsonb text (null for an empty list). They depend on the
 * candidates only, so they are built before the partner's lock is taken: no time under the lock. The
 * lists of every id of the chunk are built only if a lookup needs them.
 */
export interface ChunkLookups {
  externalIds(): string | null;
  /** The ids the chunk's rollbacks refer to: what 'presumeNew' looks up instead of `externalIds`. */
  referencedIds: string | null;
  referenced: ReadonlySet<string>;
  /** Every id of the chunk: held rollbacks that wait for one of them are loaded. */
  heldFor: ReadonlySet<string>;
  gameCodes: string | null;
}

export function chunkLookups(candidates: readonly Candidate[]): ChunkLookups {
  const lookups = batchLookups(candidates);
  const gameCodes = new Set<string>();
  for (const candidate of candidates) if (candidate.ok) gameCodes.add(candidate.tx.gameCode);
  let externalIds: string | null | undefined;
  return {
    externalIds: () => (externalIds ??= lookups.externalIds.length === 0 ? null : jsonList(lookups.externalIds)),
    referencedIds: lookups.referenced.length === 0 ? null : jsonList(lookups.referenced),
    referenced: new Set(lookups.referenced),
    heldFor: new Set(lookups.heldFor),
    gameCodes: gameCodes.size === 0 ? null : jsonList(gameCodes),
  };
}

/**
 * Held rollbacks are few: a rollback waits only until its original arrives. So the originals a partner's
 * held rollbacks wait for are read whole (an index-only scan of the partial index transactions_held,
 * under a millisecond for hundreds) and matched with the chunk's ids here, where probing that index once
 * per id of a 10,000-record chunk took about 20 ms under the lock. Past this many held rollbacks the
 * probe is the cheaper way again, and is taken.
 */
export const heldScannedMax = 10_000;

/**
 * Held rollbacks waiting for one of the chunk's ids, in arrival order: by chunk (received_at), then by
 * line within the chunk (two rollbacks of one original held in the same batch are released in the order
 * they were sent, as the in-memory reference does; found by ingest-presume.pg.test.ts). Records without
 * a line number (webhooks, one per chunk) fall back to their ids; a poll page's items are numbered by place.
 */
async function loadHeld(tx: Sql | TransactionSql, partnerId: string, heldFor: ReadonlySet<string>, waitedFor: Promise<Record<string, unknown>[]>, scannedMax: number) {
  const scanned = await waitedFor;
  let ids: string | null;
  if (scanned.length > scannedMax) {
    ids = heldFor.size === 0 ? null : jsonList(heldFor);
  } else {
    const matched = new Set<string>();
    for (const row of scanned) if (heldFor.has(row.refers_to as string)) matched.add(row.refers_to as string);
    ids = matched.size === 0 ? null : jsonList(matched);
  }
  if (ids === null) return [];
  return tx`
    select external_id, ${tx(columns)} from transactions.transactions
    where partner_id = ${partnerId} and status = 'HELD' and refers_to = any(array(select jsonb_array_elements_text(${ids}::text::jsonb)))
    order by received_at, line nulls last, external_id`;
}

/** Reads the state `lookups` (from `chunkLookups` of the chunk's candidates) asks for. */
export async function loadChunkState(
  tx: Sql | TransactionSql,
  partnerId: string,
  lookups: ChunkLookups,
  mode: LoadMode,
  { scannedMax = heldScannedMax }: LoadOptions = {},
): Promise<ChunkState> {
  const none = Promise.resolve([] as Record<string, unknown>[]);
  const { heldFor, gameCodes } = lookups;
  const externalIds = mode === 'full' ? lookups.externalIds() : lookups.referencedIds;
  // `= any(array(...))` lets one B-tree scan walk the sorted ids (measured: 7 ms for 10,000 ids where a
  // join probing the index once per id takes 43 ms).
  const heldScan: Promise<Record<string, unknown>[]> =
    heldFor.size === 0 ? none : tx`select refers_to from transactions.transactions where partner_id = ${partnerId} and status = 'HELD' limit ${scannedMax + 1}`;
  const [storedRows, heldRows, gameRows] = await Promise.all([
    externalIds === null ? none : tx`
      select external_id, ${tx(columns)} from transactions.transactions
      where partner_id = ${partnerId} and external_id = any(array(select jsonb_array_elements_text(${externalIds}::text::jsonb)))`,
    loadHeld(tx, partnerId, heldFor, heldScan, scannedMax),
    gameCodes === null ? none : tx`
      select code from transactions.games where partner_id = ${partnerId} and code = any(array(select jsonb_array_elements_text(${gameCodes}::text::jsonb)))`,
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
  const presumedAbsent = new Set<string>();
  const get =
    mode === 'full'
      ? (id: string) => byId.get(id)
      : (id: string) => {
          const row = byId.get(id);
          if (row === undefined && !lookups.referenced.has(id)) presumedAbsent.add(id);
          return row;
        };
  return {
    view: { get, heldRollbacksFor: (id) => held.get(id) ?? [] },
    presumedAbsent,
    games: new Set(gameRows.map((row) => row.code as string)),
    // Stored rows and games come back in no set order; held rows in arrival order, which the decision follows.
    key: () => JSON.stringify([storedRows.map((row) => JSON.stringify(row)).sort(), heldRows, gameRows.map((row) => row.code as string).sort()]),
  };
}

