import { assert, quarantineReasons, type CanonicalTransaction, type QuarantineReason } from '@clearhouse/kernel';
import { BatchState, type HeldEntry, type NewRow, type StatusChange } from './batch-state.ts';
import type { Candidate } from './candidate.ts';
import { businessProblem, rollbackProblem, type Problem, type ValidationContext } from './checks.ts';
import { canonicalOf, sameContent, type StoredView } from './stored.ts';

/** The database layer loads, decides and writes a batch at once; this bounds the rows it holds. */
export const candidatesPerBatchMax = 10_000;

/**
 * One change to the totals: +1 adds `target` to its bucket (an applied transaction); -1 takes the
 * cancelled `target` out of ITS bucket (a rollback applying), whatever the rollback's own fields say.
 */
export interface Effect {
  sign: 1 | -1;
  target: CanonicalTransaction;
}

/** A record that fails a check: it is not stored and has no effect on totals. */
export interface Quarantine {
  reason: QuarantineReason;
  detail: string;
  raw: string;
  line?: number;
  externalId?: string;
}

export interface BatchCounts {
  /** Records newly stored, held rollbacks included. */
  accepted: number;
  /** Identical re-sends of stored transactions. */
  duplicates: number;
  /** Quarantine records by reason; includes held rollbacks of earlier batches that failed now. */
  quarantined: Record<QuarantineReason, number>;
  /** Rollbacks of this batch that are held at its end. */
  heldRollbacks: number;
}

export interface BatchDecision {
  /** Apply in this order: removals, then status changes and inserts (a removed id may be inserted again). */
  removals: string[];
  statusChanges: StatusChange[];
  inserts: NewRow[];
  quarantines: Quarantine[];
  /** In the order they happen; bucket aggregation attributes new rounds by this order. */
  effects: Effect[];
  counts: BatchCounts;
}

/**
 * Stages 2 and 3 of DESIGN.md section 4 and the held-rollback rules, over one batch of candidates of one
 * partner, judged in order, each record seeing the effect of the earlier ones. Pure: `view` must answer
 * for every id of `batchLookups(candidates)`.
 */
export function decideBatch(candidates: readonly Candidate[], view: StoredView, ctx: ValidationContext): BatchDecision {
  assert(candidates.length <= candidatesPerBatchMax, `a batch holds at most ${candidatesPerBatchMax} candidates`);
  const judge = new BatchJudge(new BatchState(view), ctx);
  for (const candidate of candidates) judge.judge(candidate);
  return judge.decision();
}

class BatchJudge {
  private readonly quarantines: Quarantine[] = [];
  private readonly effects: Effect[] = [];
  private duplicates = 0;

  constructor(
    private readonly state: BatchState,
    private readonly ctx: ValidationContext,
  ) {}

  judge(candidate: Candidate): void {
    if (!candidate.ok) {
      this.quarantine(candidate, candidate, candidate.externalId);
      return;
    }
    const { tx } = candidate;
    const business = businessProblem(tx, this.ctx);
    if (business !== null) {
      this.quarantine(business, candidate, tx.externalId);
      return;
    }
    const stored = this.state.get(tx.externalId);
    if (stored !== undefined) {
      if (sameContent(stored, tx)) this.duplicates += 1;
      else this.quarantine(conflict(stored.externalId), candidate, tx.externalId);
      return;
    }
    if (tx.kind === 'ROLLBACK') this.judgeRollback(tx, candidate);
    else this.apply(tx, candidate);
    // Whatever was just stored may be the original that held rollbacks wait for.
    if (this.state.get(tx.externalId) !== undefined) this.releaseHeldFor(tx.externalId);
  }

  decision(): BatchDecision {
    const { inserts, statusChanges, removals } = this.state.result();
    const quarantined = Object.fromEntries(quarantineReasons.map((reason) => [reason, 0])) as Record<QuarantineReason, number>;
    for (const { reason } of this.quarantines) quarantined[reason] += 1;
    const counts: BatchCounts = {
      accepted: inserts.length,
      duplicates: this.duplicates,
      quarantined,
      heldRollbacks: inserts.filter((row) => row.status === 'HELD').length,
    };
    return { removals, statusChanges, inserts, quarantines: this.quarantines, effects: this.effects, counts };
  }

  private apply(tx: CanonicalTransaction, origin: { raw: string; line?: number }): void {
    this.state.insert(newRow(tx, 'APPLIED', origin));
    this.effects.push({ sign: 1, target: tx });
  }

  private judgeRollback(rollback: CanonicalTransaction, origin: { raw: string; line?: number }): void {
    const original = rollback.refersTo === null ? undefined : this.state.get(rollback.refersTo);
    if (original === undefined) {
      // The original has not arrived (or was quarantined): hold the rollback, without effect.
      this.state.insert(newRow(rollback, 'HELD', origin));
      return;
    }
    const problem = rollbackProblem(rollback, original);
    if (problem !== null) {
      this.quarantine(problem, origin, rollback.externalId);
      return;
    }
    this.state.insert(newRow(rollback, 'APPLIED', origin));
    this.cancel(original.externalId);
  }

  /** Checks each rollback held for a newly stored transaction, in arrival order. */
  private releaseHeldFor(originalExternalId: string): void {
    for (const held of this.state.heldFor(originalExternalId)) {
      const original = this.state.get(originalExternalId);
      assert(original !== undefined, 'held rollbacks are released only for a stored original');
      const problem = rollbackProblem(held.row, original);
      if (problem === null) {
        this.state.setStatus(held.row.externalId, 'APPLIED');
        this.cancel(originalExternalId);
      } else {
        this.state.remove(held.row.externalId);
        this.quarantine(problem, held, held.row.externalId);
      }
    }
  }

  private cancel(originalExternalId: string): void {
    const original = this.state.get(originalExternalId);
    assert(original?.status === 'APPLIED', `only an applied transaction can be cancelled: ${originalExternalId}`);
    this.state.setStatus(originalExternalId, 'CANCELLED');
    this.effects.push({ sign: -1, target: canonicalOf(original) });
  }

  private quarantine(problem: Problem, origin: { raw: string; line?: number } | HeldEntry, externalId: string | undefined): void {
    const record: Quarantine = { reason: problem.reason, detail: problem.detail, raw: origin.raw };
    if (origin.line !== undefined) record.line = origin.line;
    if (externalId !== undefined) record.externalId = externalId;
    this.quarantines.push(record);
  }
}

function newRow(tx: CanonicalTransaction, status: NewRow['status'], origin: { raw: string; line?: number }): NewRow {
  // One literal, not a spread of canonicalOf: a row per stored record, built under the partner's lock.
  const row: NewRow = {
    externalId: tx.externalId, roundId: tx.roundId, playerId: tx.playerId, gameCode: tx.gameCode, kind: tx.kind, funding: tx.funding,
    amount: tx.amount, currency: tx.currency, occurredAt: tx.occurredAt, refersTo: tx.refersTo, status, raw: origin.raw,
  };
  if (origin.line !== undefined) row.line = origin.line;
  return row;
}

function conflict(externalId: string): Problem {
  return { reason: 'DUPLICATE_CONFLICT', detail: `${externalId} is already stored with different content` };
}
