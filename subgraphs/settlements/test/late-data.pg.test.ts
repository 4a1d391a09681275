import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../src/app/period-lifecycle.ts';
import { buildPeriodStatement } from '../src/app/statement-of.ts';
import { loadPeriodRecord } from '../src/infra/period-records.ts';
import { alice, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

/** DESIGN.md 5.5: a closed statement never changes; late data counts in the first open period. */
describe('late data for a closed period', () => {
  let db: SettlementsDb;
  let partnerId: string;
  let august: { id: string; figures: unknown; statement: unknown };

  beforeAll(async () => {
    db = await settlementsDb('late-data');
    partnerId = await db.partner('NOVA');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: '2026-08-10T10:00:00Z', cashStake: '1000', cashWin: '400' }]);
    await db.ingest(partnerId, '2026-09-01T08:05:00Z', [{ bucketStart: '2026-09-01T08:00:00Z', cashStake: '50' }]);
    const [first] = await db.periods(partnerId);
    await closePeriod(db.sql, first!.id, alice, Date.parse('2026-09-02T00:00:00Z'));
    august = (await db.periods(partnerId))[0]!;
  });
  afterAll(async () => db?.stop());

  it('leaves the closed statement and its figures exactly as they were', async () => {
    await db.ingest(partnerId, '2026-09-03T12:01:00Z', [{ bucketStart: '2026-08-15T09:00:00Z', cashStake: '300', cashWin: '100', transactions: 2 }]);
    const [after] = await db.periods(partnerId);
    expect(after).toEqual(august);
  });

  it('counts the late data in the first open period, dated at its arrival', async () => {
    const [, september] = await db.periods(partnerId);
    expect(september!.figures.totals.ggr).toBe('250');
    const counted = await db.sql`select bucket_start from settlements.buckets where partner_id = ${partnerId} and cash_stake = 300`;
    expect((counted[0]!.bucket_start as Date).toISOString()).toBe('2026-09-03T12:00:00.000Z');
  });

  it('lists it as a prior-period adjustment on the statement of the period it counts in', async () => {
    const [, september] = await db.periods(partnerId);
    const statement = await buildPeriodStatement(db.sql, (await loadPeriodRecord(db.sql, september!.id))!, 'OPEN', Date.now());
    const prior = statement.lines.filter((line) => line.section === 'PRIOR_PERIOD');
    expect(prior).toHaveLength(1);
    expect(prior[0]).toMatchObject({ amount: '200', currency: 'EUR' });
    expect(prior[0]!.description).toContain('2026-08-15T09:00:00.000Z');
    const [row] = await db.sql`select original_period_id from settlements.prior_period_adjustments where partner_id = ${partnerId}`;
    expect(row!.original_period_id).toBe(august.id);
  });

  it('treats back-filled history of a cycle before the closed period as late data too', async () => {
    await db.ingest(partnerId, '2026-09-04T00:00:00Z', [{ bucketStart: '2026-07-20T10:00:00Z', cashStake: '10' }]);
    const periods = await db.periods(partnerId);
    expect(periods.map((period) => period.start)).toEqual(['2026-08-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z']);
    expect(periods[1]!.figures.totals.ggr).toBe('260');
    const rows = await db.sql`select original_period_id from settlements.prior_period_adjustments where partner_id = ${partnerId} order by id`;
    expect(rows.map((row) => row.original_period_id)).toEqual([august.id, null]);
  });
});
