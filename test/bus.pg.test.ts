import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStartMs, claimUnseen, countRounds, Decimal, systemClock, topics, type BucketDelta } from '@clearhouse/kernel';
import { appendEvents, connect, postgresExecutor, readEvents, type Sql, startConsumer } from '@clearhouse/kernel/db/index';
import { ingestBatch } from '../subgraphs/transactions/src/app/ingest.ts';
import { parseNdjsonLine } from '../subgraphs/transactions/src/domain/index.ts';
import { freshDatabase } from './support/database.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Rollback extends Error {}

interface Writer {
  events: number;
  slowMs: number;
  rollback: boolean;
}

/** Writers as fast-check draws them: several events each, some slow inside their transaction, some rolled back. */
const writersArbitrary = fc.array(fc.record({ events: fc.integer({ min: 1, max: 4 }), slowMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })), rollback: fc.boolean() }), { minLength: 20, maxLength: 40 });

/**
 * Runs the writers concurrently while a follower reads by increasing id, `readMax` at a time, exactly as
 * a consumer does. Returns the ids the follower saw, in order, and the ids that committed.
 */
async function race(sql: Sql, writers: Writer[], append: (tx: Sql, count: number) => Promise<number[]>, readMax = 3) {
  const committed: number[] = [];
  let writing = writers.length;
  const runs = writers.map(async (writer) => {
    try {
      await sql.begin(async (tx) => {
        const ids = await append(tx as unknown as Sql, writer.events);
        if (writer.slowMs > 0) await tx`select pg_sleep(${writer.slowMs / 1000})`;
        if (writer.rollback) throw new Rollback();
        return ids;
      }).then((ids) => committed.push(...(ids as number[])));
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    } finally {
      writing -= 1;
    }
  });
  const seen: number[] = [];
  const follow = (async () => {
    let afterId = 0;
    for (;;) {
      const done = writing === 0;
      const events = await readEvents(sql, afterId, null, readMax);
      for (const event of events) seen.push(event.id);
      afterId = events.at(-1)?.id ?? afterId;
      if (events.length === 0) {
        if (done) return;
        await sleep(2);
      }
    }
  })();
  await Promise.all([...runs, follow]);
  return { seen, committed: committed.sort((a, b) => a - b) };
}

describe('the bus under concurrent writers', () => {
  let sql: Sql;

  beforeAll(async () => {
    sql = connect(await freshDatabase('bus'), { max: 50 });
  });
  afterAll(async () => sql?.end());

  const kernelAppend = (tx: Sql, count: number) =>
    appendEvents(postgresExecutor(tx), Array.from({ length: count }, (_, index) => ({ topic: topics.ingestBatch, partnerId: null, payload: { index } })));

  it('lets a follower reading by increasing id see every committed event once, in id order, with gap-free ids, however writers interleave', async () => {
    await fc.assert(
      fc.asyncProperty(writersArbitrary, async (writers) => {
        const [head] = await sql`select last_id from bus.event_head`;
        const start = Number(head!.last_id);
        const { seen, committed } = await race(sql, writers, kernelAppend);
        const fresh = seen.filter((id) => id > start);
        expect(fresh).toEqual(committed);
        // Rolled-back appends give their ids back: the committed ids are consecutive.
        expect(committed).toEqual(committed.map((_, index) => start + index + 1));
      }),
      { numRuns: 8 },
    );
  });

  it('lets the kernel consumer apply every event exactly once while writers race', async () => {
    await sql`create table public.applied (id bigint primary key)`;
    const consumer = await startConsumer({
      sql,
      name: 'bus-test',
      offsetsTable: 'transactions.consumer_offsets',
      topics: [topics.ingestBatch],
      batchMax: 5,
      pollIntervalMs: 20,
      // A second application of an event would violate the primary key and fail the batch.
      handle: async (tx, events) => {
        await tx`insert into public.applied (id) select unnest(${events.map((event) => event.id)}::bigint[])`;
      },
    });
    try {
      const writers = fc.sample(writersArbitrary, { numRuns: 1, seed: 42 })[0]!;
      const { committed } = await race(sql, writers, kernelAppend);
      await consumer.drain();
      const applied = await sql`select id from public.applied order by id`;
      const all = await sql`select id from bus.events where topic = ${topics.ingestBatch} order by id`;
      expect(applied.map((row) => Number(row.id))).toEqual(all.map((row) => Number(row.id)));
      expect(committed.every((id) => applied.some((row) => Number(row.id) === id))).toBe(true);
    } finally {
      await consumer.stop();
    }
  });

  it('would let the follower skip a late commit if ids came from a sequence (the control: this test sees skips)', async () => {
    await sql`create sequence public.naive_ids`;
    await sql`create table public.naive_events (id bigint primary key, payload jsonb not null)`;
    const naiveAppend = async (tx: Sql, count: number) => {
      const rows = await tx`insert into public.naive_events (id, payload) select nextval('public.naive_ids'), '{}' from generate_series(1, ${count}) returning id`;
      return rows.map((row) => Number(row.id));
    };
    const readNaive = async (afterId: number, limit: number) =>
      (await sql`select id from public.naive_events where id > ${afterId} order by id limit ${limit}`).map((row) => Number(row.id));
    const committed: number[] = [];
    const seen: number[] = [];
    const slow = sql.begin(async (tx) => {
      committed.push(...(await naiveAppend(tx as unknown as Sql, 1)));
      await tx`select pg_sleep(0.3)`;
    });
    await sleep(50);
    await sql.begin(async (tx) => committed.push(...(await naiveAppend(tx as unknown as Sql, 1))));
    let afterId = 0;
    for (const id of await readNaive(afterId, 10)) (seen.push(id), (afterId = id));
    await slow;
    for (const id of await readNaive(afterId, 10)) seen.push(id);
    expect(seen).not.toEqual(committed.sort((a, b) => a - b));
  });
});

interface PoolRecord {
  id: string;
  line: string;
}

/** Bets, wins and rollbacks (some before their original) of one partner, as ndjson-batch lines. */
function recordPool(size: number, seedMs: number): PoolRecord[] {
  const records: PoolRecord[] = [];
  for (let index = 0; index < size; index += 1) {
    const id = `T-${index}`;
    const rollbackOf = index % 7 === 6 ? `T-${index - 3}` : index % 11 === 10 ? `T-${index + 2}` : null;
    const kind = rollbackOf !== null ? 'ROLLBACK' : index % 3 === 2 ? 'WIN' : 'BET';
    const amount = rollbackOf !== null ? `${1 + ((Number(rollbackOf.slice(2)) % 9) + 0.25)}` : `${1 + (index % 9) + 0.25}`;
    const ts = seedMs + (rollbackOf !== null ? Number(rollbackOf.slice(2)) : index) * 97_000;
    records.push({ id, line: JSON.stringify({ id, round: `R-${Math.floor(index / 4)}`, player: 'u', game: `G${index % 3}`, kind, amount, ccy: 'EUR', bonus: index % 5 === 0 ? 1 : 0, ref: rollbackOf, ts }) });
  }
  return records;
}

describe('concurrent ingest of overlapping batches on one partner', () => {
  let sql: Sql;

  beforeAll(async () => {
    sql = connect(await freshDatabase('ingestrace'), { max: 20 });
  });
  afterAll(async () => sql?.end());

  it('never double-counts: the bucket deltas announced sum to the stored APPLIED transactions', async () => {
    const seedMs = Date.now() - 5 * 86_400_000;
    const pool = recordPool(240, seedMs);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.subarray(pool, { minLength: 20, maxLength: 120 }), { minLength: 6, maxLength: 12 }), async (batches) => {
        const partnerId = randomUUID();
        await sql`insert into transactions.ingest_stats (partner_id) values (${partnerId})`;
        await sql`insert into transactions.games (partner_id, code) values (${partnerId}, 'G0'), (${partnerId}, 'G1'), (${partnerId}, 'G2')`;
        const deps = { sql, clock: systemClock, retentionDays: 400 };
        await Promise.all(batches.map((batch) => ingestBatch(deps, partnerId, batch.map((record, index) => parseNdjsonLine(record.line, index + 1)), 'NDJSON_BATCH')));

        const events = await sql`select payload from bus.events where partner_id = ${partnerId} and topic = ${topics.ingestBatch} order by id`;
        const announced = new Map<string, { cashStake: Decimal; bonusStake: Decimal; cashWin: Decimal; bonusWin: Decimal; transactions: number; rounds: number }>();
        const claim = claimUnseen(new Set());
        for (const { payload } of events) {
          for (const delta of countRounds((payload as { deltas: BucketDelta[] }).deltas, claim)) {
            const key = `${delta.bucketStart}|${delta.gameCode}|${delta.currency}`;
            const total = announced.get(key) ?? { cashStake: new Decimal(0), bonusStake: new Decimal(0), cashWin: new Decimal(0), bonusWin: new Decimal(0), transactions: 0, rounds: 0 };
            total.cashStake = total.cashStake.plus(delta.cashStake);
            total.bonusStake = total.bonusStake.plus(delta.bonusStake);
            total.cashWin = total.cashWin.plus(delta.cashWin);
            total.bonusWin = total.bonusWin.plus(delta.bonusWin);
            total.transactions += delta.transactions;
            total.rounds += delta.rounds;
            announced.set(key, total);
          }
        }
        const rows = await sql`
          select game_code, currency, occurred_at, kind, funding, amount::text from transactions.transactions
          where partner_id = ${partnerId} and status = 'APPLIED' and kind <> 'ROLLBACK'`;
        const stored = new Map<string, { cashStake: Decimal; bonusStake: Decimal; cashWin: Decimal; bonusWin: Decimal; transactions: number }>();
        for (const row of rows) {
          const key = `${new Date(bucketStartMs((row.occurred_at as Date).getTime())).toISOString()}|${row.game_code}|${row.currency}`;
          const total = stored.get(key) ?? { cashStake: new Decimal(0), bonusStake: new Decimal(0), cashWin: new Decimal(0), bonusWin: new Decimal(0), transactions: 0 };
          const field = `${row.funding === 'BONUS' ? 'bonus' : 'cash'}${row.kind === 'BET' ? 'Stake' : 'Win'}` as 'cashStake';
          total[field] = total[field].plus(row.amount as string);
          total.transactions += 1;
          stored.set(key, total);
        }
        for (const [key, total] of announced) {
          const expected = stored.get(key) ?? { cashStake: new Decimal(0), bonusStake: new Decimal(0), cashWin: new Decimal(0), bonusWin: new Decimal(0), transactions: 0 };
          expect([key, total.cashStake.toFixed(), total.bonusStake.toFixed(), total.cashWin.toFixed(), total.bonusWin.toFixed(), total.transactions]).toEqual([
            key, expected.cashStake.toFixed(), expected.bonusStake.toFixed(), expected.cashWin.toFixed(), expected.bonusWin.toFixed(), expected.transactions,
          ]);
        }
        expect([...stored.keys()].every((key) => announced.has(key))).toBe(true);
        // Every round a stored original was applied in is named, and counted once as the consumer counts them.
        const [rounds] = await sql`
          select count(distinct round_id)::int as count from transactions.transactions
          where partner_id = ${partnerId} and kind <> 'ROLLBACK' and status in ('APPLIED', 'CANCELLED')`;
        expect([...announced.values()].reduce((sum, total) => sum + total.rounds, 0)).toBe(rounds!.count);
        const [stats] = await sql`select accepted::int, duplicates::int, quarantined::int from transactions.ingest_stats where partner_id = ${partnerId}`;
        const [count] = await sql`select count(*)::int as count from transactions.transactions where partner_id = ${partnerId}`;
        expect(stats!.accepted).toBe(count!.count);
        expect(stats!.accepted + stats!.duplicates + stats!.quarantined).toBe(batches.reduce((sum, batch) => sum + batch.length, 0));
      }),
      { numRuns: 6 },
    );
  });
});
