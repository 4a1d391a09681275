import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantineReasons, topics, type BucketDelta } from '@clearhouse/kernel';
import { adapterTypeOf } from '../src/app/ingest-partners.ts';
import { quarantineSummary } from '../src/app/queries.ts';
import { sumDeltas } from './support/deltas.ts';
import { expected, readExample, scenario } from './support/examples.ts';
import { startFakeProvider, type FakeProvider } from './support/fake-provider.ts';
import { batchHeaders, createPartner, gatewaySecret, post, startTestServer, type TestServer, uploaderHeaders, webhookHeaders } from './support/ingest-server.ts';
import { replayExamples } from './support/replay.ts';

const secrets: Record<string, string> = {
  NOVA: 'whsec_' + Buffer.from('nova-examples-secret').toString('base64'),
  ORBIT: 'orbit-examples-secret',
};
const pulseKey = 'pulse-examples-key';
const scenarioPartners = (scenario as unknown as { partners: { code: string; adapter: string }[] }).partners;

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

describe('shared/examples/basic replayed over HTTP through the four adapters', () => {
  let server: TestServer;
  let provider: FakeProvider;
  const partnerIds: Record<string, string> = {};
  const statuses: Record<string, number[]> = { NOVA: [], ORBIT: [], LEGACY: [] };

  beforeAll(async () => {
    server = await startTestServer('exampleshttp', {
      clockAt: scenario.now,
      ingest: { gatewaySecrets: gatewaySecret, rateLimit: { burst: 100_000, perSecond: 100_000 } },
      poller: { scheduled: false, pageItemsMax: 100 },
    });
    provider = await startFakeProvider(pulseKey, lines(readExample('wire/PULSE.poll.jsonl')));
    for (const partner of scenarioPartners) {
      const adapter = adapterTypeOf(partner.adapter)!;
      partnerIds[partner.code] = await createPartner(server, {
        code: partner.code,
        adapter,
        secrets: secrets[partner.code] === undefined ? [] : [secrets[partner.code]!],
        games: scenario.games.filter((game) => game.partner === partner.code).map((game) => game.code),
        ...(adapter === 'REST_POLL' ? { poll: { url: provider.url, apiKey: pulseKey, intervalSeconds: 3600 } } : {}),
      });
    }

    // NOVA: one signed request per line, in file order.
    for (const [index, body] of lines(readExample('wire/NOVA.webhook.jsonl')).entries()) {
      statuses.NOVA!.push((await post(server.url('/ingest/NOVA/webhook'), body, webhookHeaders(body, secrets.NOVA!, { id: `nova-${index}` }))).status);
    }
    // ORBIT: a few signed batches, in file order.
    const orbit = lines(readExample('wire/ORBIT.batch.ndjson'));
    for (let at = 0; at < orbit.length; at += 500) {
      const body = orbit.slice(at, at + 500).join('\n');
      statuses.ORBIT!.push((await post(server.url('/ingest/ORBIT/batch'), body, batchHeaders(body, secrets.ORBIT!))).status);
    }
    // LEGACY: the report file itself, uploaded by an OPS user.
    const report = Buffer.from(readExample('wire/LEGACY.report.csv'), 'utf8');
    statuses.LEGACY!.push((await post(server.url('/ingest/LEGACY/file'), report, uploaderHeaders(['OPS']))).status);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await provider?.close();
  });

  it('answers every webhook, batch and upload 200, or 400 where a record could not be parsed', () => {
    expect(statuses.NOVA!.filter((status) => status !== 200 && status !== 400)).toEqual([]);
    expect(statuses.NOVA!.filter((status) => status === 400)).toHaveLength(8);
    expect(statuses.ORBIT!.every((status) => status === 200 || status === 400)).toBe(true);
    expect(statuses.LEGACY).toEqual([400]);
  });

  it('polls PULSE from the fake provider page by page until it has nothing new', async () => {
    const result = await server.running.poller!.pollNow(partnerIds.PULSE!);
    expect(result).toMatchObject({ ok: true, outcome: { accepted: expect.any(Number) } });
    expect(provider.requests.at(-1)!.cursor).toBe(`c${provider.items.length}`);
    expect(await server.running.poller!.pollNow(partnerIds.PULSE!)).toMatchObject({ ok: true, pages: 1, outcome: { accepted: 0, duplicates: 0 } });
  });

  it('counts exactly the duplicates of expected.json', async () => {
    const [row] = await server.sql`select sum(duplicates)::int as duplicates from transactions.ingest_stats`;
    expect(row!.duplicates).toBe(expected.duplicates);
    expect(expected.duplicates).toBe(250);
  });

  it('quarantines exactly the records of expected.json, per reason (quarantineSummary)', async () => {
    const counts = Object.fromEntries(quarantineReasons.map((reason) => [reason, 0]));
    for (const partnerId of Object.values(partnerIds)) {
      for (const { reason, count } of await quarantineSummary(server.sql, partnerId)) counts[reason] = (counts[reason] ?? 0) + count;
    }
    expect(counts).toEqual(Object.fromEntries(quarantineReasons.map((reason) => [reason, expected.quarantine[reason] ?? 0])));
  });

  it('holds exactly the rollbacks of expected.json at the end', async () => {
    const held = await server.sql`select external_id from transactions.transactions where status = 'HELD' order by external_id`;
    expect(held.map((row) => row.external_id)).toEqual(expected.heldRollbacks);
  });

  it('stores the same transactions and announces the same bucket totals as the in-memory reference replay', async () => {
    const reference = replayExamples(500);
    for (const [code, partnerId] of Object.entries(partnerIds)) {
      const rows = await server.sql`select external_id, status from transactions.transactions where partner_id = ${partnerId}`;
      expect(Object.fromEntries(rows.map((row) => [row.external_id, row.status]))).toEqual(reference.stored[code]);
      const events = await server.sql`select payload from bus.events where topic = ${topics.ingestBatch} and partner_id = ${partnerId} order by id`;
      const deltas = events.flatMap((event) => (event.payload as { deltas: BucketDelta[] }).deltas);
      expect(sumDeltas(deltas)).toEqual(reference.buckets[code]);
    }
  });

  it('logged no error during the replay', () => {
    expect(server.errors).toEqual([]);
  });
});
