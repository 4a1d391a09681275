import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { topics, type BucketDelta } from '@clearhouse/kernel';
import { connect, migrate, withDatabase } from '@clearhouse/kernel/db/index';
import { delta, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

const at = '2026-03-02T12:00:00Z';
const named = (bucketStart: string, roundIds: string[], transactions = roundIds.length): BucketDelta =>
  delta(bucketStart, { cashStake: '1', transactions, rounds: 0, roundIds });

/** DESIGN.md 5.2: each round counts once per partner, in the bucket of its first applied transaction. */
describe('the settlements consumer counting the rounds that ingest batches name', () => {
  let db: SettlementsDb;

  beforeAll(async () => {
    db = await settlementsDb('rounds');
  });
  afterAll(async () => db?.stop());

  const roundsOf = async (partnerId: string) =>
    Object.fromEntries(
      (await db.sql`select bucket_start, rounds::int from settlements.buckets where partner_id = ${partnerId} order by bucket_start`).map((row) => [
        (row.bucket_start as Date).toISOString().slice(11, 16),
        row.rounds as number,
      ]),
    );
  const ingest = (partnerId: string, deltas: BucketDelta[]) => ({ topic: topics.ingestBatch, payload: { partnerId, receivedAt: at, deltas } });

  it('counts a round once, in the first batch and bucket that names it, within one consumer batch and across batches', async () => {
    const partnerId = await db.partner('ROUNDS');
    await db.apply([
      ingest(partnerId, [named('2026-03-02T10:00:00Z', ['R1', 'R2'])]),
      ingest(partnerId, [named('2026-03-02T10:15:00Z', ['R1', 'R3']), named('2026-03-02T10:30:00Z', ['R3', 'R4'])]),
    ], at);
    expect(await roundsOf(partnerId)).toEqual({ '10:00': 2, '10:15': 1, '10:30': 1 });
    await db.apply([ingest(partnerId, [named('2026-03-02T10:00:00Z', ['R4', 'R5']), named('2026-03-02T10:45:00Z', ['R2'])])], at);
    expect(await roundsOf(partnerId)).toEqual({ '10:00': 3, '10:15': 1, '10:30': 1, '10:45': 0 });
    const stored = await db.sql`select round_id from settlements.rounds where partner_id = ${partnerId} order by round_id`;
    expect(stored.map((row) => row.round_id)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
  });

  it("keeps partners' rounds apart: the same round id is another partner's round", async () => {
    const [first, second] = [await db.partner('ROUNDS-P'), await db.partner('ROUNDS-Q')];
    await db.apply([ingest(first, [named('2026-03-02T10:00:00Z', ['SHARED'])]), ingest(second, [named('2026-03-02T10:00:00Z', ['SHARED'])])], at);
    expect([await roundsOf(first), await roundsOf(second)]).toEqual([{ '10:00': 1 }, { '10:00': 1 }]);
  });

  it('adds the rounds an event already counted (written before the consumer counted them) as they are', async () => {
    const partnerId = await db.partner('ROUNDS-OLD');
    await db.apply([ingest(partnerId, [delta('2026-03-02T10:00:00Z', { rounds: 2 }), named('2026-03-02T10:15:00Z', ['N1'])])], at);
    expect(await roundsOf(partnerId)).toEqual({ '10:00': 2, '10:15': 1 });
  });

  it('keeps no round of a consumer batch that rolled back', async () => {
    const partnerId = await db.partner('ROUNDS-FAIL');
    // The amount fails once the rounds are inserted, when the deltas are added to the buckets.
    const broken = ingest(partnerId, [{ ...named('2026-03-02T10:15:00Z', ['F2']), cashStake: 'not an amount' }]);
    await expect(db.apply([ingest(partnerId, [named('2026-03-02T10:00:00Z', ['F1'])]), broken], at)).rejects.toThrow();
    expect(await db.sql`select round_id from settlements.rounds where partner_id = ${partnerId}`).toEqual([]);
    await db.apply([ingest(partnerId, [named('2026-03-02T10:00:00Z', ['F1'])])], at);
    expect(await roundsOf(partnerId)).toEqual({ '10:00': 1 });
  });
});

describe('Migration0005Rounds', () => {
  it('brings the rounds the transactions subgraph had seen along, so that none counts again', async () => {
    const admin = connect(inject('adminDatabaseUrl'), { max: 1 });
    const name = `clearhouse_test_rounds_migration_${randomBytes(3).toString('hex')}_${process.pid}`;
    await admin.unsafe(`create database ${name}`);
    const url = withDatabase(inject('templateDatabaseUrl'), name);
    const sql = connect(url, { max: 2 });
    try {
      expect(await migrate(url, { to: 'Migration0004Fx' })).not.toContain('Migration0005Rounds');
      const partnerId = randomUUID();
      await sql`insert into transactions.rounds (partner_id, round_id) values (${partnerId}, 'SEEN-1'), (${partnerId}, 'SEEN-2')`;
      expect(await migrate(url, { to: 'Migration0005Rounds' })).toEqual(['Migration0005Rounds']);
      const moved = await sql`select round_id from settlements.rounds where partner_id = ${partnerId} order by round_id`;
      expect(moved.map((row) => row.round_id)).toEqual(['SEEN-1', 'SEEN-2']);
      const [left] = await sql`select to_regclass('transactions.rounds') as name`;
      expect(left!.name).toBeNull();
    } finally {
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
