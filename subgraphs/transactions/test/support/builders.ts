import type { CanonicalTransaction } from '@clearhouse/kernel';
import type { Candidate } from '../../src/domain/candidate.ts';
import type { ValidationContext } from '../../src/domain/checks.ts';

export const nowIso = '2026-11-22T00:00:00.000Z';
export const nowMs = Date.parse(nowIso);

export const games = new Set(['G1', 'G2']);
export const ctx: ValidationContext = { nowMs, retentionDays: 400, gameExists: (code) => games.has(code) };

export function tx(overrides: Partial<CanonicalTransaction> = {}): CanonicalTransaction {
  return {
    externalId: 'T-1',
    roundId: 'R-1',
    playerId: 'P-1',
    gameCode: 'G1',
    kind: 'BET',
    funding: 'CASH',
    amount: '10.00',
    currency: 'EUR',
    occurredAt: '2026-11-21T10:05:00.000Z',
    refersTo: null,
    ...overrides,
  };
}

export function rollbackOf(original: CanonicalTransaction, overrides: Partial<CanonicalTransaction> = {}): CanonicalTransaction {
  return tx({ ...original, externalId: `${original.externalId}-RB`, kind: 'ROLLBACK', refersTo: original.externalId, ...overrides });
}

/** A candidate that passed the format stage; its raw text names it, so quarantines can be traced. */
export function ok(transaction: CanonicalTransaction, line?: number): Candidate {
  const candidate: Candidate = { ok: true, tx: transaction, raw: `raw:${transaction.externalId}:${transaction.amount}` };
  if (line !== undefined) candidate.line = line;
  return candidate;
}
