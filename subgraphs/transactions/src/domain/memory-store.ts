import { quarantineReasons, type IngestBatchEvent, type QuarantineReason } from '@clearhouse/kernel';
import type { NewRow } from './batch-state.ts';
import { aggregateBuckets } from './buckets.ts';
import type { Candidate } from './candidate.ts';
import type { ValidationContext } from './checks.ts';
import { decideBatch, type BatchDecision, type Quarantine } from './decide.ts';
import type { HeldRollback, StoredTransaction, StoredView } from './stored.ts';

/**
 * An in-memory store of ingested transactions, one partition per partner: the reference the database
 * store must agree with, and a way to replay recorded scenarios without PostgreSQL.
 */
export class MemoryStore {
  private readonly partitions = new Map<string, PartnerMemory>();

  partner(partnerId: string): PartnerMemory {
    let partition = this.partitions.get(partnerId);
    if (partition === undefined) {
      partition = new PartnerMemory();
      this.partitions.set(partnerId, partition);
    }
    return partition;
  }
}

export interface IngestStats {
  /** Records stored (held rollbacks included). */
  accepted: number;
  duplicates: number;
  quarantined: Record<QuarantineReason, number>;
  /** Rollbacks held now. */
  heldRollbacks: number;
}

/** The stored transactions of one partner. */
export class PartnerMemory implements StoredView {
  private readonly rows = new Map<string, NewRow>();
  /** Held rollback ids by the original they wait for; a Set keeps arrival order. */
  private readonly heldByOriginal = new Map<string, Set<string>>();
  private readonly quarantineLog: Quarantine[] = [];
  private duplicates = 0;

  get(externalId: string): StoredTransaction | undefined {
    return this.rows.get(externalId);
  }

  heldRollbacksFor(originalExternalId: string): readonly HeldRollback[] {
    return [...(this.heldByOriginal.get(originalExternalId) ?? [])].map((id) => this.rows.get(id)).filter(isHeld);
  }

  apply(decision: BatchDecision): void {
    for (const externalId of decision.removals) this.delete(externalId);
    for (const { externalId, status } of decision.statusChanges) {
      const row = this.rows.get(externalId);
      if (row === undefined) throw new RangeError(`status change of a row that is not stored: ${externalId}`);
      this.delete(externalId);
      this.put({ ...row, status });
    }
    for (const row of decision.inserts) this.put(row);
    this.quarantineLog.push(...decision.quarantines);
    this.duplicates += decision.counts.duplicates;
  }

  transactions(): StoredTransaction[] {
    return [...this.rows.values()];
  }

  heldRollbacks(): HeldRollback[] {
    return [...this.rows.values()].filter(isHeld);
  }

  quarantines(): readonly Quarantine[] {
    return this.quarantineLog;
  }

  stats(): IngestStats {
    const quarantined = Object.fromEntries(quarantineReasons.map((reason) => [reason, 0])) as Record<QuarantineReason, number>;
    for (const { reason } of this.quarantineLog) quarantined[reason] += 1;
    return { accepted: this.rows.size, duplicates: this.duplicates, quarantined, heldRollbacks: this.heldRollbacks().length };
  }

  private put(row: NewRow): void {
    this.rows.set(row.externalId, row);
    if (row.status !== 'HELD' || row.refersTo === null) return;
    const held = this.heldByOriginal.get(row.refersTo) ?? new Set<string>();
    held.add(row.externalId);
    this.heldByOriginal.set(row.refersTo, held);
  }

  private delete(externalId: string): void {
    const row = this.rows.get(externalId);
    if (row === undefined) return;
    this.rows.delete(externalId);
    if (row.refersTo !== null) this.heldByOriginal.get(row.refersTo)?.delete(externalId);
  }
}

function isHeld(row: NewRow | undefined): row is NewRow & HeldRollback {
  return row?.status === 'HELD';
}

/**
 * Ingests one batch of one partner in memory: decide, aggregate buckets, apply. The event is null when
 * the batch touched no bucket (only duplicates, quarantines or held rollbacks).
 */
export function ingestInMemory(
  store: MemoryStore,
  partnerId: string,
  candidates: Candidate[],
  ctx: ValidationContext,
  receivedAt: string,
): { decision: BatchDecision; event: IngestBatchEvent | null } {
  const partition = store.partner(partnerId);
  const decision = decideBatch(candidates, partition, ctx);
  const deltas = aggregateBuckets(decision.effects);
  partition.apply(decision);
  return { decision, event: deltas.length === 0 ? null : { partnerId, receivedAt, deltas } };
}
