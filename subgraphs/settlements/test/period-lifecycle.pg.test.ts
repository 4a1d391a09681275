import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../src/app/ledger.ts';
import { approveStatement, closePeriod, markPaid } from '../src/app/period-lifecycle.ts';
import { ledgerPage } from '../src/infra/ledger-store.ts';
import { alice, bob, codeOf, olga, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

const august = '2026-08-10T10:00:00Z';
const duringAugust = Date.parse('2026-08-20T00:00:00Z');
const afterAugust = Date.parse('2026-09-02T00:00:00Z');

describe('the period lifecycle: close, approve, pay (DESIGN.md 5.5)', () => {
  let db: SettlementsDb;
  let partnerId: string;
  let periodId: string;

  beforeAll(async () => {
    db = await settlementsDb('lifecycle');
    partnerId = await db.partner('NOVA');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: august, cashStake: '1000', cashWin: '400' }]);
    periodId = (await db.periods(partnerId))[0]!.id;
  });
  afterAll(async () => db?.stop());

  it('refuses to close a period that has not ended yet', async () => {
    expect(await codeOf(closePeriod(db.sql, periodId, alice, duringAugust))).toBe('CONFLICT');
  });

  it('refuses every step to a user without the FINANCE role', async () => {
    expect(await codeOf(closePeriod(db.sql, periodId, olga, afterAugust))).toBe('FORBIDDEN');
  });

  it('closes an ended period and freezes its statement with every line', async () => {
    const closed = await closePeriod(db.sql, periodId, alice, afterAugust);
    expect(closed).toMatchObject({ status: 'CLOSED', closedBy: 'alice', closedAtMs: afterAugust });
    expect(closed.statement!.totals).toMatchObject({ fee: '60.00', payable: '60.00', paidNow: '60.00', amountDueNow: '60.00' });
    expect(closed.statement!.lines.map((line) => line.item)).toEqual(expect.arrayContaining(['ggr', 'tieredBase', 'tierBand', 'computedFee', 'minimumFeeTopUp', 'fee', 'carryOut']));
  });

  it('refuses to close a period twice', async () => {
    expect(await codeOf(closePeriod(db.sql, periodId, bob, afterAugust))).toBe('CONFLICT');
  });

  it('refuses payment before the statement is approved', async () => {
    expect(await codeOf(markPaid(db.sql, periodId, 'PAY-1', bob, afterAugust))).toBe('CONFLICT');
  });

  it('refuses approval by the user who closed the period (maker-checker)', async () => {
    expect(await codeOf(approveStatement(db.sql, periodId, alice, afterAugust))).toBe('SELF_APPROVAL');
  });

  it('approves with another FINANCE user and posts fee expense against the payable to the partner', async () => {
    const approved = await approveStatement(db.sql, periodId, bob, afterAugust);
    expect(approved).toMatchObject({ status: 'APPROVED', approvedBy: 'bob' });
    const [entry] = await ledgerPage(db.sql, 0, 10);
    expect(entry).toMatchObject({ seq: 1, kind: 'STATEMENT_APPROVED', periodId, currency: 'EUR' });
    expect(entry!.lines.map(({ account, side, amount }) => [account, side, amount])).toEqual([
      ['FEE_EXPENSE', 'DEBIT', '60.00'],
      ['PAYABLE_TO_PARTNER', 'CREDIT', '60.00'],
    ]);
  });

  it('refuses approving an approved statement again', async () => {
    expect(await codeOf(approveStatement(db.sql, periodId, bob, afterAugust))).toBe('CONFLICT');
  });

  it('refuses an empty payment reference', async () => {
    expect(await codeOf(markPaid(db.sql, periodId, '   ', alice, afterAugust))).toBe('BAD_INPUT');
  });

  it('records the payment and posts it from cash, keeping the ledger chain intact', async () => {
    const paid = await markPaid(db.sql, periodId, 'SEPA-2026-09-001', alice, afterAugust);
    expect(paid).toMatchObject({ status: 'PAID', paymentReference: 'SEPA-2026-09-001' });
    const entries = await ledgerPage(db.sql, 0, 10);
    expect(entries.map((entry) => entry.kind)).toEqual(['STATEMENT_APPROVED', 'PAYMENT']);
    expect(entries[1]!.lines.map(({ account, side, amount }) => [account, side, amount])).toEqual([
      ['PAYABLE_TO_PARTNER', 'DEBIT', '60.00'],
      ['CASH', 'CREDIT', '60.00'],
    ]);
    expect(await verifyLedger(db.sql)).toEqual({ ok: true, head: { seq: 2, hash: entries[1]!.hash } });
  });

  it('refuses paying a paid statement again', async () => {
    expect(await codeOf(markPaid(db.sql, periodId, 'SEPA-2', alice, afterAugust))).toBe('CONFLICT');
  });

  it('answers NOT_FOUND for a period that does not exist', async () => {
    expect(await codeOf(closePeriod(db.sql, '00000000-0000-4000-8000-000000000000', alice, afterAugust))).toBe('NOT_FOUND');
    expect(await codeOf(closePeriod(db.sql, 'not-an-id', alice, afterAugust))).toBe('NOT_FOUND');
  });
});

describe('closing in order', () => {
  let db: SettlementsDb;
  let partnerId: string;

  beforeAll(async () => {
    db = await settlementsDb('close-order');
    partnerId = await db.partner('ORBIT');
    await db.ingest(partnerId, '2026-09-10T00:00:00Z', [
      { bucketStart: '2026-08-10T10:00:00Z', cashStake: '100' },
      { bucketStart: '2026-09-10T10:00:00Z', cashStake: '100' },
    ]);
  });
  afterAll(async () => db?.stop());

  it('refuses to close a period while an earlier one of the partner is still open', async () => {
    const [, september] = await db.periods(partnerId);
    expect(await codeOf(closePeriod(db.sql, september!.id, alice, Date.parse('2026-10-02T00:00:00Z')))).toBe('CONFLICT');
  });
});

describe('FX-pending statements', () => {
  let db: SettlementsDb;
  let partnerId: string;
  let periodId: string;

  beforeAll(async () => {
    db = await settlementsDb('fx-pending');
    partnerId = await db.partner('PULSE');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [
      { bucketStart: august, cashStake: '1000', cashWin: '400' },
      { bucketStart: august, currency: 'USD', cashStake: '110' },
    ]);
    periodId = (await db.periods(partnerId))[0]!.id;
    await closePeriod(db.sql, periodId, alice, afterAugust);
  });
  afterAll(async () => db?.stop());

  it('refuses to approve a statement whose buckets still wait for an FX rate', async () => {
    expect(await codeOf(approveStatement(db.sql, periodId, bob, afterAugust))).toBe('CONFLICT');
  });

  it('completes the provisional closed statement when the rate arrives, pushes a delta, and then allows approval', async () => {
    const deltasBefore = await db.sql`select count(*)::int as n from settlements.deltas where period_id = ${periodId}`;
    await db.setRate('2026-08-10', 'USD', '1.1', afterAugustIso());
    const [period] = await db.periods(partnerId);
    expect(period).toMatchObject({ status: 'CLOSED' });
    expect(period!.figures.fxPending).toEqual([]);
    expect(period!.figures.totals.ggr).toBe('700');
    expect(period!.statement.totals.fee).toBe('70.00');
    expect(period!.statement.provisional).toBe(false);
    const deltasAfter = await db.sql`select count(*)::int as n from settlements.deltas where period_id = ${periodId}`;
    expect(deltasAfter[0]!.n).toBe(deltasBefore[0]!.n + 1);
    expect(await approveStatement(db.sql, periodId, bob, afterAugust)).toMatchObject({ status: 'APPROVED' });
  });
});

function afterAugustIso(): string {
  return new Date(afterAugust).toISOString();
}
