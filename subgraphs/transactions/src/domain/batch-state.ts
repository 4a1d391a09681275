import { assert } from '@clearhouse/kernel';
import type { StoredStatus, StoredTransaction, StoredView } from './stored.ts';

/** A transaction the batch stores, with its raw payload (kept for held rollbacks that may fail later). */
export interface NewRow extends StoredTransaction {
  raw: string;
  line?: number;
}

/** A held rollback as the batch currently sees it, wherever it was stored. */
export interface HeldEntry {
  row: StoredTransaction;
  raw: string;
  line?: number;
}

/** A row stored before this batch whose status the batch changes. */
export interface StatusChange {
  externalId: string;
  status: StoredStatus;
}

/**
 * The store as the batch sees it while it is judged record by record: the view overlaid with this
 * batch's own inserts, status changes and removals, so each record sees the effect of the earlier ones.
 */
export class BatchState {
  /** Rows new in this batch, current version, in insertion order. */
  private readonly inserted = new Map<string, NewRow>();
  /** Rows stored before the batch that it changed; null when a held rollback left the store. */
  private readonly changed = new Map<string, StoredTransaction | null>();
  /** Ids of held rollbacks inserted in this batch, by the original they wait for. */
  private readonly heldInserted = new Map<string, string[]>();

  constructor(private readonly view: StoredView) {}

  get(externalId: string): StoredTransaction | undefined {
    const inserted = this.inserted.get(externalId);
    if (inserted !== undefined) return inserted;
    if (this.changed.has(externalId)) return this.changed.get(externalId) ?? undefined;
    return this.view.get(externalId);
  }

  insert(row: NewRow): void {
    assert(this.get(row.externalId) === undefined, `${row.externalId} is already stored`);
    this.inserted.set(row.externalId, row);
    if (row.status === 'HELD' && row.refersTo !== null) {
      const ids = this.heldInserted.get(row.refersTo) ?? [];
      // An id removed and held again in the same batch is listed once.
      if (!ids.includes(row.externalId)) ids.push(row.externalId);
      this.heldInserted.set(row.refersTo, ids);
    }
  }

  setStatus(externalId: string, status: StoredStatus): void {
    const inserted = this.inserted.get(externalId);
    if (inserted !== undefined) {
      this.inserted.set(externalId, { ...inserted, status });
      return;
    }
    const current = this.get(externalId);
    assert(current !== undefined, `${externalId} is not stored`);
    this.changed.set(externalId, { ...current, status });
  }

  /** A held rollback that failed against its original leaves the store (it becomes a quarantine record). */
  remove(externalId: string): void {
    assert(this.get(externalId)?.status === 'HELD', `only a held rollback leaves the store: ${externalId}`);
    if (this.inserted.delete(externalId)) return;
    this.changed.set(externalId, null);
  }

  /** Rollbacks still held for `originalExternalId`: those stored before the batch first, in arrival order. */
  heldFor(originalExternalId: string): HeldEntry[] {
    const entries: HeldEntry[] = [];
    for (const held of this.view.heldRollbacksFor(originalExternalId)) {
      if (this.inserted.has(held.externalId)) continue;
      const current = this.get(held.externalId);
      // A line number would point into an earlier request, so a held row from the view carries none.
      if (current?.status === 'HELD') entries.push({ row: current, raw: held.raw });
    }
    for (const id of this.heldInserted.get(originalExternalId) ?? []) {
      const row = this.inserted.get(id);
      if (row?.status === 'HELD' && row.refersTo === originalExternalId) entries.push(heldEntryOf(row));
    }
    return entries;
  }

  /** Removals must be applied before inserts: a removed id may be stored again by a later record. */
  result(): { inserts: NewRow[]; statusChanges: StatusChange[]; removals: string[] } {
    const statusChanges: StatusChange[] = [];
    const removals: string[] = [];
    for (const [externalId, row] of this.changed) {
      if (row === null) removals.push(externalId);
      else statusChanges.push({ externalId, status: row.status });
    }
    return { inserts: [...this.inserted.values()], statusChanges, removals };
  }
}

function heldEntryOf(row: NewRow): HeldEntry {
  const entry: HeldEntry = { row, raw: row.raw };
  if (row.line !== undefined) entry.line = row.line;
  return entry;
}
