/** The canonical transaction of DESIGN.md section 4, shared by the transactions and settlements subgraphs. */
export const transactionKinds = ['BET', 'WIN', 'ROLLBACK', 'JACKPOT_CONTRIBUTION', 'JACKPOT_WIN'] as const;
export type TransactionKind = (typeof transactionKinds)[number];

export const fundings = ['CASH', 'BONUS'] as const;
export type Funding = (typeof fundings)[number];

export const adapterTypes = ['JSON_WEBHOOK', 'NDJSON_BATCH', 'CSV_REPORT', 'REST_POLL'] as const;
export type AdapterType = (typeof adapterTypes)[number];

export const quarantineReasons = [
  'MALFORMED',
  'UNKNOWN_CURRENCY',
  'NEGATIVE_AMOUNT',
  'UNKNOWN_GAME',
  'FUTURE_TIMESTAMP',
  'TOO_OLD',
  'DUPLICATE_CONFLICT',
  'ROLLBACK_OF_ROLLBACK',
  'ALREADY_ROLLED_BACK',
  'ROLLBACK_MISMATCH',
] as const;
export type QuarantineReason = (typeof quarantineReasons)[number];

/** A canonical transaction. Amounts are exact decimal strings, instants ISO 8601 UTC strings. */
export interface CanonicalTransaction {
  externalId: string;
  roundId: string;
  playerId: string;
  gameCode: string;
  kind: TransactionKind;
  funding: Funding;
  amount: string;
  currency: string;
  occurredAt: string;
  /** The externalId a ROLLBACK cancels; null for every other kind. */
  refersTo: string | null;
}

export const bucketMinutes = 15;
const bucketMs = bucketMinutes * 60_000;

/** Start of the 15-minute UTC bucket holding `instantMs`. */
export function bucketStartMs(instantMs: number): number {
  return Math.floor(instantMs / bucketMs) * bucketMs;
}
