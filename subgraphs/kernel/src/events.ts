/**
 * Events on the internal bus (PostgreSQL schema `bus`, table `events`): the only way data crosses a
 * subgraph boundary besides federation. Payloads are JSON; amounts are decimal strings.
 */
export const topics = {
  partnerUpserted: 'partner.upserted',
  gamesRegistered: 'partner.games_registered',
  ingestSecretRotated: 'partner.ingest_secret_rotated',
  contractTermsSet: 'partner.contract_terms_set',
  fxRateSet: 'fx.rate_set',
  ingestBatch: 'transactions.ingest_batch',
} as const;
export type Topic = (typeof topics)[keyof typeof topics];

/** Net change of one 15-minute bucket caused by one committed ingest batch (rollbacks subtract). */
export interface BucketDelta {
  gameCode: string;
  currency: string;
  /** ISO instant of the bucket's start (15-minute UTC interval of the transaction's occurredAt). */
  bucketStart: string;
  cashStake: string;
  bonusStake: string;
  cashWin: string;
  bonusWin: string;
  jackpotContribution: string;
  jackpotWin: string;
  /** Net change of the transaction count (a rollback takes its original out: -1). */
  transactions: number;
  /** Rounds the producer counted itself (0 from the transactions subgraph, which names them in `roundIds`). */
  rounds: number;
  /**
   * The rounds whose first transaction applied by the batch falls in this bucket, each named once per
   * batch. Which of them the partner has not seen before is decided by the settlements consumer, which
   * keeps every round of every partner and counts each once (`countRounds`), in the order the batches
   * committed. Kept off the ingest path so that no chunk waits under its partner's lock for that lookup.
   */
  roundIds?: readonly string[];
}

/**
 * The deltas with their `roundIds` counted into `rounds` and dropped: in order, each id for which
 * `claim` answers true counts once, in the delta that names it. `claim` answers true at most once per
 * round of the partner: the first time a round is claimed that the partner had not seen.
 */
export function countRounds(deltas: readonly BucketDelta[], claim: (roundId: string) => boolean): BucketDelta[] {
  return deltas.map(({ roundIds, ...delta }) => {
    let rounds = delta.rounds;
    for (const roundId of roundIds ?? []) if (claim(roundId)) rounds += 1;
    return { ...delta, rounds };
  });
}

/** A `claim` for `countRounds` over rounds held in memory: true for a round not in `seen`, which it then joins. */
export function claimUnseen(seen: Set<string>): (roundId: string) => boolean {
  return (roundId) => {
    if (seen.has(roundId)) return false;
    seen.add(roundId);
    return true;
  };
}

export interface IngestBatchEvent {
  partnerId: string;
  /** When the batch was received: a late transaction for a closed period counts at its arrival. */
  receivedAt: string;
  deltas: BucketDelta[];
}

export interface PartnerUpsertedEvent {
  partnerId: string;
  code: string;
  name: string;
  kind: string;
  timezone: string;
  adapter: { type: string; pollUrl: string | null; pollApiKey: string | null; pollIntervalSeconds: number | null };
  createdAt: string;
}

export interface GamesRegisteredEvent {
  partnerId: string;
  games: { code: string; name: string; category: string; declaredRtp: string }[];
}

export interface IngestSecretRotatedEvent {
  partnerId: string;
  /** The partner's ingest secrets, newest first; older ones stay valid for a grace period (rotation). */
  secrets: string[];
}

export interface ContractTermsSetEvent {
  partnerId: string;
  effectiveFrom: string;
  terms: unknown;
}

export interface FxRateSetEvent {
  date: string;
  currency: string;
  /** 1 EUR = rate CCY. */
  rate: string;
  source: string;
}
