import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockStartingAt, topics, type BucketDelta, type CanonicalTransaction, type TransactionKind } from '@clearhouse/kernel';
import { ingestBatch, type IngestDeps, type IngestOutcome } from '../src/app/ingest.ts';
import type { Candidate } from '../src/domain/candidate.ts';
import { ingestInMemory, MemoryStore } from '../src/domain/memory-store.ts';
import { ctx, nowIso, ok, tx } from './support/builders.ts';
import { sumDeltas } from './support/deltas.ts';
import { createPartner, startTestServer, type TestServer } from './support/ingest-server.ts';

/**
 * A large chunk is first decided presuming its ids new, proved by the primary key (ingest.ts,
 * LoadMode 'presumeNew'). Whatever the batches hold (re-sends identical or not, rollbacks of stored,
 * held, cancelled or unknown transactions, rollbacks of rollbacks, unknown games), the database path
 * with the presumption on for every chunk must give, batch by batch, the counts of the in-memory
 * reference, and in the end its stored state and bucket totals. The same runs with the presumption off
 * must agree as well, so a difference points at the presumption and not at the store; and so must the
 * second way of finding held rollbacks (chunk-state.ts, heldScannedMax).
 */

const ids = ['A', 'B', 'C', 'D', 'E', 'F'];
const kinds: TransactionKind[] = ['BET', 'WIN', 'ROLLBACK', 'ROLLBACK', 'JACKPOT_WIN'];

/** Each id has one usual content; a rollback usually matches the amount of the transaction it names. */
const amountOf = (id: string) => `${10 + ids.indexOf(id)}.00`;

const record = fc
  .record({
    id: fc.constantFrom(...ids),
    kind: fc.constantFrom(...kinds),
    refersTo: fc.constantFrom(...ids),
    matches: fc.integer({ min: 0, max: 3 }).map((draw) => draw > 0),
    // Another content under the same id: a DUPLICATE_CONFLICT when both arrive.
    altered: fc.integer({ min: 0, max: 5 }).map((draw) => draw === 0),
    unknownGame: fc.integer({ min: 0, max: 7 }).map((draw) => draw === 0),
    round: fc.constantFrom('R1', 'R2', 'R3'),
  })
  .map(({ id, kind, refersTo, matches, altered, unknownGame, round }): CanonicalTransaction =>
    tx({
      externalId: kind === 'ROLLBACK' ? `RB-${id}-${refersTo}` : id,
      kind,
      refersTo: kind === 'ROLLBACK' ? refersTo : null,
      amount: kind === 'ROLLBACK' && !matches ? '99.00' : amountOf(kind === 'ROLLBACK' ? refersTo : id),
      gameCode: unknownGame ? 'G9' : 'G1',
      roundId: round,
      playerId: altered ? 'P-2' : 'P-1',
    }),
  );

/** Batches drawn from a pool of records, so that identical re-sends are as common as conflicting ones. */
const scenario = fc
  .array(record, { minLength: 1, maxLength: 10 })
  .chain((pool) => fc.array(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }));

interface Observed {
  outcomes: (Omit<IngestOutcome, 'rejected'> & { rejected: string[] })[];
  stored: Record<string, string>;
  buckets: BucketDelta[];
}

function reference(batches: CanonicalTransaction[][]): Observed {
  const store = new MemoryStore();
  const deltas: BucketDelta[] = [];
  const outcomes = batches.map((batch) => {
    const { decision, event } = ingestInMemory(store, 'P', batch.map((record, index) => ok(record, index + 1)), ctx, nowIso);
    if (event !== null) deltas.push(...event.deltas);
    const quarantined = Object.values(decision.counts.quarantined).reduce((total, count) => total + count, 0);
    const rejected = decision.quarantines.map((entry) => `${entry.externalId} ${entry.reason}`);
    return { accepted: decision.counts.accepted, duplicates: decision.counts.duplicates, quarantined, malformed: 0, held: decision.counts.heldRollbacks, rejected };
  });
  const stored = Object.fromEntries(store.partner('P').transactions().map((row) => [row.externalId, row.status]));
  return { outcomes, stored, buckets: sumDeltas(deltas) };
}

describe('deciding a chunk presuming its ids new', () => {
  let server: TestServer;
  let partnerCount = 0;

  beforeAll(async () => {
    server = await startTestServer('presume');
  });
  afterAll(async () => server?.stop());

  interface Way {
    presumeNewRecordsMin: number;
    heldScannedMax?: number;
    planAheadRecordsMin?: number;
  }

  async function throughDatabase(batches: CanonicalTransaction[][], way: Way): Promise<Observed> {
    partnerCount += 1;
    const partnerId = await createPartner(server, { code: `PRESUME${partnerCount}`, adapter: 'NDJSON_BATCH', games: ['G1', 'G2'] });
    const deps: IngestDeps = { ...server.running.deps, clock: clockStartingAt(nowIso), retentionDays: 400, planAheadRecordsMin: Number.MAX_SAFE_INTEGER, ...way };
    const ingest = (batch: CanonicalTransaction[]) => ingestBatch(deps, partnerId, batch.map((record, index): Candidate => ok(record, index + 1)), 'TEST');
    const results = [];
    for (const batch of batches) results.push(await ingest(batch));
    const outcomes = results.map(({ rejected, ...counts }) => ({ ...counts, rejected: rejected.map((entry) => `${entry.externalId} ${entry.reason}`) }));
    const rows = await server.sql`select external_id, status from transactions.transactions where partner_id = ${partnerId} order by external_id`;
    const events = await server.sql`select payload from bus.events where partner_id = ${partnerId} and topic = ${topics.ingestBatch} order by id`;
    return {
      outcomes,
      stored: Object.fromEntries(rows.map((row) => [row.external_id as string, row.status as string])),
      buckets: sumDeltas(events.flatMap((event) => (event.payload as { deltas: BucketDelta[] }).deltas)),
    };
  }

  it('gives the reference counts, stored state and totals, batch by batch, presumption on or off', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (batches) => {
        const expected = reference(batches);
        expect(await throughDatabase(batches, { presumeNewRecordsMin: 0 })).toEqual(expected);
        expect(await throughDatabase(batches, { presumeNewRecordsMin: Number.MAX_SAFE_INTEGER })).toEqual(expected);
        // Held rollbacks found by probing the chunk's ids rather than by reading them all first.
        expect(await throughDatabase(batches, { presumeNewRecordsMin: 0, heldScannedMax: 0 })).toEqual(expected);
        // Each chunk decided ahead of the lock, presumption on and off.
        expect(await throughDatabase(batches, { presumeNewRecordsMin: 0, planAheadRecordsMin: 0 })).toEqual(expected);
        expect(await throughDatabase(batches, { presumeNewRecordsMin: Number.MAX_SAFE_INTEGER, planAheadRecordsMin: 0 })).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  /**
   * A chunk decided ahead of the lock (ingest.ts, ChunkPlan) while another batch of the partner commits
   * between its plan and its lock: the plan must be found stale and the chunk decided again, so the
   * outcome is the reference's for the order in which the batches committed.
   */
  it('decides a planned chunk again when another batch committed after its plan', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), async (batches, overtaken) => {
        for (const presumeNewRecordsMin of [0, Number.MAX_SAFE_INTEGER]) {
          partnerCount += 1;
          const partnerId = await createPartner(server, { code: `PLANNED${partnerCount}`, adapter: 'NDJSON_BATCH', games: ['G1', 'G2'] });
          const base: IngestDeps = { ...server.running.deps, clock: clockStartingAt(nowIso), retentionDays: 400, presumeNewRecordsMin, planAheadRecordsMin: 0 };
          const candidatesOf = (batch: CanonicalTransaction[]) => batch.map((record, index): Candidate => ok(record, index + 1));
          const committed: CanonicalTransaction[][] = [];
          const outcomes: IngestOutcome[] = [];
          for (let at = 0; at < batches.length; at += 1) {
            const batch = batches[at]!;
            const next = batches[at + 1];
            if (overtaken[at] && next !== undefined) {
              // The next batch commits between this batch's plan and its lock.
              let overtaking: IngestOutcome | null = null;
              const deps: IngestDeps = { ...base, afterPlan: async () => { overtaking = await ingestBatch(base, partnerId, candidatesOf(next), 'TEST'); } };
              const own = await ingestBatch(deps, partnerId, candidatesOf(batch), 'TEST');
              committed.push(next, batch);
              outcomes.push(overtaking!, own);
              at += 1;
            } else {
              outcomes.push(await ingestBatch(base, partnerId, candidatesOf(batch), 'TEST'));
              committed.push(batch);
            }
          }
          const expected = reference(committed);
          expect(outcomes.map(({ rejected, ...counts }) => ({ ...counts, rejected: rejected.map((entry) => `${entry.externalId} ${entry.reason}`) }))).toEqual(expected.outcomes);
          const rows = await server.sql`select external_id, status from transactions.transactions where partner_id = ${partnerId} order by external_id`;
          expect(Object.fromEntries(rows.map((row) => [row.external_id as string, row.status as string]))).toEqual(expected.stored);
          const events = await server.sql`select payload from bus.events where partner_id = ${partnerId} and topic = ${topics.ingestBatch} order by id`;
          expect(sumDeltas(events.flatMap((event) => (event.payload as { deltas: BucketDelta[] }).deltas))).toEqual(expected.buckets);
        }
      }),
      { numRuns: 40 },
    );
  });
});
