import { randomUUID } from 'node:crypto';
import {
  Decimal, bucketStartMs, topics,
  type BucketDelta, type ContractTermsSetEvent, type FxRateSetEvent, type GamesRegisteredEvent, type IngestBatchEvent, type PartnerUpsertedEvent,
} from '@clearhouse/kernel';
import type { BusEvent, TransactionSql } from '@clearhouse/kernel/db/index';
import { periodsOfBuckets, rateChain, type RatedPeriod } from '../domain/chain.ts';
import { periodContaining } from '../domain/periods.ts';
import {
  addToBuckets, frozenStatuses, loadBuckets, loadCategories, loadFxTable, loadPeriods, loadVersions, type StoredPeriod,
} from '../infra/store.ts';

export const settlementTopics = [
  topics.partnerUpserted, topics.gamesRegistered, topics.contractTermsSet, topics.fxRateSet, topics.ingestBatch,
] as const;
export const deltaChannel = 'settlement_deltas';

interface PartnerWork {
  /** Earliest instant whose period must be re-rated (null: every period that is not frozen). */
  fromMs: number | null;
  deltas: BucketDelta[];
  /** Arrival of the latest ingest batch: where late data for a closed period is dated. */
  receivedAt?: string;
  /** Net transaction count change per bucket start (for the delta's `change`). */
  transactionsByBucketMs: Map<number, number>;
}

function workOf(work: Map<string, PartnerWork>, partnerId: string): PartnerWork {
  let entry = work.get(partnerId);
  if (!entry) {
    entry = { fromMs: Number.POSITIVE_INFINITY, deltas: [], transactionsByBucketMs: new Map() };
    work.set(partnerId, entry);
  }
  return entry;
}

function rerateAll(entry: PartnerWork): void {
  entry.fromMs = null;
}

/**
 * Applies one batch of bus events inside the consumer's transaction: copies of partners, games,
 * contracts and FX fixings; ingest deltas into 15-minute buckets; then every affected period of every
 * affected partner is re-rated and, where its figures changed, a delta with the partner's next
 * sequence number is written. All of it commits with the consumer offset, or none of it does.
 */
export async function applySettlementEvents(tx: TransactionSql, events: BusEvent[], nowMs: number): Promise<void> {
  const work = new Map<string, PartnerWork>();
  let fxChanged = false;
  for (const event of events) {
    switch (event.topic) {
      case topics.partnerUpserted: {
        const partner = event.payload as PartnerUpsertedEvent;
        await tx`
          insert into settlements.partners (partner_id, code, name, timezone) values (${partner.partnerId}, ${partner.code}, ${partner.name}, ${partner.timezone})
          on conflict (partner_id) do update set code = excluded.code, name = excluded.name, timezone = excluded.timezone`;
        break;
      }
      case topics.gamesRegistered: {
        const registered = event.payload as GamesRegisteredEvent;
        await tx`
          insert into settlements.games (partner_id, code, category)
          select ${registered.partnerId}, * from unnest(${registered.games.map((game) => game.code)}::text[], ${registered.games.map((game) => game.category)}::text[])
          on conflict (partner_id, code) do update set category = excluded.category`;
        rerateAll(workOf(work, registered.partnerId));
        break;
      }
      case topics.contractTermsSet: {
        const set = event.payload as ContractTermsSetEvent;
        await tx`
          insert into settlements.contract_versions (partner_id, effective_from, terms) values (${set.partnerId}, ${set.effectiveFrom}, ${tx.json(set.terms as never)})
          on conflict (partner_id, effective_from) do update set terms = excluded.terms`;
        rerateAll(workOf(work, set.partnerId));
        break;
      }
      case topics.fxRateSet: {
        const fixing = event.payload as FxRateSetEvent;
        await tx`
          insert into settlements.fx_rates (date, currency, rate) values (${fixing.date}, ${fixing.currency}, ${fixing.rate})
          on conflict (date, currency) do update set rate = excluded.rate`;
        fxChanged = true;
        break;
      }
      case topics.ingestBatch: {
        const batch = event.payload as IngestBatchEvent;
        const entry = workOf(work, batch.partnerId);
        for (const delta of batch.deltas) entry.deltas.push({ ...delta, bucketStart: new Date(delta.bucketStart).toISOString() });
        entry.receivedAt = batch.receivedAt;
        break;
      }
      default:
        break;
    }
  }
  if (fxChanged) {
    // A new or corrected fixing may clear FX-pending buckets or change conversions of any open period.
    const partners = await tx`select partner_id from settlements.partners`;
    for (const row of partners) rerateAll(workOf(work, row.partner_id as string));
  }
  if (work.size === 0) return;
  const fx = await loadFxTable(tx);
  for (const [partnerId, entry] of work) await settlePartner(tx, partnerId, entry, fx, nowMs);
}

async function settlePartner(tx: TransactionSql, partnerId: string, entry: PartnerWork, fx: Awaited<ReturnType<typeof loadFxTable>>, nowMs: number): Promise<void> {
  const versions = await loadVersions(tx, partnerId);
  const periods = await loadPeriods(tx, partnerId);
  const frozen = periods.filter((period) => frozenStatuses.includes(period.status));

  // A late transaction for a frozen (closed) period counts in the first open period, dated at its
  // arrival: its delta moves to the bucket of its arrival time, and the move is listed.
  const applied: BucketDelta[] = [];
  for (const delta of entry.deltas) {
    const startMs = Date.parse(delta.bucketStart);
    const closed = frozen.find((period) => startMs >= period.startMs && startMs < period.endMs);
    if (!closed) {
      applied.push(delta);
      continue;
    }
    const arrivalMs = Math.max(Date.parse(entry.receivedAt ?? new Date(nowMs).toISOString()), frozen.at(-1)!.endMs);
    const moved = { ...delta, bucketStart: new Date(bucketStartMs(arrivalMs)).toISOString() };
    applied.push(moved);
    await tx`
      insert into settlements.prior_period_adjustments (partner_id, original_period_id, game_code, currency, original_bucket_start, counted_bucket_start, delta)
      values (${partnerId}, ${closed.id}, ${delta.gameCode}, ${delta.currency}, ${delta.bucketStart}, ${moved.bucketStart}, ${tx.json(delta as never)})`;
  }
  await addToBuckets(tx, partnerId, applied);
  for (const delta of applied) {
    const startMs = Date.parse(delta.bucketStart);
    entry.transactionsByBucketMs.set(startMs, (entry.transactionsByBucketMs.get(startMs) ?? 0) + delta.transactions);
    if (entry.fromMs !== null) entry.fromMs = Math.min(entry.fromMs, startMs);
  }
  if (versions.length === 0) return;

  // Re-rate from the start of the earliest affected period that is not frozen; the last period before
  // that point passes its carries in.
  const lastFrozenEndMs = frozen.at(-1)?.endMs ?? Number.NEGATIVE_INFINITY;
  const affectedMs = Math.max(entry.fromMs ?? Number.NEGATIVE_INFINITY, lastFrozenEndMs);
  if (affectedMs === Number.POSITIVE_INFINITY) return;
  const fromMs = Number.isFinite(affectedMs) ? periodContaining(versions, affectedMs).startMs : Number.NEGATIVE_INFINITY;
  const before = periods.filter((period) => period.endMs <= fromMs).at(-1);
  const buckets = await loadBuckets(tx, partnerId, Number.isFinite(fromMs) ? new Date(fromMs).toISOString() : '1970-01-01T00:00:00.000Z');
  const rated = rateChain({
    periods: periodsOfBuckets(versions, buckets),
    gameCategories: await loadCategories(tx, partnerId),
    fx,
    carryIn: new Decimal((before?.figures?.carryOut as string | undefined) ?? '0'),
    payableCarryIn: new Decimal((before?.figures?.payableCarryOut as string | undefined) ?? '0'),
  });
  for (const period of rated) await savePeriod(tx, partnerId, period, periods, entry, nowMs);
}

function transactionsIn(entry: PartnerWork, period: RatedPeriod): number {
  let count = 0;
  for (const [startMs, transactions] of entry.transactionsByBucketMs) {
    if (startMs >= period.startMs && startMs < period.endMs) count += transactions;
  }
  return count;
}

async function savePeriod(tx: TransactionSql, partnerId: string, period: RatedPeriod, existing: StoredPeriod[], entry: PartnerWork, nowMs: number): Promise<void> {
  const { startMs: _s, endMs: _e, ...figures } = period;
  const previous = existing.find((stored) => stored.startMs === period.startMs);
  const transactions = transactionsIn(entry, period);
  const figuresJson = JSON.stringify(figures);
  if (previous && JSON.stringify(previous.figures) === figuresJson && transactions === 0) return;
  const status = period.endMs <= nowMs ? 'CLOSING' : 'OPEN';
  const [row] = await tx`
    insert into settlements.periods (id, partner_id, start_at, end_at, status, figures, updated_at)
    values (${previous?.id ?? randomUUID()}, ${partnerId}, ${period.start}, ${period.end}, ${status}, ${tx.json(figures as never)}, now())
    on conflict (partner_id, start_at) do update set end_at = excluded.end_at, figures = excluded.figures, updated_at = now(),
      status = case when settlements.periods.status in ('OPEN', 'CLOSING') then excluded.status else settlements.periods.status end
    returning id`;
  const oldGgr = new Decimal((previous?.figures?.totals as Record<string, string> | undefined)?.ggr ?? '0');
  const oldFee = new Decimal((previous?.figures?.fee as string | undefined) ?? '0');
  const [sequence] = await tx`
    insert into settlements.partner_sequences (partner_id, last_seq) values (${partnerId}, 1)
    on conflict (partner_id) do update set last_seq = settlements.partner_sequences.last_seq + 1 returning last_seq`;
  const payload = {
    change: { transactions, ggr: new Decimal(period.totals.ggr).minus(oldGgr).toFixed(), fee: new Decimal(period.fee).minus(oldFee).toFixed() },
    totals: period.totals,
    fee: period.fee,
    payable: period.payable,
    at: new Date().toISOString(),
  };
  await tx`
    insert into settlements.deltas (partner_id, seq, period_id, payload)
    values (${partnerId}, ${Number(sequence!.last_seq)}, ${row!.id}, ${tx.json(payload as never)})`;
  await tx`select pg_notify(${deltaChannel}, ${partnerId})`;
}
