import { ClearhouseError } from '@clearhouse/kernel';
import type { Candidate } from '../domain/index.ts';
import { parseNdjsonLine, parsePollItem, parseWebhookBody } from '../domain/index.ts';
import { parseCsvHeader, parseCsvLine } from '../domain/index.ts';
import { canonicalCandidate, graphqlSource } from './canonical-input.ts';
import { ingestBatch, type IngestDeps } from './ingest.ts';

export const replayIdsMax = 1000;
const csvHeaderLine = 'TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;RefTxID;Timestamp';

/** Re-parses a quarantined record's raw text with the adapter it came through. */
function reparse(source: string, raw: string, line: number | null): Candidate {
  switch (source) {
    case 'JSON_WEBHOOK':
      return parseWebhookBody(raw);
    case 'NDJSON_BATCH':
      return parseNdjsonLine(raw, line ?? 1);
    case 'REST_POLL':
      return parsePollItem(raw, line ?? undefined);
    case graphqlSource:
      return canonicalCandidate(JSON.parse(raw), line ?? 1);
    case 'CSV_REPORT': {
      const header = parseCsvHeader(csvHeaderLine);
      if (!header.ok) throw new Error(header.problem);
      return parseCsvLine(header.header, raw, line ?? 1);
    }
    default:
      throw new ClearhouseError('BAD_INPUT', `records from ${source} cannot be replayed`);
  }
}

/**
 * Replays quarantined records through every check again, one partner batch at a time. Each replayed
 * record leaves the open quarantine list; one that fails again is quarantined anew with its reason.
 */
export async function replayQuarantined(deps: IngestDeps, ids: string[], canSee: (partnerId: string) => boolean) {
  if (ids.length === 0 || ids.length > replayIdsMax) throw new ClearhouseError('BAD_INPUT', `1 to ${replayIdsMax} ids`);
  const rows = await deps.sql`select * from transactions.quarantine where id = any(${ids}::bigint[]) and replayed_at is null order by id`;
  const visible = rows.filter((row) => canSee(row.partner_id as string));
  const outcomes: { id: string; outcome: string }[] = [];
  const byPartner = new Map<string, typeof visible>();
  for (const row of visible) byPartner.set(row.partner_id as string, [...(byPartner.get(row.partner_id as string) ?? []), row]);
  for (const [partnerId, partnerRows] of byPartner) {
    for (const row of partnerRows) {
      const candidate = reparse(row.source as string, row.raw as string, row.line as number | null);
      const outcome = await ingestBatch(deps, partnerId, [candidate], row.source as string);
      await deps.sql`update transactions.quarantine set replayed_at = now(), replay_outcome = ${describe(outcome)} where id = ${row.id}`;
      outcomes.push({ id: String(row.id), outcome: describe(outcome) });
    }
  }
  return outcomes;
}

function describe(outcome: Awaited<ReturnType<typeof ingestBatch>>): string {
  if (outcome.quarantined > 0) return outcome.rejected[0]?.reason ?? 'QUARANTINED';
  if (outcome.duplicates > 0) return 'DUPLICATE';
  if (outcome.held > 0) return 'HELD';
  return 'ACCEPTED';
}
