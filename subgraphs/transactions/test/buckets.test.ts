import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketStartMs, claimUnseen, countRounds, Decimal, decimalToString } from '@clearhouse/kernel';
import { aggregateBuckets } from '../src/domain/buckets.ts';
import type { Effect } from '../src/domain/decide.ts';
import { ingestInMemory, MemoryStore } from '../src/domain/memory-store.ts';
import { ctx, nowIso, ok, rollbackOf, tx } from './support/builders.ts';

const zero = { cashStake: '0', bonusStake: '0', cashWin: '0', bonusWin: '0', jackpotContribution: '0', jackpotWin: '0' };
const plus = (...targets: ReturnType<typeof tx>[]): Effect[] => targets.map((target) => ({ sign: 1, target }));

describe('aggregateBuckets', () => {
  it('sorts each kind and funding into its measure, per game, currency and 15-minute UTC bucket', () => {
    const at = '2026-11-21T10:14:59.999Z';
    const deltas = aggregateBuckets(
      plus(
        tx({ externalId: 'a', kind: 'BET', funding: 'CASH', amount: '1', occurredAt: at }),
        tx({ externalId: 'b', kind: 'BET', funding: 'BONUS', amount: '2', occurredAt: at }),
        tx({ externalId: 'c', kind: 'WIN', funding: 'CASH', amount: '3', occurredAt: at }),
        tx({ externalId: 'd', kind: 'WIN', funding: 'BONUS', amount: '4', occurredAt: at }),
        tx({ externalId: 'e', kind: 'JACKPOT_CONTRIBUTION', funding: 'BONUS', amount: '5', occurredAt: at }),
        tx({ externalId: 'f', kind: 'JACKPOT_WIN', amount: '6', occurredAt: at }),
      ),
    );
    expect(deltas).toEqual([
      { gameCode: 'G1', currency: 'EUR', bucketStart: '2026-11-21T10:00:00.000Z', cashStake: '1', bonusStake: '2', cashWin: '3', bonusWin: '4', jackpotContribution: '5', jackpotWin: '6', transactions: 6, rounds: 0, roundIds: ['R-1'] },
    ]);
  });

  it('starts a new bucket at each quarter hour and separates games and currencies', () => {
    const deltas = aggregateBuckets(
      plus(
        tx({ externalId: 'a', occurredAt: '2026-11-21T10:15:00.000Z' }),
        tx({ externalId: 'b', occurredAt: '2026-11-21T10:14:59.999Z' }),
        tx({ externalId: 'c', occurredAt: '2026-11-21T10:14:00.000Z', currency: 'USD' }),
        tx({ externalId: 'd', occurredAt: '2026-11-21T10:14:00.000Z', gameCode: 'G2' }),
      ),
    );
    expect(deltas.map((delta) => [delta.bucketStart, delta.gameCode, delta.currency])).toEqual([
      ['2026-11-21T10:00:00.000Z', 'G1', 'EUR'],
      ['2026-11-21T10:00:00.000Z', 'G1', 'USD'],
      ['2026-11-21T10:00:00.000Z', 'G2', 'EUR'],
      ['2026-11-21T10:15:00.000Z', 'G1', 'EUR'],
    ]);
  });

  it('sums exactly, with no binary floating point drift and no rounding of sub-cent digits', () => {
    const [delta] = aggregateBuckets(plus(tx({ externalId: 'a', amount: '0.1' }), tx({ externalId: 'b', amount: '0.2' }), tx({ externalId: 'c', amount: '0.0001' })));
    expect(delta?.cashStake).toBe('0.3001');
    const [huge] = aggregateBuckets(plus(tx({ externalId: 'a', amount: '99999999999999999999999999.99' }), tx({ externalId: 'b', amount: '0.01' })));
    expect(huge?.cashStake).toBe('100000000000000000000000000');
  });

  it('sums any mix of fraction lengths, signs and instants as the Decimal sum, per UTC bucket (property)', () => {
    const amount = fc.oneof(
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 30n - 1n }), fc.integer({ min: 0, max: 18 })).map(([units, digits]) => {
        const text = units.toString().padStart(digits + 1, '0');
        return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
      }),
      // Beyond 18 fraction digits or 30 integer digits the sum moves to Decimal.
      fc.constantFrom('0.0000000000000000001', '1234567890123456789012345678901.5'),
    );
    const effect = fc.record({
      sign: fc.constantFrom(1 as const, -1 as const),
      amount,
      ms: fc.integer({ min: Date.parse('2026-11-21T00:00:00.000Z'), max: Date.parse('2026-11-21T02:00:00.000Z') }),
    });
    fc.assert(
      fc.property(fc.array(effect, { minLength: 1, maxLength: 40 }), (drawn) => {
        const effects: Effect[] = drawn.map(({ sign, amount: text, ms }, index) => ({
          sign,
          target: tx({ externalId: `e${index}`, amount: text, occurredAt: new Date(ms).toISOString() }),
        }));
        const expected = new Map<string, Decimal>();
        for (const { sign, amount: text, ms } of drawn) {
          const start = new Date(bucketStartMs(ms)).toISOString();
          expected.set(start, (expected.get(start) ?? new Decimal(0)).plus(new Decimal(text).times(sign)));
        }
        const actual = aggregateBuckets(effects);
        expect(Object.fromEntries(actual.map((delta) => [delta.bucketStart, delta.cashStake]))).toEqual(
          Object.fromEntries([...expected].map(([start, sum]) => [start, decimalToString(sum)])),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("subtracts a cancelled transaction from its own bucket and takes it out of the transaction count", () => {
    const bet = tx({ externalId: 'a', amount: '5.25', funding: 'BONUS', occurredAt: '2026-11-21T09:59:00.000Z' });
    const deltas = aggregateBuckets([{ sign: -1, target: bet }]);
    expect(deltas).toEqual([{ gameCode: 'G1', currency: 'EUR', bucketStart: '2026-11-21T09:45:00.000Z', ...zero, bonusStake: '-5.25', transactions: -1, rounds: 0, roundIds: [] }]);
  });

  it('reports a bucket whose changes net to zero, so buckets exist whatever the batching', () => {
    const bet = tx({ externalId: 'a' });
    expect(aggregateBuckets([{ sign: 1, target: bet }, { sign: -1, target: bet }])).toEqual([
      { gameCode: 'G1', currency: 'EUR', bucketStart: '2026-11-21T10:00:00.000Z', ...zero, cashStake: '0', transactions: 0, rounds: 0, roundIds: ['R-1'] },
    ]);
  });

  it("names each round once, in the bucket of its first applied transaction, and no round the batch only rolls back", () => {
    const effects: Effect[] = [
      { sign: -1, target: tx({ externalId: 'z', roundId: 'R-0', occurredAt: '2026-11-21T10:01:00.000Z' }) },
      ...plus(
        tx({ externalId: 'a', roundId: 'R-1', occurredAt: '2026-11-21T10:14:00.000Z' }),
        tx({ externalId: 'b', roundId: 'R-1', kind: 'WIN', occurredAt: '2026-11-21T10:16:00.000Z' }),
        tx({ externalId: 'c', roundId: 'R-2', occurredAt: '2026-11-21T10:16:00.000Z' }),
        tx({ externalId: 'd', roundId: 'R-3', occurredAt: '2026-11-21T10:16:00.000Z' }),
      ),
    ];
    expect(aggregateBuckets(effects).map((delta) => [delta.bucketStart, delta.rounds, delta.roundIds])).toEqual([
      ['2026-11-21T10:00:00.000Z', 0, ['R-1']],
      ['2026-11-21T10:15:00.000Z', 0, ['R-2', 'R-3']],
    ]);
  });
});

describe('ingestInMemory', () => {
  it('announces the bucket changes of a batch and names its rounds, which countRounds counts once across batches', () => {
    const store = new MemoryStore();
    const first = ingestInMemory(store, 'P', [ok(tx({ externalId: 'a', amount: '5' }))], ctx, nowIso);
    expect(first.event).toEqual({
      partnerId: 'P',
      receivedAt: nowIso,
      deltas: [{ gameCode: 'G1', currency: 'EUR', bucketStart: '2026-11-21T10:00:00.000Z', ...zero, cashStake: '5', transactions: 1, rounds: 0, roundIds: ['R-1'] }],
    });
    const second = ingestInMemory(store, 'P', [ok(tx({ externalId: 'b', kind: 'WIN', amount: '2' }))], ctx, nowIso);
    expect(second.event?.deltas).toEqual([{ gameCode: 'G1', currency: 'EUR', bucketStart: '2026-11-21T10:00:00.000Z', ...zero, cashWin: '2', transactions: 1, rounds: 0, roundIds: ['R-1'] }]);
    const claim = claimUnseen(new Set());
    expect([first, second].map(({ event }) => countRounds(event!.deltas, claim)[0]!.rounds)).toEqual([1, 0]);
  });

  it('announces nothing for a batch of duplicates, quarantines and held rollbacks', () => {
    const store = new MemoryStore();
    const bet = tx({ externalId: 'a' });
    ingestInMemory(store, 'P', [ok(bet)], ctx, nowIso);
    const { event, decision } = ingestInMemory(store, 'P', [ok(bet), ok(tx({ externalId: 'x', gameCode: 'G9' })), ok(rollbackOf(tx({ externalId: 'later' })))], ctx, nowIso);
    expect(event).toBeNull();
    expect(decision.counts).toMatchObject({ accepted: 1, duplicates: 1, heldRollbacks: 1 });
  });

  it('keeps partners apart in one store', () => {
    const store = new MemoryStore();
    ingestInMemory(store, 'P', [ok(tx({ externalId: 'a' }))], ctx, nowIso);
    const { decision } = ingestInMemory(store, 'Q', [ok(tx({ externalId: 'a', amount: '99' }))], ctx, nowIso);
    expect(decision.counts).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(store.partner('P').stats()).toMatchObject({ accepted: 1 });
    expect(store.partner('Q').stats()).toMatchObject({ accepted: 1 });
  });
});
