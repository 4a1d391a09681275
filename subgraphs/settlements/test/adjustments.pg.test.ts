import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdjustment, decideAdjustment } from '../src/app/adjustments.ts';
import { approveStatement, closePeriod } from '../src/app/period-lifecycle.ts';
import { ledgerPage } from '../src/infra/ledger-store.ts';
import { alice, bob, codeOf, olga, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

const openMs = Date.parse('2026-08-20T00:00:00Z');
const afterMs = Date.parse('2026-09-02T00:00:00Z');

describe('manual adjustments with maker-checker (DESIGN.md 5.5)', () => {
  let db: SettlementsDb;
  let partnerId: string;
  let periodId: string;
  let credit: string;

  beforeAll(async () => {
    db = await settlementsDb('adjustments');
    partnerId = await db.partner('NOVA');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: '2026-08-10T10:00:00Z', cashStake: '1000', cashWin: '400' }]);
    periodId = (await db.periods(partnerId))[0]!.id;
  });
  afterAll(async () => db?.stop());

  it('adds a PENDING adjustment to an open period without changing its figures', async () => {
    const adjustment = await addAdjustment(db.sql, { periodId, amount: '-12.5', reason: 'goodwill credit' }, alice, openMs);
    credit = adjustment.id;
    expect(adjustment).toMatchObject({ status: 'PENDING', amount: '-12.50', currency: 'EUR', authorId: 'alice', source: 'MANUAL' });
    expect((await db.periods(partnerId))[0]!.figures.fee).toBe('60.00');
  });

  it('refuses amounts finer than the currency, empty reasons and users without FINANCE', async () => {
    expect(await codeOf(addAdjustment(db.sql, { periodId, amount: '1.005', reason: 'x' }, alice, openMs))).toBe('BAD_INPUT');
    expect(await codeOf(addAdjustment(db.sql, { periodId, amount: '1.00', reason: '  ' }, alice, openMs))).toBe('BAD_INPUT');
    expect(await codeOf(addAdjustment(db.sql, { periodId, amount: '1.00', reason: 'x' }, olga, openMs))).toBe('FORBIDDEN');
  });

  it('refuses the author deciding their own adjustment', async () => {
    expect(await codeOf(decideAdjustment(db.sql, credit, 'APPROVE', alice, openMs))).toBe('SELF_APPROVAL');
  });

  it('refuses to close the period while an adjustment awaits a decision', async () => {
    expect(await codeOf(closePeriod(db.sql, periodId, bob, afterMs))).toBe('CONFLICT');
  });

  it('re-rates the period when another FINANCE user approves, and pushes a delta with the change', async () => {
    const [{ n: before }] = (await db.sql`select count(*)::int as n from settlements.deltas where period_id = ${periodId}`) as unknown as [{ n: number }];
    expect(await decideAdjustment(db.sql, credit, 'APPROVE', bob, openMs)).toMatchObject({ status: 'APPROVED', decidedBy: 'bob' });
    const [period] = await db.periods(partnerId);
    expect(period!.figures).toMatchObject({ fee: '47.50', payable: '47.50', paidNow: '47.50', adjustments: [{ amount: '-12.5', reason: 'goodwill credit' }] });
    const deltas = await db.sql`select payload from settlements.deltas where period_id = ${periodId} order by seq`;
    expect(deltas).toHaveLength(before + 1);
    expect(deltas.at(-1)!.payload.change).toEqual({ transactions: 0, ggr: '0', fee: '-12.5' });
  });

  it('refuses deciding an adjustment twice', async () => {
    expect(await codeOf(decideAdjustment(db.sql, credit, 'REJECT', bob, openMs))).toBe('CONFLICT');
  });

  it('does not count a rejected adjustment', async () => {
    const extra = await addAdjustment(db.sql, { periodId, amount: '100.00', reason: 'typo' }, alice, openMs);
    await decideAdjustment(db.sql, extra.id, 'REJECT', bob, openMs);
    expect((await db.periods(partnerId))[0]!.figures.fee).toBe('47.50');
  });

  it('shows approved adjustments on the statement and posts them with the fee when it is approved', async () => {
    const closed = await closePeriod(db.sql, periodId, bob, afterMs);
    const lines = closed.statement!.lines;
    expect(lines.filter((line) => line.item === 'adjustment').map((line) => line.amount)).toEqual(['-12.50']);
    expect(closed.statement!.totals).toMatchObject({ fee: '60.00', adjustmentsTotal: '-12.50', payable: '47.50', paidNow: '47.50', amountDueNow: '47.50' });
    await approveStatement(db.sql, periodId, alice, afterMs);
    const [entry] = await ledgerPage(db.sql, 0, 10);
    expect(entry!.lines.map(({ account, side, amount }) => [account, side, amount])).toEqual([
      ['FEE_EXPENSE', 'DEBIT', '60.00'],
      ['PAYABLE_TO_PARTNER', 'CREDIT', '60.00'],
      ['PAYABLE_TO_PARTNER', 'DEBIT', '12.50'],
      ['FEE_EXPENSE', 'CREDIT', '12.50'],
    ]);
  });

  it('refuses adjustments to a closed period', async () => {
    expect(await codeOf(addAdjustment(db.sql, { periodId, amount: '1.00', reason: 'late' }, alice, afterMs))).toBe('CONFLICT');
  });
});
