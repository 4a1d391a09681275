import { type GamesRegisteredEvent, type IngestSecretRotatedEvent, type PartnerUpsertedEvent, topics } from '@clearhouse/kernel';
import type { BusEvent, TransactionSql } from '@clearhouse/kernel/db/index';

/** The topics of the partners subgraph this subgraph keeps its own copy of. */
export const partnerTopics = [topics.partnerUpserted, topics.gamesRegistered, topics.ingestSecretRotated] as const;

/** Applies partner events to this subgraph's copy (partners, catalogue, ingest secrets). */
export async function applyPartnerEvents(tx: TransactionSql, events: BusEvent[]): Promise<void> {
  for (const event of events) {
    switch (event.topic) {
      case topics.partnerUpserted: {
        const partner = event.payload as PartnerUpsertedEvent;
        await tx`
          insert into transactions.partners (partner_id, code, timezone, adapter, created_at)
          values (${partner.partnerId}, ${partner.code}, ${partner.timezone}, ${tx.json(partner.adapter as never)}, ${partner.createdAt})
          on conflict (partner_id) do update set code = excluded.code, timezone = excluded.timezone, adapter = excluded.adapter`;
        await tx`insert into transactions.ingest_stats (partner_id) values (${partner.partnerId}) on conflict do nothing`;
        break;
      }
      case topics.gamesRegistered: {
        const registered = event.payload as GamesRegisteredEvent;
        const codes = registered.games.map((game) => game.code);
        await tx`
          insert into transactions.games (partner_id, code)
          select ${registered.partnerId}, unnest(${codes}::text[]) on conflict do nothing`;
        break;
      }
      case topics.ingestSecretRotated: {
        const rotated = event.payload as IngestSecretRotatedEvent;
        await tx`update transactions.partners set secrets = ${rotated.secrets} where partner_id = ${rotated.partnerId}`;
        break;
      }
      default:
        break;
    }
  }
}
