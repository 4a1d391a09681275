import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdjustment } from '../src/app/adjustments.ts';
import { autoCloseDuePeriods } from '../src/app/auto-close.ts';
import { approveStatement } from '../src/app/period-lifecycle.ts';
import { autoCloseActorId } from '../src/domain/statement/index.ts';
import { alice, baseTerms, codeOf, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

const terms = { ...baseTerms, autoCloseAfterHours: 48 };
const dueIso = '2026-09-03T00:00:00.000Z';

describe('automatic close after autoCloseAfterHours', () => {
  let db: SettlementsDb;
  let partnerId: string;

  beforeAll(async () => {
    db = await settlementsDb('auto-close');
    partnerId = await db.partner('ORBIT', terms);
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: '2026-08-10T10:00:00Z', cashStake: '1000', cashWin: '400' }]);
  });
  afterAll(async () => db?.stop());

  it('does not close the period before the hours have passed', async () => {
    expect(await autoCloseDuePeriods(db.sql, Date.parse('2026-09-02T23:59:59Z'))).toBe(0);
    expect((await db.periods(partnerId))[0]!.status).toBe('OPEN');
  });

  it('counts data arriving after the instant the period fell due as late, even before the tick has run', async () => {
    await db.ingest(partnerId, '2026-09-03T01:00:00Z', [{ bucketStart: '2026-08-20T10:00:00Z', cashStake: '500' }]);
    const [august, september] = await db.periods(partnerId);
    expect(august!.figures.totals.ggr).toBe('600');
    expect(september!.figures.totals.ggr).toBe('500');
  });

  it('closes the period once due, as of the due instant, with its statement frozen, by the system actor', async () => {
    expect(await autoCloseDuePeriods(db.sql, Date.parse('2026-09-03T02:00:00Z'))).toBe(1);
    const [row] = await db.sql`select status, closed_by, closed_at, statement from settlements.periods where partner_id = ${partnerId} order by start_at limit 1`;
    expect(row).toMatchObject({ status: 'CLOSED', closed_by: autoCloseActorId });
    expect((row!.closed_at as Date).toISOString()).toBe(dueIso);
    expect(row!.statement.totals.fee).toBe('60.00');
  });

  it('lets any FINANCE user approve an automatically closed statement', async () => {
    const [august] = await db.periods(partnerId);
    expect(await approveStatement(db.sql, august!.id, alice, Date.parse('2026-09-04T00:00:00Z'))).toMatchObject({ status: 'APPROVED' });
  });
});

describe('automatic close with an undecided adjustment', () => {
  let db: SettlementsDb;
  let partnerId: string;

  beforeAll(async () => {
    db = await settlementsDb('auto-close-hold');
    partnerId = await db.partner('LEGACY', terms);
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: '2026-08-10T10:00:00Z', cashStake: '1000' }]);
  });
  afterAll(async () => db?.stop());

  it('waits until the adjustment is decided', async () => {
    const [august] = await db.periods(partnerId);
    await addAdjustment(db.sql, { periodId: august!.id, amount: '-5.00', reason: 'goodwill' }, alice, Date.parse('2026-09-01T10:00:00Z'));
    expect(await autoCloseDuePeriods(db.sql, Date.parse('2026-09-05T00:00:00Z'))).toBe(0);
    expect(await codeOf(addAdjustment(db.sql, { periodId: august!.id, amount: '1.00', reason: 'still open' }, alice, Date.parse('2026-09-05T00:00:00Z')))).toBe('no error');
  });
});
