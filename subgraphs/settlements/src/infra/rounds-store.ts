import { countRounds } from '@clearhouse/kernel';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import type { Arrival } from '../app/late-data.ts';

/**
 * Counts the rounds one partner's ingest batches name (BucketDelta.roundIds) into their deltas: each
 * round once, in the first delta naming it, if it is not yet among the partner's rounds
 * (settlements.rounds), which it then joins in the same transaction as the buckets it counts in.
 * `arrivals` are in the order their batches committed, as the consumer reads them.
 *
 * Settlement passes of one partner never overlap (lockDeltaWriter, then lockPartner, are held to the
 * end of the transaction), so nothing inserts the partner's rounds between the lookup and the insert:
 * a plain insert of the rounds not found, in one statement. Measured on 3,334 rounds, ON CONFLICT DO
 * NOTHING (a speculative insertion per row) took about twice as long as that plain insert.
 */
export async function countArrivalRounds(tx: TransactionSql, partnerId: string, arrivals: readonly Arrival[]): Promise<Arrival[]> {
  const named = new Set<string>();
  for (const { deltas } of arrivals) for (const delta of deltas) for (const roundId of delta.roundIds ?? []) named.add(roundId);
  const fresh = new Set<string>();
  if (named.size > 0) {
    // One jsonb parameter: JSON.stringify is native, where the client's text[] serialisation of
    // thousands of ids is not. Round ids never hold NUL or lone surrogates (transactions' storable.ts).
    const inserted = await tx`
      with named as (select jsonb_array_elements_text(${JSON.stringify([...named])}::text::jsonb) as round_id)
      insert into settlements.rounds (partner_id, round_id)
      select ${partnerId}, round_id from named
      except
      select partner_id, round_id from settlements.rounds where partner_id = ${partnerId} and round_id = any(array(select round_id from named))
      returning round_id`;
    for (const row of inserted) fresh.add(row.round_id as string);
  }
  // Deleting answers true once per fresh round: the first delta naming it counts it.
  const claim = (roundId: string) => fresh.delete(roundId);
  return arrivals.map((arrival) => ({ ...arrival, deltas: countRounds(arrival.deltas, claim) }));
}
