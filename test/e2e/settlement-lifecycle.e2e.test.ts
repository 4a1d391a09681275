import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { createPartner, errorCode, periodsOf, recordTransactions, tx } from './support/settlement-fixtures.ts';

const close = `mutation ($id: ID!) { closePeriod(id: $id) { status closedBy } }`;
const approve = `mutation ($id: ID!) { approveStatement(id: $id) { status approvedBy } }`;
const pay = `mutation ($id: ID!, $ref: String!) { markPaid(id: $id, reference: $ref) { status paymentReference } }`;
const verify = `{ verifyLedger { ok firstBrokenSeq reason headSeq } }`;
const statementQuery = `query ($p: ID!) { settlementPeriods(partnerId: $p) { id status fee statement {
  status provisional currency partner { code } totals { fee payable paidNow amountDueNow adjustmentsTotal }
  lines { section item description base rate amount currency } }
  priorPeriodAdjustments { originalPeriodId gameCode ggr transactions } } }`;

/** DESIGN.md 5.5 through the gateway: the lifecycle, maker-checker, the frozen statement and the ledger. */
describe('settlement period lifecycle through the GraphQL API', () => {
  let stack: Stack;
  let sql: Sql;
  let admin: string;
  let alice: string;
  let bob: string;
  let ops: string;
  let partnerId: string;
  let otherPartnerId: string;
  let augustId: string;

  beforeAll(async () => {
    const databaseUrl = await freshDatabase('lifecycle-e2e');
    sql = connect(databaseUrl, { max: 1 });
    stack = await startStack(databaseUrl, { clockAt: '2026-09-02T00:00:00.000Z' });
    admin = await stack.token(['ADMIN']);
    alice = await stack.token(['FINANCE'], { sub: 'alice' });
    bob = await stack.token(['FINANCE'], { sub: 'bob' });
    ops = await stack.token(['OPS'], { sub: 'olga' });
    partnerId = await createPartner(stack, admin, alice, 'NOVA');
    otherPartnerId = await createPartner(stack, admin, alice, 'ORBIT');
    await recordTransactions(stack, admin, partnerId, [
      tx('a-1', '2026-08-10T10:00:00.000Z', 'BET', '1000.00'),
      tx('a-2', '2026-08-10T10:01:00.000Z', 'WIN', '400.00'),
    ]);
    await stack.settle();
    augustId = (await periodsOf(stack, alice, partnerId))[0].id;
  });

  afterAll(async () => {
    await stack?.stop();
    await sql?.end();
  });

  it('shows an ended period as CLOSING with a live, provisional statement', async () => {
    const [august] = (await stack.request(alice, statementQuery, { p: partnerId })).data.settlementPeriods;
    expect(august).toMatchObject({ status: 'CLOSING', fee: '60.00', statement: { status: 'CLOSING', currency: 'EUR', partner: { code: 'NOVA' } } });
  });

  it('refuses closing to a user without the FINANCE role', async () => {
    expect(errorCode(await stack.request(ops, close, { id: augustId }))).toBe('FORBIDDEN');
  });

  it('closes the period for a FINANCE user', async () => {
    const result = await stack.request(alice, close, { id: augustId });
    expect(result.data.closePeriod).toEqual({ status: 'CLOSED', closedBy: 'alice' });
  });

  it('refuses each illegal step: closing twice, paying before approval, approval by the closer', async () => {
    expect(errorCode(await stack.request(bob, close, { id: augustId }))).toBe('CONFLICT');
    expect(errorCode(await stack.request(bob, pay, { id: augustId, ref: 'SEPA-1' }))).toBe('CONFLICT');
    expect(errorCode(await stack.request(alice, approve, { id: augustId }))).toBe('SELF_APPROVAL');
  });

  it('approves with another FINANCE user, then refuses an empty reference and records the payment', async () => {
    expect((await stack.request(bob, approve, { id: augustId })).data.approveStatement).toEqual({ status: 'APPROVED', approvedBy: 'bob' });
    expect(errorCode(await stack.request(bob, approve, { id: augustId }))).toBe('CONFLICT');
    expect(errorCode(await stack.request(alice, pay, { id: augustId, ref: '' }))).toBe('BAD_INPUT');
    expect((await stack.request(alice, pay, { id: augustId, ref: 'SEPA-1' })).data.markPaid).toEqual({ status: 'PAID', paymentReference: 'SEPA-1' });
    expect(errorCode(await stack.request(alice, pay, { id: augustId, ref: 'SEPA-2' }))).toBe('CONFLICT');
  });

  it('posts the approved statement and the payment to the ledger and verifies the chain', async () => {
    const entries = await stack.request(await stack.token(['AUDITOR']), `query ($p: ID) { ledgerEntries(periodId: $p) { seq kind reference lines { account side amount } } }`, { p: augustId });
    expect(entries.data.ledgerEntries).toEqual([
      { seq: 1, kind: 'STATEMENT_APPROVED', reference: augustId, lines: [{ account: 'FEE_EXPENSE', side: 'DEBIT', amount: '60.00' }, { account: 'PAYABLE_TO_PARTNER', side: 'CREDIT', amount: '60.00' }] },
      { seq: 2, kind: 'PAYMENT', reference: 'SEPA-1', lines: [{ account: 'PAYABLE_TO_PARTNER', side: 'DEBIT', amount: '60.00' }, { account: 'CASH', side: 'CREDIT', amount: '60.00' }] },
    ]);
    expect((await stack.request(await stack.token(['AUDITOR']), verify)).data.verifyLedger).toEqual({ ok: true, firstBrokenSeq: null, reason: null, headSeq: 2 });
    expect(errorCode(await stack.request(ops, verify))).toBe('FORBIDDEN');
  });

  it('names the ledger entry that was altered directly in the database', async () => {
    await sql`update settlements.ledger_entries set lines = jsonb_set(lines, '{0,amount}', '"6.00"') where seq = 1`;
    try {
      const result = await stack.request(alice, verify);
      expect(result.data.verifyLedger).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: expect.stringContaining('altered') });
    } finally {
      await sql`update settlements.ledger_entries set lines = jsonb_set(lines, '{0,amount}', '"60.00"') where seq = 1`;
    }
    expect((await stack.request(alice, verify)).data.verifyLedger.ok).toBe(true);
  });

  it('never changes the closed statement when late data arrives; it counts in the first open period', async () => {
    const before = (await stack.request(alice, statementQuery, { p: partnerId })).data.settlementPeriods[0];
    expect(before.statement.totals).toEqual({ fee: '60.00', payable: '60.00', paidNow: '60.00', amountDueNow: '60.00', adjustmentsTotal: '0.00' });
    await recordTransactions(stack, admin, partnerId, [tx('late-1', '2026-08-15T09:00:00.000Z', 'BET', '300.00')]);
    await stack.settle();
    const [august, september] = (await stack.request(alice, statementQuery, { p: partnerId })).data.settlementPeriods;
    expect(august).toEqual(before);
    expect(september).toMatchObject({ status: 'OPEN', fee: '30.00', priorPeriodAdjustments: [{ originalPeriodId: augustId, gameCode: 'slot-1', ggr: '300', transactions: 1 }] });
    expect(september.statement.lines.filter((line: { section: string }) => line.section === 'PRIOR_PERIOD')).toHaveLength(1);
  });

  it('exports the statement as CSV and PDF, to staff and to the partner\'s own users only', async () => {
    const csv = await stack.request(alice, `query ($id: ID!) { statementCsv(periodId: $id) }`, { id: augustId });
    expect(csv.data.statementCsv.split('\r\n')[0]).toBe('partner,periodStart,periodEnd,status,section,item,description,base,rate,amount,currency');
    expect(csv.data.statementCsv).toContain('NOVA,2026-08-01T00:00:00.000Z,2026-09-01T00:00:00.000Z,PAID,FEE,fee,');
    const own = await stack.token(['PARTNER'], { sub: 'nova-user', partnerId });
    const pdf = await stack.request(own, `query ($id: ID!) { statementPdf(periodId: $id) }`, { id: augustId });
    expect(Buffer.from(pdf.data.statementPdf, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const stranger = await stack.token(['PARTNER'], { sub: 'orbit-user', partnerId: otherPartnerId });
    expect(errorCode(await stack.request(stranger, `query ($id: ID!) { statementCsv(periodId: $id) }`, { id: augustId }))).toBe('NOT_FOUND');
  });
});
