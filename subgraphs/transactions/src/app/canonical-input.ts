import { isActiveCurrency, parseDecimal, transactionKinds, fundings, type CanonicalTransaction } from '@clearhouse/kernel';
import type { Candidate } from '../domain/index.ts';

export const graphqlSource = 'GRAPHQL';

export interface CanonicalInput {
  externalId: string;
  roundId: string;
  playerId: string;
  gameCode: string;
  kind: string;
  funding: string;
  amount: string;
  currency: string;
  occurredAt: string;
  refersTo?: string | null;
}

/** The format stage (DESIGN.md 4, stage 1) for records given in canonical form through the API. */
export function canonicalCandidate(input: CanonicalInput, line: number): Candidate {
  const raw = JSON.stringify(input);
  const fail = (reason: 'MALFORMED' | 'UNKNOWN_CURRENCY' | 'NEGATIVE_AMOUNT', detail: string): Candidate => ({ ok: false, reason, detail, raw, line, externalId: input.externalId });
  for (const field of ['externalId', 'roundId', 'playerId', 'gameCode'] as const) {
    if (typeof input[field] !== 'string' || input[field].length === 0 || input[field].length > 256) return fail('MALFORMED', `${field} must be a non-empty string of at most 256 characters`);
  }
  if (!(transactionKinds as readonly string[]).includes(input.kind)) return fail('MALFORMED', `kind must be one of ${transactionKinds.join(', ')}`);
  if (!(fundings as readonly string[]).includes(input.funding)) return fail('MALFORMED', `funding must be CASH or BONUS`);
  const amount = typeof input.amount === 'string' ? parseDecimal(input.amount.replace(/^-/, ''), { leadingZeros: true }) : null;
  if (amount === null) return fail('MALFORMED', 'amount must be a decimal string');
  const occurredMs = Date.parse(input.occurredAt);
  if (Number.isNaN(occurredMs)) return fail('MALFORMED', 'occurredAt must be an ISO 8601 instant');
  if (input.kind === 'ROLLBACK' && !input.refersTo) return fail('MALFORMED', 'a ROLLBACK needs refersTo');
  if (!isActiveCurrency(input.currency)) return fail('UNKNOWN_CURRENCY', `${JSON.stringify(input.currency)} is not an active ISO 4217 currency`);
  if (input.amount.startsWith('-')) return fail('NEGATIVE_AMOUNT', `amount is negative: ${input.amount}`);
  const tx: CanonicalTransaction = {
    externalId: input.externalId,
    roundId: input.roundId,
    playerId: input.playerId,
    gameCode: input.gameCode,
    kind: input.kind as CanonicalTransaction['kind'],
    funding: input.funding as CanonicalTransaction['funding'],
    amount: amount.toFixed(),
    currency: input.currency,
    occurredAt: new Date(occurredMs).toISOString(),
    refersTo: input.kind === 'ROLLBACK' ? (input.refersTo ?? null) : null,
  };
  return { ok: true, tx, raw, line };
}
