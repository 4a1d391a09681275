import { isActiveCurrency, minorUnits, type CanonicalTransaction, type Funding, type QuarantineReason, type TransactionKind } from '@clearhouse/kernel';
import { amountInUnits, type WireAmount } from './amounts.ts';

/**
 * What an adapter makes of one body, line or item: a canonical transaction that passed the format
 * stage, or the first format-stage reason it failed (DESIGN.md section 4, stage 1), with its raw text.
 */
export type Candidate =
  | { ok: true; tx: CanonicalTransaction; raw: string; line?: number }
  | { ok: false; reason: QuarantineReason; detail: string; raw: string; line?: number; externalId?: string };

/** The fields an adapter read from the wire, every one well-typed, before currency and sign checks. */
export interface WireRecord {
  externalId: string;
  roundId: string;
  playerId: string;
  gameCode: string;
  kind: TransactionKind;
  funding: Funding;
  amount: WireAmount;
  currency: string;
  occurredAt: string;
  /** The wire's reference field, whatever the kind; only a ROLLBACK keeps it. */
  reference: string | null;
}

/** Where a record came from: its raw text and, for line-based formats, its 1-based line number. */
export interface RecordOrigin {
  raw: string;
  line?: number;
}

/** DESIGN.md section 4: BONUS when the bonus flag is set. */
export function fundingOf(bonusFlag: boolean): Funding {
  return bonusFlag ? 'BONUS' : 'CASH';
}

export function malformed(detail: string, origin: RecordOrigin, externalId?: string): Candidate {
  return failed('MALFORMED', detail, origin, externalId);
}

/**
 * Finishes the format stage in the order DESIGN.md section 4 requires: a ROLLBACK without a reference
 * is MALFORMED, then UNKNOWN_CURRENCY, then NEGATIVE_AMOUNT. A reference on any other kind is ignored.
 */
export function formatStage(record: WireRecord, origin: RecordOrigin): Candidate {
  const { externalId } = record;
  if (record.kind === 'ROLLBACK' && record.reference === null) {
    return malformed('a ROLLBACK needs a reference to the transaction it cancels', origin, externalId);
  }
  if (!isActiveCurrency(record.currency)) {
    return failed('UNKNOWN_CURRENCY', `${JSON.stringify(record.currency)} is not an active ISO 4217 currency`, origin, externalId);
  }
  if (record.amount.negative) {
    return failed('NEGATIVE_AMOUNT', `amount is negative: -${record.amount.magnitude}`, origin, externalId);
  }
  const tx: CanonicalTransaction = {
    externalId,
    roundId: record.roundId,
    playerId: record.playerId,
    gameCode: record.gameCode,
    kind: record.kind,
    funding: record.funding,
    amount: amountInUnits(record.amount, minorUnits(record.currency)),
    currency: record.currency,
    occurredAt: record.occurredAt,
    refersTo: record.kind === 'ROLLBACK' ? record.reference : null,
  };
  return withLine({ ok: true, tx, raw: origin.raw }, origin.line);
}

function failed(reason: QuarantineReason, detail: string, origin: RecordOrigin, externalId: string | undefined): Candidate {
  const candidate: Candidate = { ok: false, reason, detail, raw: origin.raw };
  if (externalId !== undefined) candidate.externalId = externalId;
  return withLine(candidate, origin.line);
}

function withLine(candidate: Candidate, line: number | undefined): Candidate {
  if (line !== undefined) candidate.line = line;
  return candidate;
}
