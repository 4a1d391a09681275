import { quarantineReasons, type BucketDelta, type QuarantineReason } from '@clearhouse/kernel';
import { parseCsvHeader, parseCsvLine } from '../../src/domain/adapters/csv-report.ts';
import { parseWebhookBody } from '../../src/domain/adapters/json-webhook.ts';
import { parseNdjsonBody } from '../../src/domain/adapters/ndjson-batch.ts';
import { parsePollPage } from '../../src/domain/adapters/rest-poll.ts';
import type { Candidate } from '../../src/domain/candidate.ts';
import { ingestInMemory, MemoryStore } from '../../src/domain/memory-store.ts';
import { signStandardWebhook, verifyStandardWebhook } from '../../src/domain/signatures.ts';
import { sumDeltas } from './deltas.ts';
import { gamesOf, readExample, scenario } from './examples.ts';

export const partners = ['NOVA', 'ORBIT', 'LEGACY', 'PULSE'] as const;
export type Partner = (typeof partners)[number];

const webhookSecret = 'whsec_' + Buffer.from('nova-test-secret').toString('base64');

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function nonBlankLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** Each webhook body is signed and verified as the ingest endpoint would, then parsed. */
function webhookCandidate(body: string): Candidate {
  const nowMs = Date.now();
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = signStandardWebhook({ id: 'msg', timestampSeconds: Number(timestamp), body, secret: webhookSecret });
  const check = verifyStandardWebhook({ headers: { id: 'msg', timestamp, signature }, body, secrets: [webhookSecret], nowMs });
  if (!check.ok) throw new Error(`signature rejected: ${check.problem}`);
  return parseWebhookBody(body);
}

/** The partner's wire file as batches of candidates, `size` records per request, page or chunk. */
export function wireBatches(partner: Partner, size: number): Candidate[][] {
  switch (partner) {
    case 'NOVA':
      return chunk(nonBlankLines(readExample('wire/NOVA.webhook.jsonl')).map(webhookCandidate), size);
    case 'ORBIT':
      return chunk(nonBlankLines(readExample('wire/ORBIT.batch.ndjson')), size).map((lines) => parseNdjsonBody(lines.join('\n')));
    case 'LEGACY': {
      const [headerLine = '', ...lines] = readExample('wire/LEGACY.report.csv').split('\n');
      const header = parseCsvHeader(headerLine);
      if (!header.ok) throw new Error(header.problem);
      const candidates = lines.map((line, index) => ({ line, number: index + 2 })).filter(({ line }) => line.trim() !== '');
      return chunk(candidates.map(({ line, number }) => parseCsvLine(header.header, line, number)), size);
    }
    case 'PULSE':
      return chunk(nonBlankLines(readExample('wire/PULSE.poll.jsonl')), size).map((items, index) => {
        const page = parsePollPage(`{"data":[${items.join(',')}],"next_cursor":"c${index + 1}"}`);
        if (!page.ok) throw new Error(page.problem);
        return page.page.candidates;
      });
  }
}

export interface ReplayResult {
  quarantined: Record<QuarantineReason, number>;
  duplicates: number;
  heldRollbacks: string[];
  /** externalId → status of every stored transaction, per partner. */
  stored: Record<string, Record<string, string>>;
  /** Net bucket totals per partner, summed over all events. */
  buckets: Record<string, BucketDelta[]>;
}

/** Replays every partner's wire file in batches of `size`, one MemoryStore per partner. */
export function replayExamples(size: number): ReplayResult {
  const nowMs = Date.parse(scenario.now);
  const quarantined = Object.fromEntries(quarantineReasons.map((reason) => [reason, 0])) as Record<QuarantineReason, number>;
  const result: ReplayResult = { quarantined, duplicates: 0, heldRollbacks: [], stored: {}, buckets: {} };
  for (const partner of partners) {
    const store = new MemoryStore();
    const games = gamesOf(partner);
    const ctx = { nowMs, retentionDays: 400, gameExists: (code: string) => games.has(code) };
    const deltas: BucketDelta[] = [];
    for (const batch of wireBatches(partner, size)) {
      const { event } = ingestInMemory(store, partner, batch, ctx, scenario.now);
      if (event !== null) deltas.push(...event.deltas);
    }
    const memory = store.partner(partner);
    const stats = memory.stats();
    for (const reason of quarantineReasons) quarantined[reason] += stats.quarantined[reason];
    result.duplicates += stats.duplicates;
    result.heldRollbacks.push(...memory.heldRollbacks().map((row) => row.externalId));
    result.stored[partner] = Object.fromEntries(memory.transactions().map((row) => [row.externalId, row.status]));
    result.buckets[partner] = sumDeltas(deltas);
  }
  return result;
}
