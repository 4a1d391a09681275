import { type BucketDelta, type Clock, type QuarantineReason, topics } from '@clearhouse/kernel';
import { appendEvents, postgresExecutor, type Sql, type TransactionSql } from '@clearhouse/kernel/db/index';
import { aggregateBuckets, type BatchDecision, type Candidate, candidatesPerBatchMax, decideBatch } from '../domain/index.ts';
import { type ChunkLookups, chunkLookups, type ChunkState, type LoadMode, loadChunkState } from './chunk-state.ts';
import { type TransactionsInsert, transactionsInsertDefault, usesCopy, writeChunk } from './chunk-writes.ts';
import { type CopyData, copyDataOf } from './copy-transactions.ts';
import { storableCandidate } from './storable.ts';

export interface IngestDeps {
  sql: Sql;
  /** Validation's notion of now (DESIGN.md 3: injectable, CLEARHOUSE_CLOCK_AT). */
  clock: Clock;
  retentionDays: number;
  /** A rollback held longer than this for its original is a data-quality issue (DESIGN.md 4; default 4 h). */
  heldRollbackOverdueMs?: number;
  /** How new transactions are inserted; `transactionsInsertDefault` unless a benchmark compares them. */
  transactionsInsert?: TransactionsInsert;
  /** Chunks of at least this many records are first decided presuming their ids new (LoadMode); `presumeNewRecordsMin` unless a test forces either way. */
  presumeNewRecordsMin?: number;
  /** Held rollbacks read whole before the chunk's ids are probed instead (chunk-state.ts); for tests of both ways. */
  heldScannedMax?: number;
  /** Chunks of at least this many records are decided ahead of the partner's lock (ChunkPlan); `planAheadRecordsMin` unless a test forces either way. */
  planAheadRecordsMin?: number;
  /** Test seam: runs between a chunk's plan and its transaction, so a test can commit another batch in between. */
  afterPlan?: () => Promise<void>;
}

/**
 * Below this many records a chunk is decided on the full lookup. Above it, looking up every id first
 * costs more than it saves: measured on 10,000-record chunks, the lookup of 10,000 new ids took about a
 * sixth of the chunk's time under the partner's lock. A chunk whose presumption fails (a re-sent file, a
 * repeated batch) is done again on the full lookup, and so is the rest of its ingest call.
 */
export const presumeNewRecordsMin = 1_000;

/**
 * Chunks of at least this many records are decided before the partner's lock is taken (ChunkPlan):
 * measured on 10,000-record chunks, deciding one and building its COPY data took 15 to 25 ms that every
 * other chunk of the partner waited through. Below it the reads twice over cost more than they save.
 */
export const planAheadRecordsMin = 1_000;

/** The insert of a stored id failed on the primary key: a presumption of 'presumeNew' was wrong. */
function isStoredIdConflict(error: unknown): boolean {
  const { code, constraint_name: constraint } = error as { code?: unknown; constraint_name?: unknown };
  return code === '23505' && constraint === 'transactions_pkey';
}

export interface RejectedRecord {
  line: number | null;
  externalId: string | null;
  reason: QuarantineReason;
  detail: string;
}

export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  quarantined: number;
  /** Of `quarantined`, the records that could not be parsed (an ingest endpoint answers 4xx for them). */
  malformed: number;
  held: number;
  rejected: RejectedRecord[];
}

/**
 * Work that must commit with the records, or not at all. Both run under the partner's lock.
 * - `claim` runs first in the first chunk's transaction: returning false writes nothing (an idempotency
 *   key such as a webhook-id seen before), and `ingestWithHooks` answers null.
 * - `beforeCommit` runs last in the last chunk's transaction (a poll cursor saved with its page).
 */
export interface IngestHooks {
  claim?(tx: TransactionSql): Promise<boolean>;
  beforeCommit?(tx: TransactionSql): Promise<void>;
}

/** A batch answer lists at most this many rejected records (the counts are always complete). */
export const rejectedListedMax = 1000;

function outcomeOf(decision: BatchDecision): IngestOutcome {
  const quarantined = Object.values(decision.counts.quarantined).reduce((total, count) => total + count, 0);
  return {
    accepted: decision.counts.accepted,
    duplicates: decision.counts.duplicates,
    quarantined,
    malformed: decision.counts.quarantined.MALFORMED,
    held: decision.counts.heldRollbacks,
    rejected: decision.quarantines.slice(0, rejectedListedMax).map((entry) => ({
      line: entry.line ?? null,
      externalId: entry.externalId ?? null,
      reason: entry.reason,
      detail: entry.detail,
    })),
  };
}

/** Whether every id presumed new is one the decision inserts, so that the primary key proves it new. */
function presumptionsInserted(presumedAbsent: ReadonlySet<string>, decision: BatchDecision): boolean {
  if (presumedAbsent.size === 0) return true;
  const inserted = new Set(decision.inserts.map((row) => row.externalId));
  for (const id of presumedAbsent) if (!inserted.has(id)) return false;
  return true;
}

export function emptyOutcome(): IngestOutcome {
  return { accepted: 0, duplicates: 0, quarantined: 0, malformed: 0, held: 0, rejected: [] };
}

/** Adds `part` into `total` (the rejected list stays bounded by `rejectedListedMax`). */
export function addOutcome(total: IngestOutcome, part: IngestOutcome): void {
  total.accepted += part.accepted;
  total.duplicates += part.duplicates;
  total.quarantined += part.quarantined;
  total.malformed += part.malformed;
  total.held += part.held;
  total.rejected.push(...part.rejected.slice(0, rejectedListedMax - total.rejected.length));
}

/**
 * Ingests one batch of one partner in ONE database transaction per chunk of `candidatesPerBatchMax`:
 * the new rows, the quarantine records, the counters and the ingest event commit together or not at all.
 * Batches of one partner are serialised by an advisory lock, so two concurrent ingesters never both
 * insert the same id or judge a rollback against a state the other is changing.
 */
export async function ingestBatch(deps: IngestDeps, partnerId: string, candidates: readonly Candidate[] | PreparedBatch, source: string): Promise<IngestOutcome> {
  return (await ingestWithHooks(deps, partnerId, candidates, source, {}))!;
}

/** A batch cut into chunks, each with what it will look up: work that needs neither lock nor database. */
export interface PreparedBatch {
  chunks: PreparedChunk[];
}

interface PreparedChunk {
  candidates: readonly Candidate[];
  lookups: ChunkLookups;
  /** Planned ahead by `planBatch`; settles to null when the plan failed (the chunk is then decided under the lock). */
  plan?: Promise<ChunkPlan | null>;
}

/**
 * Prepares a batch ahead of its ingest, so that a caller with idle time (a file import waiting for the
 * chunk before) spends it there rather than between two chunks' transactions.
 */
export function prepareBatch(candidates: readonly Candidate[]): PreparedBatch {
  const chunkCount = Math.max(1, Math.ceil(candidates.length / candidatesPerBatchMax));
  return {
    chunks: Array.from({ length: chunkCount }, (_, index) => {
      const chunk = candidates.slice(index * candidatesPerBatchMax, (index + 1) * candidatesPerBatchMax).map(storableCandidate);
      return { candidates: chunk, lookups: chunkLookups(chunk) };
    }),
  };
}

/**
 * A chunk decided before the partner's lock is taken, on the state read then: the decision, its bucket
 * deltas and its COPY data. Under the lock the chunk's state is read again, as it would be
 * anyway; the plan is kept only if that state is the one it was made on (`ChunkState.key`), otherwise
 * the chunk is decided again there. Other chunks of the partner may commit in between (the lock is not
 * held), so the state read under the lock is the only one a commit ever rests on.
 */
interface ChunkPlan {
  /** The mode the chunk was asked to be decided in, and the one its state was finally read in. */
  asked: LoadMode;
  mode: LoadMode;
  key: string;
  decision: BatchDecision;
  deltas: BucketDelta[];
  copyData: CopyData | null;
}

function plansAhead(deps: IngestDeps, chunk: readonly Candidate[]): boolean {
  return chunk.length >= (deps.planAheadRecordsMin ?? planAheadRecordsMin);
}

function modeOf(deps: IngestDeps, chunk: readonly Candidate[], presumeNew: boolean): LoadMode {
  return presumeNew && chunk.length >= (deps.presumeNewRecordsMin ?? presumeNewRecordsMin) ? 'presumeNew' : 'full';
}

/**
 * Starts planning `batch`'s chunks now (see ChunkPlan), for a caller that holds the batch while other
 * work of the partner is being stored. Only batches without a `claim` hook may be planned.
 */
export function planBatch(deps: IngestDeps, partnerId: string, batch: PreparedBatch, source: string): PreparedBatch {
  return {
    chunks: batch.chunks.map((chunk) =>
      plansAhead(deps, chunk.candidates)
        ? { ...chunk, plan: planChunk(deps, partnerId, chunk, source, modeOf(deps, chunk.candidates, true)).catch(() => null) }
        : chunk,
    ),
  };
}

async function planChunk(deps: IngestDeps, partnerId: string, chunk: PreparedChunk, source: string, asked: LoadMode): Promise<ChunkPlan> {
  const { state, decision, mode } = await decideChunk(deps, deps.sql, partnerId, chunk, asked);
  const context = { partnerId, source };
  const copyData = usesCopy(decision.inserts.length, deps.transactionsInsert ?? transactionsInsertDefault) ? copyDataOf(decision.inserts, context) : null;
  return { asked, mode, key: state.key(), decision, deltas: aggregateBuckets(decision.effects), copyData };
}

/**
 * Reads a chunk's state and decides it. A decision made presuming ids new that the primary key cannot
 * prove (an id presumed new that it does not insert: a rollback quarantined against its original, say)
 * is made again on the full lookup. `loaded` is a state already read in `mode`.
 */
async function decideChunk(
  deps: IngestDeps,
  reader: Sql | TransactionSql,
  partnerId: string,
  { candidates, lookups }: PreparedChunk,
  mode: LoadMode,
  loaded?: ChunkState,
): Promise<{ state: ChunkState; decision: BatchDecision; mode: LoadMode }> {
  const load = (loadMode: LoadMode) => loadChunkState(reader, partnerId, lookups, loadMode, { scannedMax: deps.heldScannedMax });
  const decideOn = (state: ChunkState) =>
    decideBatch(candidates, state.view, { nowMs: deps.clock.nowMs(), retentionDays: deps.retentionDays, gameExists: (code: string) => state.games.has(code) });
  const state = loaded ?? (await load(mode));
  const decision = decideOn(state);
  if (mode === 'full' || presumptionsInserted(state.presumedAbsent, decision)) return { state, decision, mode };
  const full = await load('full');
  return { state: full, decision: decideOn(full), mode: 'full' };
}

/** `ingestBatch` with work that commits with it (see IngestHooks); null when `claim` refused. */
export async function ingestWithHooks(
  deps: IngestDeps,
  partnerId: string,
  batch: readonly Candidate[] | PreparedBatch,
  source: string,
  hooks: IngestHooks,
): Promise<IngestOutcome | null> {
  const total = emptyOutcome();
  const { chunks } = 'chunks' in batch ? batch : prepareBatch(batch);
  let presumeNew = true;
  for (const [index, chunk] of chunks.entries()) {
    const chunkHooks = {
      ...(index === 0 && hooks.claim ? { claim: hooks.claim } : {}),
      ...(index === chunks.length - 1 && hooks.beforeCommit ? { beforeCommit: hooks.beforeCommit } : {}),
    };
    const mode = modeOf(deps, chunk.candidates, presumeNew);
    // A claim decides whether anything is written at all: such a chunk is decided under the lock only.
    const planned = chunkHooks.claim === undefined && plansAhead(deps, chunk.candidates);
    let plan = planned ? await (chunk.plan ?? planChunk(deps, partnerId, chunk, source, mode)) : null;
    if (plan?.asked !== mode) plan = null;
    if (planned) await deps.afterPlan?.();
    let outcome: IngestOutcome | null;
    try {
      outcome = await ingestChunk(deps, partnerId, chunk, source, chunkHooks, mode, plan);
    } catch (error) {
      if (mode === 'full' || !isStoredIdConflict(error)) throw error;
      // Nothing of the attempt was kept (its transaction rolled back): the chunk starts over.
      presumeNew = false;
      outcome = await ingestChunk(deps, partnerId, chunk, source, chunkHooks, 'full', null);
    }
    if (outcome === null) return null;
    addOutcome(total, outcome);
  }
  return total;
}

/** A decision made under the lock: its deltas are summed while its rows are stored, its COPY data built there. */
function unplanned({ decision }: { decision: BatchDecision }): { decision: BatchDecision; deltas: null; copyData: null } {
  return { decision, deltas: null, copyData: null };
}

async function ingestChunk(
  deps: IngestDeps,
  partnerId: string,
  chunk: PreparedChunk,
  source: string,
  hooks: IngestHooks,
  mode: LoadMode,
  plan: ChunkPlan | null,
): Promise<IngestOutcome | null> {
  return deps.sql.begin(async (tx) => {
    const locked = tx`select pg_advisory_xact_lock(hashtextextended(${partnerId}, 0))`.execute();
    let decided: { decision: BatchDecision; deltas: BucketDelta[] | null; copyData: CopyData | null };
    if (hooks.claim) {
      await locked;
      if (!(await hooks.claim(tx))) return null;
      decided = unplanned(await decideChunk(deps, tx, partnerId, chunk, mode));
    } else if (plan !== null) {
      // The plan's state is read again right behind the lock: the plan stands if nothing it rests on changed.
      const [, state] = await Promise.all([locked, loadChunkState(tx, partnerId, chunk.lookups, plan.mode, { scannedMax: deps.heldScannedMax })]);
      decided =
        state.key() === plan.key
          ? { decision: plan.decision, deltas: plan.deltas, copyData: plan.copyData }
          : unplanned(await decideChunk(deps, tx, partnerId, chunk, plan.mode, state));
    } else {
      // The lookups go out right behind the lock, and the server runs them as soon as it grants it:
      // no round trip through this process (busy parsing the next batch, maybe) while the lock is held.
      const [, made] = await Promise.all([locked, decideChunk(deps, tx, partnerId, chunk, mode)]);
      decided = unplanned(made);
    }
    // Taken once the lock is held, so that the partner's chunks are received in the order they commit
    // (held rollbacks are released in that order).
    const receivedAt = new Date();
    const { decision } = decided;
    let deltas: BucketDelta[] = [];
    const context = { partnerId, source, receivedAt, insert: deps.transactionsInsert ?? transactionsInsertDefault };
    // Unplanned, the bucket sums are computed while the database stores the chunk's rows.
    await writeChunk(tx, decision, context, () => {
      deltas = decided.deltas ?? aggregateBuckets(decision.effects);
    }, decided.copyData);
    const outcome = outcomeOf(decision);
    // `accepted` counts the records stored now (DESIGN.md 6, ingestStats): a held rollback that a later
    // original fails leaves the store and is counted as quarantined instead.
    const storedChange = outcome.accepted - decision.removals.length;
    // The counters and the event go out together: one round trip before the commit.
    const tail: Promise<unknown>[] = [];
    if (storedChange !== 0 || outcome.duplicates + outcome.quarantined > 0) {
      tail.push(tx`
        update transactions.ingest_stats set accepted = accepted + ${storedChange}, duplicates = duplicates + ${outcome.duplicates},
          quarantined = quarantined + ${outcome.quarantined}
        where partner_id = ${partnerId}`.execute());
    }
    if (deltas.length > 0) {
      tail.push(appendEvents(postgresExecutor(tx), [{ topic: topics.ingestBatch, partnerId, payload: { partnerId, receivedAt: receivedAt.toISOString(), deltas } }]));
    }
    await Promise.all(tail);
    await hooks.beforeCommit?.(tx);
    return outcome;
  });
}
