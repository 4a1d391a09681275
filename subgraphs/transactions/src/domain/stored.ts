import { Decimal, type CanonicalTransaction } from '@clearhouse/kernel';
import type { Candidate } from './candidate.ts';

/**
 * What the store holds for one partner, as seen by validation.
 * - APPLIED: counts in the totals (an original, or a rollback that cancelled its original);
 * - HELD: a rollback waiting for its original; stored (so a re-send is a duplicate) but without effect;
 * - CANCELLED: an original that a rollback cancelled.
 */
export const storedStatuses = ['APPLIED', 'HELD', 'CANCELLED'] as const;
export type StoredStatus = (typeof storedStatuses)[number];

export interface StoredTransaction extends CanonicalTransaction {
  status: StoredStatus;
}

/** A held rollback keeps its raw payload: if its original later fails it, it becomes a quarantine record. */
export interface HeldRollback extends StoredTransaction {
  status: 'HELD';
  raw: string;
}

/**
 * Read access to the stored transactions of one partner. The database layer answers it from rows loaded
 * in bulk for `batchLookups(candidates)`; it must see every id listed there.
 */
export interface StoredView {
  get(externalId: string): StoredTransaction | undefined;
  /** Held rollbacks whose refersTo is `originalExternalId`, in arrival order. */
  heldRollbacksFor(originalExternalId: string): readonly HeldRollback[];
}

export interface BatchLookups {
  /** Rows to load with `get`: the batch's own ids and the ids its rollbacks refer to. */
  externalIds: string[];
  /** Originals whose held rollbacks to load: every id of the batch (a stored id can release a held rollback). */
  heldFor: string[];
  /** The ids the batch's rollbacks refer to (of `externalIds`): all a decision that presumes the batch's own ids new must load. */
  referenced: string[];
}

/** Which stored rows a batch needs, so they can be loaded with two bulk queries. */
export function batchLookups(candidates: readonly Candidate[]): BatchLookups {
  const externalIds = new Set<string>();
  const heldFor = new Set<string>();
  const referenced = new Set<string>();
  for (const candidate of candidates) {
    if (!candidate.ok) continue;
    externalIds.add(candidate.tx.externalId);
    heldFor.add(candidate.tx.externalId);
    if (candidate.tx.refersTo === null) continue;
    externalIds.add(candidate.tx.refersTo);
    referenced.add(candidate.tx.refersTo);
  }
  return { externalIds: [...externalIds], heldFor: [...heldFor], referenced: [...referenced] };
}

/**
 * DESIGN.md section 4: an identical re-send has every canonical field equal (receivedAt and source are
 * not canonical content); amounts are compared by value, so "12.3400" re-sends "12.34".
 */
export function sameContent(a: CanonicalTransaction, b: CanonicalTransaction): boolean {
  return (
    a.externalId === b.externalId &&
    a.roundId === b.roundId &&
    a.playerId === b.playerId &&
    a.gameCode === b.gameCode &&
    a.kind === b.kind &&
    a.funding === b.funding &&
    a.currency === b.currency &&
    Date.parse(a.occurredAt) === Date.parse(b.occurredAt) &&
    a.refersTo === b.refersTo &&
    new Decimal(a.amount).equals(b.amount)
  );
}

/** The canonical fields of a stored row, without its status or raw payload. */
export function canonicalOf(row: CanonicalTransaction): CanonicalTransaction {
  const { externalId, roundId, playerId, gameCode, kind, funding, amount, currency, occurredAt, refersTo } = row;
  return { externalId, roundId, playerId, gameCode, kind, funding, amount, currency, occurredAt, refersTo };
}
