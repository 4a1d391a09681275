import { Decimal } from '@clearhouse/kernel';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import type { Rating } from '../domain/rating.ts';

export const deltaChannel = 'settlement_deltas';

/**
 * Deltas are read by global id (the gateway follows settlements.deltas by id), so ids must commit in
 * the order they are handed out. Every transaction that writes deltas takes this lock first, before
 * any partner lock, and holds it until it ends: the consumer for each batch, and a use case that
 * re-rates outside the consumer (an approved adjustment).
 */
const deltaWriterLockKey = 7_301_001;

export async function lockDeltaWriter(tx: TransactionSql): Promise<void> {
  await tx`select pg_advisory_xact_lock(${deltaWriterLockKey})`;
}

/** Writes one delta with the partner's next gap-free sequence number; NOTIFY (its pointer) is delivered at commit. */
export async function pushDelta(
  tx: TransactionSql,
  partnerId: string,
  periodId: string,
  previous: Pick<Rating, 'totals' | 'fee'> | null,
  figures: Pick<Rating, 'totals' | 'fee' | 'payable'>,
  transactions: number,
): Promise<void> {
  const oldGgr = new Decimal(previous?.totals.ggr ?? '0');
  const oldFee = new Decimal(previous?.fee ?? '0');
  const [sequence] = await tx`
    insert into settlements.partner_sequences (partner_id, last_seq) values (${partnerId}, 1)
    on conflict (partner_id) do update set last_seq = settlements.partner_sequences.last_seq + 1 returning last_seq`;
  const payload = {
    change: { transactions, ggr: new Decimal(figures.totals.ggr).minus(oldGgr).toFixed(), fee: new Decimal(figures.fee).minus(oldFee).toFixed() },
    totals: figures.totals,
    fee: figures.fee,
    payable: figures.payable,
    at: new Date().toISOString(),
  };
  const seq = Number(sequence!.last_seq);
  const [delta] = await tx`
    insert into settlements.deltas (partner_id, seq, period_id, payload)
    values (${partnerId}, ${seq}, ${periodId}, ${tx.json(payload as never)}) returning id`;
  // The delta's pointer rides on the wake-up: the gateway dispatches it without reading the feed when
  // it follows on from the last delta it saw (the feed stays the source of truth for anything else).
  await tx`select pg_notify(${deltaChannel}, ${JSON.stringify({ id: String(delta!.id), partnerId, seq })})`;
}
