import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { createPartner, errorCode, periodsOf, recordTransactions, tx } from './support/settlement-fixtures.ts';

const close = `mutation ($id: ID!) { closePeriod(id: $id) { status } }`;
const approve = `mutation ($id: ID!) { approveStatement(id: $id) { status } }`;
const setRate = `mutation ($date: Date!, $currency: String!, $rate: Decimal!) { setFxRate(date: $date, currency: $currency, rate: $rate, confirm: true) { applied } }`;
const addAdjustment = `mutation ($p: ID!, $amount: Decimal!, $reason: String!) { addAdjustment(periodId: $p, amount: $amount, reason: $reason) { id status amount } }`;
const decide = `mutation ($id: ID!, $d: AdjustmentDecision!) { decideAdjustment(id: $id, decision: $d) { status decidedBy } }`;
const adjustmentsOf = `query ($p: ID!) { settlementPeriods(partnerId: $p) { id fee adjustments { id amount status source reason } } }`;

/** FX-pending and corrected fixings, manual adjustments and the delta they push (DESIGN.md 5.3, 5.5). */
describe('FX and adjustments of settlement periods through the GraphQL API', () => {
  let stack: Stack;
  let admin: string;
  let alice: string;
  let bob: string;
  let partnerId: string;
  let augustId: string;
  let septemberId: string;

  beforeAll(async () => {
    stack = await startStack(await freshDatabase('adjustments-e2e'), { clockAt: '2026-09-02T00:00:00.000Z' });
    admin = await stack.token(['ADMIN']);
    alice = await stack.token(['FINANCE'], { sub: 'alice' });
    bob = await stack.token(['FINANCE'], { sub: 'bob' });
    partnerId = await createPartner(stack, admin, alice, 'PULSE');
    await recordTransactions(stack, admin, partnerId, [
      tx('u-1', '2026-08-10T10:00:00.000Z', 'BET', '1100.00', { currency: 'USD' }),
      tx('s-1', '2026-09-01T10:00:00.000Z', 'BET', '50.00'),
    ]);
    await stack.settle();
    [{ id: augustId }, { id: septemberId }] = await periodsOf(stack, alice, partnerId);
    expect((await stack.request(alice, close, { id: augustId })).data.closePeriod.status).toBe('CLOSED');
  });

  afterAll(async () => stack?.stop());

  it('refuses to approve a closed statement while a bucket waits for an FX rate', async () => {
    const [august] = await periodsOf(stack, alice, partnerId);
    expect(august.fxPending).toEqual([{ gameCode: 'slot-1', currency: 'USD', bucketStart: '2026-08-10T10:00:00.000Z' }]);
    expect(errorCode(await stack.request(bob, approve, { id: augustId }))).toBe('CONFLICT');
  });

  it('completes the provisional statement when the fixing arrives, and then approves it', async () => {
    expect((await stack.request(alice, setRate, { date: '2026-08-10', currency: 'USD', rate: '1.1' })).errors).toBeUndefined();
    await stack.settle();
    const [august] = await periodsOf(stack, alice, partnerId);
    expect(august).toMatchObject({ status: 'CLOSED', fee: '100.00', fxPending: [] });
    expect((await stack.request(bob, approve, { id: augustId })).data.approveStatement.status).toBe('APPROVED');
  });

  it('turns a correction of a fixing the approved statement used into a PENDING adjustment of the open period', async () => {
    expect((await stack.request(alice, setRate, { date: '2026-08-10', currency: 'USD', rate: '1.0' })).errors).toBeUndefined();
    await stack.settle();
    const [august, september] = (await stack.request(alice, adjustmentsOf, { p: partnerId })).data.settlementPeriods;
    expect(august).toMatchObject({ fee: '100.00', adjustments: [] });
    expect(september.adjustments).toEqual([
      { id: expect.any(String), amount: '10.00', status: 'PENDING', source: 'FX_CORRECTION', reason: expect.stringContaining('USD 2026-08-10 1.1 → 1.0') },
    ]);
  });

  it('refuses the author deciding a manual adjustment, and re-rates the period with a delta when another user approves', async () => {
    const added = await stack.request(alice, addAdjustment, { p: septemberId, amount: '-2.50', reason: 'goodwill' });
    expect(added.data.addAdjustment).toMatchObject({ status: 'PENDING', amount: '-2.50' });
    expect(errorCode(await stack.request(alice, decide, { id: added.data.addAdjustment.id, d: 'APPROVE' }))).toBe('SELF_APPROVAL');
    const pointers = `query ($p: ID!) { settlementDeltaPointers(partnerId: $p, afterSeq: 0, limit: 500) { seq } }`;
    const before = (await stack.request(alice, pointers, { p: partnerId })).data.settlementDeltaPointers.length;
    expect((await stack.request(bob, decide, { id: added.data.addAdjustment.id, d: 'APPROVE' })).data.decideAdjustment).toEqual({ status: 'APPROVED', decidedBy: 'bob' });
    const [, september] = await periodsOf(stack, alice, partnerId);
    expect(september.fee).toBe('2.50');
    expect((await stack.request(alice, pointers, { p: partnerId })).data.settlementDeltaPointers).toHaveLength(before + 1);
  });

  it('refuses an adjustment to a closed period', async () => {
    expect(errorCode(await stack.request(alice, addAdjustment, { p: augustId, amount: '1.00', reason: 'late' }))).toBe('CONFLICT');
  });

  it('rates a period under draft terms without saving anything, and refuses invalid drafts', async () => {
    const whatIf = `query ($p: ID!, $t: JSON!) { rateWhatIf(periodId: $p, terms: $t) { fee currentFee computedFee tierBands { rate slice } } }`;
    const draft = { currency: 'EUR', timezone: 'UTC', cycle: 'MONTHLY', base: 'GGR', tiers: [{ upTo: null, rate: '0.25' }], tierMode: 'MARGINAL' };
    const result = await stack.request(alice, whatIf, { p: augustId, t: draft });
    expect(result.data.rateWhatIf).toEqual({ fee: '275.00', currentFee: '100.00', computedFee: '275', tierBands: [{ rate: '0.25', slice: '1100' }] });
    expect((await periodsOf(stack, alice, partnerId))[0].fee).toBe('100.00');
    expect(errorCode(await stack.request(alice, whatIf, { p: augustId, t: { ...draft, tiers: [] } }))).toBe('INVALID_TERMS');
  });

  it('reconciles the provider\'s daily report and lists the differences by kind', async () => {
    const mutation = `mutation ($p: ID!, $date: Date!, $csv: String!) { reconcileProviderReport(partnerId: $p, date: $date, csv: $csv) {
      providerRows ourRows byKind { kind count } differences { kind gameCode currency field line difference ours { bets wins rounds } theirs { bets wins rounds } } } }`;
    const csv = 'GameID;Currency;Bets;Wins;Rounds\nslot-1;USD;1000.00;0;1\nlive-1;EUR;5;0;1\n';
    const result = await stack.request(alice, mutation, { p: partnerId, date: '2026-08-10', csv });
    expect(result.data.reconcileProviderReport).toEqual({
      providerRows: 2, ourRows: 1,
      byKind: [{ kind: 'MISSING_OURS', count: 1 }, { kind: 'AMOUNT_MISMATCH', count: 1 }],
      differences: [
        { kind: 'MISSING_OURS', gameCode: 'live-1', currency: 'EUR', field: null, line: 3, difference: null, ours: null, theirs: { bets: '5', wins: '0', rounds: 1 } },
        { kind: 'AMOUNT_MISMATCH', gameCode: 'slot-1', currency: 'USD', field: 'bets', line: null, difference: '100', ours: { bets: '1100', wins: null, rounds: null }, theirs: { bets: '1000.00', wins: null, rounds: null } },
      ],
    });
  });
});

describe('a rollback that arrives before its original', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(await freshDatabase('held-rollback-e2e'), { clockAt: '2026-09-02T00:00:00.000Z' });
  });
  afterAll(async () => stack?.stop());

  it('cancels the original in the settlement when the original comes in a later request', async () => {
    const admin = await stack.token(['ADMIN']);
    const finance = await stack.token(['FINANCE'], { sub: 'fiona' });
    const partnerId = await createPartner(stack, admin, finance, 'LEGACY');
    await recordTransactions(stack, admin, partnerId, [tx('keep-1', '2026-08-10T10:00:00.000Z', 'BET', '10.00')]);
    expect(await recordTransactions(stack, admin, partnerId, [tx('rb-1', '2026-08-10T10:05:00.000Z', 'ROLLBACK', '5.00', { refersTo: 'orig-1' })])).toMatchObject({ held: 1 });
    await recordTransactions(stack, admin, partnerId, [tx('orig-1', '2026-08-10T10:04:00.000Z', 'BET', '5.00')]);
    await stack.settle();
    expect((await periodsOf(stack, finance, partnerId))[0].totals.ggr).toBe('10');
  });
});
