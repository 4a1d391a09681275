import {
  dec, topics,
  type ContractTermsSetEvent, type FxRateSetEvent, type GamesRegisteredEvent, type IngestBatchEvent, type PartnerUpsertedEvent,
} from '@clearhouse/kernel';
import type { BusEvent, TransactionSql } from '@clearhouse/kernel/db/index';
import { lockDeltaWriter } from '../infra/delta-store.ts';
import { loadFxTable } from '../infra/store.ts';
import type { FixingCorrection } from './fx-corrections.ts';
import { emptyWork, settlePartner, type PartnerWork } from './settle-partner.ts';

export const settlementTopics = [
  topics.partnerUpserted, topics.gamesRegistered, topics.contractTermsSet, topics.fxRateSet, topics.ingestBatch,
] as const;
export { deltaChannel } from '../infra/delta-store.ts';

function workOf(work: Map<string, PartnerWork>, partnerId: string): PartnerWork {
  let entry = work.get(partnerId);
  if (!entry) {
    entry = emptyWork();
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
  // First, before any partner's row is locked: see lockDeltaWriter.
  await lockDeltaWriter(tx);
  const work = new Map<string, PartnerWork>();
  const corrections = new Map<string, FixingCorrection>();
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
        await noteCorrection(tx, corrections, fixing);
        await tx`
          insert into settlements.fx_rates (date, currency, rate) values (${fixing.date}, ${fixing.currency}, ${fixing.rate})
          on conflict (date, currency) do update set rate = excluded.rate`;
        fxChanged = true;
        break;
      }
      case topics.ingestBatch: {
        const batch = event.payload as IngestBatchEvent;
        const entry = workOf(work, batch.partnerId);
        entry.arrivals.push({
          receivedAtMs: Date.parse(batch.receivedAt),
          deltas: batch.deltas.map((delta) => ({ ...delta, bucketStart: new Date(delta.bucketStart).toISOString() })),
        });
        break;
      }
      default:
        break;
    }
  }
  if (fxChanged) {
    // A new or corrected fixing may clear FX-pending buckets or change conversions of any open period.
    const partners = await tx`select partner_id from settlements.partners`;
    for (const row of partners) {
      const entry = workOf(work, row.partner_id as string);
      rerateAll(entry);
      entry.fxChanged = true;
    }
  }
  if (work.size === 0) return;
  const context = { fx: await loadFxTable(tx), nowMs, corrections: [...corrections.values()] };
  for (const partnerId of [...work.keys()].sort()) await settlePartner(tx, partnerId, work.get(partnerId)!, context);
}

/** A fixing that replaces a different stored rate is a correction (the first old rate of the batch counts). */
async function noteCorrection(tx: TransactionSql, corrections: Map<string, FixingCorrection>, fixing: FxRateSetEvent): Promise<void> {
  const key = `${fixing.date} ${fixing.currency}`;
  const noted = corrections.get(key);
  if (noted !== undefined) {
    noted.newRate = fixing.rate;
    return;
  }
  const [stored] = await tx`select rate::text as rate from settlements.fx_rates where date = ${fixing.date} and currency = ${fixing.currency}`;
  if (stored !== undefined && !dec(stored.rate as string).equals(dec(fixing.rate))) {
    corrections.set(key, { date: fixing.date, currency: fixing.currency, oldRate: stored.rate as string, newRate: fixing.rate });
  }
}
