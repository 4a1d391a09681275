import { Decimal, type CanonicalTransaction, type QuarantineReason } from '@clearhouse/kernel';
import { canonicalInstantMs } from './instants.ts';
import type { StoredTransaction } from './stored.ts';

/** The injectable facts validation depends on; `nowMs` comes from the validation clock. */
export interface ValidationContext {
  nowMs: number;
  /** DESIGN.md section 4: the retention window in days; `retentionDaysDefault` (400) when absent. */
  retentionDays?: number;
  gameExists(code: string): boolean;
}

export interface Problem {
  reason: QuarantineReason;
  detail: string;
}

export const retentionDaysDefault = 400;
/** DESIGN.md section 4: more than 5 minutes ahead of now is FUTURE_TIMESTAMP. */
export const futureToleranceMs = 5 * 60_000;
const dayMs = 86_400_000;

/** Stage 2 (business), in order: UNKNOWN_GAME, FUTURE_TIMESTAMP, TOO_OLD. */
export function businessProblem(tx: CanonicalTransaction, ctx: ValidationContext): Problem | null {
  if (!ctx.gameExists(tx.gameCode)) return { reason: 'UNKNOWN_GAME', detail: `game ${tx.gameCode} is not in the partner's catalogue` };
  const occurredMs = canonicalInstantMs(tx.occurredAt);
  if (occurredMs > ctx.nowMs + futureToleranceMs) {
    return { reason: 'FUTURE_TIMESTAMP', detail: `occurredAt ${tx.occurredAt} is more than 5 minutes ahead of now` };
  }
  const retentionDays = ctx.retentionDays ?? retentionDaysDefault;
  if (occurredMs < ctx.nowMs - retentionDays * dayMs) {
    return { reason: 'TOO_OLD', detail: `occurredAt ${tx.occurredAt} is older than the ${retentionDays}-day retention window` };
  }
  return null;
}

/**
 * Stage 3 for a ROLLBACK whose original is stored, in order: ROLLBACK_OF_ROLLBACK, ALREADY_ROLLED_BACK,
 * ROLLBACK_MISMATCH (currency or amount, by value, differs from the transaction it cancels).
 */
export function rollbackProblem(rollback: CanonicalTransaction, original: StoredTransaction): Problem | null {
  if (original.kind === 'ROLLBACK') {
    return { reason: 'ROLLBACK_OF_ROLLBACK', detail: `${original.externalId} is itself a rollback` };
  }
  if (original.status === 'CANCELLED') {
    return { reason: 'ALREADY_ROLLED_BACK', detail: `${original.externalId} was already cancelled by another rollback` };
  }
  if (rollback.currency !== original.currency || !new Decimal(rollback.amount).equals(original.amount)) {
    return {
      reason: 'ROLLBACK_MISMATCH',
      detail: `rollback of ${rollback.amount} ${rollback.currency} does not match ${original.externalId} (${original.amount} ${original.currency})`,
    };
  }
  return null;
}
