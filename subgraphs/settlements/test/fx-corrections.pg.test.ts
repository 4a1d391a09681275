import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAdjustment } from '../src/app/adjustments.ts';
import { closePeriod } from '../src/app/period-lifecycle.ts';
import { fxCorrectionActor } from '../src/app/fx-corrections.ts';
import { alice, bob, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

/** DESIGN.md 5.3 and 5.5: a corrected fixing changes no closed statement; the difference is proposed as an adjustment. */
describe('an FX correction of a fixing a closed statement used', () => {
  let db: SettlementsDb;
  let partnerId: string;
  let august: { id: string; figures: any; statement: any };

  beforeAll(async () => {
    db = await settlementsDb('fx-corrections');
    partnerId = await db.partner('ORBIT');
    await db.setRate('2026-08-10', 'USD', '1.1', '2026-08-11T00:00:00Z');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: '2026-08-10T10:00:00Z', currency: 'USD', cashStake: '1100' }]);
    await db.ingest(partnerId, '2026-09-01T08:05:00Z', [{ bucketStart: '2026-09-01T08:00:00Z', cashStake: '50' }]);
    const [first] = await db.periods(partnerId);
    await closePeriod(db.sql, first!.id, alice, Date.parse('2026-09-02T00:00:00Z'));
    august = (await db.periods(partnerId))[0]!;
    expect(august.figures.fee).toBe('100.00');
  });
  afterAll(async () => db?.stop());

  it('leaves the closed statement unchanged', async () => {
    await db.setRate('2026-08-10', 'USD', '1.0', '2026-09-05T00:00:00Z');
    expect((await db.periods(partnerId))[0]).toEqual(august);
  });

  it('proposes the fee difference the new rate makes as a PENDING adjustment of the first open period', async () => {
    const [, september] = await db.periods(partnerId);
    const rows = await db.sql`select * from settlements.adjustments where partner_id = ${partnerId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ period_id: september!.id, amount: '10.00', currency: 'EUR', status: 'PENDING', source: 'FX_CORRECTION', author_id: fxCorrectionActor.id });
    expect(rows[0]!.reason).toContain('USD 2026-08-10 1.1 → 1.0');
  });

  it('counts the correction in the open period once a FINANCE user approves it', async () => {
    const [row] = await db.sql`select id from settlements.adjustments where partner_id = ${partnerId}`;
    await decideAdjustment(db.sql, row!.id as string, 'APPROVE', bob, Date.parse('2026-09-05T01:00:00Z'));
    const [, september] = await db.periods(partnerId);
    expect(september!.figures.fee).toBe('15.00');
  });
});

describe('fixings arriving for open periods', () => {
  let db: SettlementsDb;
  let partnerId: string;
  const deltaCount = async () => Number((await db.sql`select count(*)::int as n from settlements.deltas where partner_id = ${partnerId}`)[0]!.n);

  beforeAll(async () => {
    db = await settlementsDb('fx-open');
    partnerId = await db.partner('NOVA');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [
      { bucketStart: '2026-08-10T10:00:00Z', cashStake: '100' },
      { bucketStart: '2026-08-10T10:00:00Z', currency: 'SEK', cashStake: '1100' },
    ]);
  });
  afterAll(async () => db?.stop());

  it('re-rates an FX-pending period when its fixing arrives and pushes one delta', async () => {
    const before = await deltaCount();
    expect((await db.periods(partnerId))[0]!.figures.fxPending).toHaveLength(1);
    await db.setRate('2026-08-10', 'SEK', '11', '2026-08-11T00:00:00Z');
    const [period] = await db.periods(partnerId);
    expect(period!.figures).toMatchObject({ fxPending: [], provisional: false, totals: { ggr: '200' } });
    expect(await deltaCount()).toBe(before + 1);
  });

  it('pushes no delta for a fixing that changes none of the partner\'s figures', async () => {
    const before = await deltaCount();
    await db.setRate('2026-08-10', 'JPY', '160', '2026-08-11T00:00:00Z');
    expect(await deltaCount()).toBe(before);
  });
});
