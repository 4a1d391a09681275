import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BucketDelta, CanonicalTransaction, TransactionKind } from '@clearhouse/kernel';
import type { Candidate } from '../src/domain/candidate.ts';
import { ingestInMemory, MemoryStore } from '../src/domain/memory-store.ts';
import { ctx, nowIso, ok, tx } from './support/builders.ts';
import { sumDeltas } from './support/deltas.ts';

/**
 * Any order, any repetition and any batching of a record set must end in the same stored state and the
 * same bucket totals as the set sent once, in order, in one batch.
 *
 * That holds only for sets whose outcome does not depend on arrival order, so the generator builds:
 * - originals with unique ids, some for an unknown game (always UNKNOWN_GAME), some never sent;
 * - at most ONE matching rollback per original: two matching rollbacks of one bet are order-dependent in
 *   which of them is quarantined ALREADY_ROLLED_BACK, so that case is left out;
 * - any number of rollbacks that do not match (different amount): whether they meet the original
 *   stored (ROLLBACK_MISMATCH now) or held (ROLLBACK_MISMATCH on release) or after the matching one
 *   (ALREADY_ROLLED_BACK), they end outside the store unless the original never applies, and then held;
 * - rollbacks of the matching rollback, which is always stored in the end (applied or held), so they
 *   are always ROLLBACK_OF_ROLLBACK. Rollbacks of a mismatching rollback are left out: they are held if
 *   the mismatch was quarantined first, and quarantined if the mismatch was still held.
 * Quarantine and duplicate COUNTS legitimately differ (a re-send of a mismatching rollback is a duplicate
 * while held and a new quarantine once it left the store), and so does which bucket gets a round that
 * spans buckets (the bucket of its first applied transaction), so the test compares stored state,
 * bucket sums and transaction counts per bucket, and the total of rounds.
 */

const kinds: TransactionKind[] = ['BET', 'WIN', 'JACKPOT_CONTRIBUTION', 'JACKPOT_WIN'];

const originalSpec = fc.record({
  kind: fc.constantFrom(...kinds),
  bonus: fc.boolean(),
  cents: fc.integer({ min: 0, max: 1_000_000 }),
  currency: fc.constantFrom('EUR', 'USD'),
  minute: fc.integer({ min: 0, max: 59 }),
  round: fc.integer({ min: 0, max: 3 }),
  gameCode: fc.constantFrom('G1', 'G2', 'G9'),
  // Mostly sent; an original never sent leaves its rollbacks held.
  sent: fc.integer({ min: 0, max: 9 }).map((draw) => draw > 0),
  matchingRollback: fc.boolean(),
  matchingRollbackGame: fc.constantFrom('G1', 'G2', 'G9'),
  mismatches: fc.integer({ min: 0, max: 2 }),
  rollbacksOfRollback: fc.integer({ min: 0, max: 1 }),
});

function amountText(cents: number, padding: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}${'0'.repeat(padding)}`;
}

type OriginalSpec = typeof originalSpec extends fc.Arbitrary<infer T> ? T : never;

function recordSet(specs: OriginalSpec[]): CanonicalTransaction[] {
  const records: CanonicalTransaction[] = [];
  specs.forEach((spec, index) => {
    const original = tx({
      externalId: `O${index}`,
      roundId: `R${spec.round}`,
      gameCode: spec.gameCode,
      kind: spec.kind,
      funding: spec.bonus ? 'BONUS' : 'CASH',
      amount: amountText(spec.cents, 0),
      currency: spec.currency,
      occurredAt: new Date(Date.parse('2026-11-21T10:00:00.000Z') + spec.minute * 60_000).toISOString(),
    });
    if (spec.sent) records.push(original);
    const rollback = (id: string, refersTo: string, overrides: Partial<CanonicalTransaction> = {}) =>
      tx({ ...original, externalId: id, kind: 'ROLLBACK', refersTo, occurredAt: '2026-11-21T11:00:00.000Z', ...overrides });
    if (spec.matchingRollback) {
      // Same value written differently: amounts are compared by value.
      records.push(rollback(`RB${index}`, original.externalId, { amount: amountText(spec.cents, 2), gameCode: spec.matchingRollbackGame }));
      for (let r = 0; r < spec.rollbacksOfRollback; r += 1) records.push(rollback(`RR${index}.${r}`, `RB${index}`));
    }
    for (let m = 0; m < spec.mismatches; m += 1) records.push(rollback(`M${index}.${m}`, original.externalId, { amount: amountText(spec.cents + 1 + m, 0) }));
  });
  return records;
}

interface Outcome {
  stored: Record<string, string>;
  buckets: Omit<BucketDelta, 'rounds'>[];
  rounds: number;
}

function ingest(records: CanonicalTransaction[], batchSizes: number[]): Outcome {
  const store = new MemoryStore();
  const deltas: BucketDelta[] = [];
  const candidates: Candidate[] = records.map((record) => ok(record));
  for (let start = 0, batch = 0; start < candidates.length; batch += 1) {
    const size = batchSizes.length === 0 ? candidates.length : batchSizes[batch % batchSizes.length]!;
    const { event } = ingestInMemory(store, 'P', candidates.slice(start, start + size), ctx, nowIso);
    if (event !== null) deltas.push(...event.deltas);
    start += size;
  }
  const summed = sumDeltas(deltas);
  const stored = Object.fromEntries(store.partner('P').transactions().map((row) => [row.externalId, row.status] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    stored,
    buckets: summed.map(({ rounds: _rounds, ...sums }) => sums),
    rounds: summed.reduce((total, delta) => total + delta.rounds, 0),
  };
}

describe('arrival order', () => {
  it('does not change the stored state or the bucket totals: any shuffle, repeats and batching equal the set sent once in order', () => {
    const scenario = fc
      .array(originalSpec, { minLength: 1, maxLength: 8 })
      .map(recordSet)
      .chain((records) =>
        fc.record({
          records: fc.constant(records),
          repeated: fc.array(fc.nat({ max: Math.max(0, records.length - 1) }), { maxLength: 8 }),
          batchSizes: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }),
        }),
      )
      .chain(({ records, repeated, batchSizes }) => {
        const withRepeats = [...records, ...repeated.filter((index) => index < records.length).map((index) => records[index]!)];
        return fc.record({
          records: fc.constant(records),
          arrival: fc.shuffledSubarray(withRepeats, { minLength: withRepeats.length, maxLength: withRepeats.length }),
          batchSizes: fc.constant(batchSizes),
        });
      });
    fc.assert(
      fc.property(scenario, ({ records, arrival, batchSizes }) => {
        expect(ingest(arrival, batchSizes)).toEqual(ingest(records, []));
      }),
      { numRuns: 500 },
    );
  });
});
