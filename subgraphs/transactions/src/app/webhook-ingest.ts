import type { Sql } from '@clearhouse/kernel/db/index';
import type { Candidate } from '../domain/index.ts';
import { ingestWithHooks, type IngestDeps, type IngestOutcome } from './ingest.ts';

export const webhookSource = 'JSON_WEBHOOK';
/** Standard Webhooks ids are short; a longer one is refused before anything is stored. */
export const webhookIdCharsMax = 256;

export type WebhookIngestResult = { repeated: true } | { repeated: false; outcome: IngestOutcome };

/**
 * DESIGN.md 3.1: one webhook, idempotent on its webhook-id. The id is recorded in the same transaction
 * as the record, under the partner's lock: either both commit or neither does, so a retry after a crash
 * is ingested, and a repeated id (even one racing the first delivery) has no new effect. That holds for
 * an unparseable body too: it is kept once as MALFORMED, and the provider's retries of it are answered
 * 2xx without adding quarantine records.
 */
export async function ingestWebhook(deps: IngestDeps, partnerId: string, webhookId: string, candidate: Candidate): Promise<WebhookIngestResult> {
  const outcome = await ingestWithHooks(deps, partnerId, [candidate], webhookSource, {
    claim: async (tx) => {
      const claimed = await tx`
        insert into transactions.webhook_ids (partner_id, webhook_id) values (${partnerId}, ${webhookId})
        on conflict do nothing returning webhook_id`;
      return claimed.length === 1;
    },
  });
  return outcome === null ? { repeated: true } : { repeated: false, outcome };
}

/**
 * How long a webhook-id is remembered (default 30 days). A delivery is refused unless its timestamp is
 * within 300 s of now, but a provider's retries re-sign the same webhook-id with a fresh timestamp, for
 * days (Standard Webhooks senders retry for up to about five). Past this age an id is forgotten. The
 * record itself stays idempotent by its transaction id whatever the age, so forgetting an id can never
 * count a transaction twice; a forgotten id of an unparseable body would be quarantined again.
 */
export const webhookIdRetentionMsDefault = 30 * 86_400_000;
/** Ids deleted per statement: a large backlog is pruned in short transactions. */
const webhookIdsPrunedPerStatement = 10_000;

/** Forgets the webhook-ids received longer than `retentionMs` ago (the database's clock); the count removed. */
export async function pruneWebhookIds(sql: Sql, retentionMs: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await sql`
      delete from transactions.webhook_ids where ctid = any(array(
        select ctid from transactions.webhook_ids where received_at < now() - ${retentionMs} * interval '1 millisecond'
        limit ${webhookIdsPrunedPerStatement}))`;
    removed += rows.count;
    if (rows.count < webhookIdsPrunedPerStatement) return removed;
  }
}
