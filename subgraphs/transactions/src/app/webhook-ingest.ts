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
