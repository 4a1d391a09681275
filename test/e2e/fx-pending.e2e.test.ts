import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Decimal } from '@clearhouse/kernel';
import { expectedPeriods, importExampleRates, replayPartner, scenario } from '../../subgraphs/fx/test/support/nova-replay.ts';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * NOVA of shared/examples/basic, replayed with the example ECB file in which SEK is not fixed from
 * 2026-09-10 to 2026-09-21: its September period (from 2026-08-31T22:00Z, Europe/Berlin) has the
 * FX-pending buckets expected.json lists. Supplying the missing fixings through the API clears them,
 * re-rates the period and pushes a delta; bad rates change nothing.
 */
const septemberStart = '2026-08-31T22:00:00.000Z';
const periodFields = `id start currency status totals { cashStake bonusStake cashWin bonusWin jackpotContribution jackpotWin ggr ngr }
  fee payable paidNow payableCarryOut fxPending { gameCode currency bucketStart }`;
const periodsQuery = `query ($partnerId: ID!) { settlementPeriods(partnerId: $partnerId) { ${periodFields} } }`;
const fxRateQuery = `query ($date: Date!, $from: String!, $to: String!) { fxRate(date: $date, from: $from, to: $to) { rate fixings { date currency rate } missingCurrencies } }`;
const setRate = `mutation ($date: Date!, $currency: String!, $rate: Decimal!) {
  setFxRate(date: $date, currency: $currency, rate: $rate) { applied unchanged held { date currency rate previousRate jump } } }`;
const confirmRate = `mutation ($date: Date!, $currency: String!) { confirmFxRate(date: $date, currency: $currency) { applied held { date } } }`;
const exposureQuery = `query ($id: ID!, $currency: String!, $date: Date) { settlementPeriod(id: $id) { paidNow fxExposure(currency: $currency, date: $date) {
  currency date openPayableTotal
  payables { currency openPayable carriedPayable periods pendingBuckets rate openPayableConverted fixings { date currency rate } }
  pending { currency buckets firstBucketStart lastBucketStart missingFixings { date currency } } } } }`;
const deltasSubscription = `subscription ($partnerId: ID) { settlementDeltas(partnerId: $partnerId) {
  seq period { start totalsIn(currency: "USD") { rate totals { ggr } } } totals { ggr } fee change { ggr } } }`;

interface Delta {
  seq: number;
  period: { start: string; totalsIn: { rate: string; totals: { ggr: string } } };
  totals: { ggr: string };
  fee: string;
  change: { ggr: string };
}

/** A delta is pushed within this of the settle() that produced it, or the test says so plainly. */
const deltaWaitMsMax = 10_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${deltaWaitMsMax} ms`)), deltaWaitMsMax);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function firstDeltaOf(client: Client, partnerId: string, periodStart: string): { received: Promise<Delta>; dispose: () => void } {
  let dispose = () => {};
  const received = new Promise<Delta>((resolve, reject) => {
    dispose = client.subscribe<{ settlementDeltas: Delta }>({ query: deltasSubscription, variables: { partnerId } }, {
      next: (message) => {
        if (message.errors) return reject(new Error(JSON.stringify(message.errors)));
        const delta = message.data!.settlementDeltas;
        if (Date.parse(delta.period.start) === Date.parse(periodStart)) resolve(delta);
      },
      error: reject,
      complete: () => {},
    });
  });
  return { received, dispose: () => dispose() };
}

describe('FX-pending buckets of the NOVA example, cleared by supplying the missing SEK fixings', () => {
  let stack: Stack;
  let finance: string;
  let auditor: string;
  let partnerId: string;
  let client: Client;

  const september = async () => {
    const result = await stack.request(finance, periodsQuery, { partnerId });
    expect(result.errors).toBeUndefined();
    return result.data.settlementPeriods.find((period: { start: string }) => Date.parse(period.start) === Date.parse(septemberStart));
  };
  const deltaCount = async () => {
    const result = await stack.request(finance, `query ($p: ID!) { settlementDeltaPointers(partnerId: $p, afterSeq: 0, limit: 500) { seq } }`, { p: partnerId });
    expect(result.errors).toBeUndefined();
    return result.data.settlementDeltaPointers.length as number;
  };

  beforeAll(async () => {
    stack = await startStack(await freshDatabase('fx_pending'), { clockAt: scenario.now });
    const admin = await stack.token(['ADMIN']);
    finance = await stack.token(['FINANCE'], { sub: 'fiona' });
    auditor = await stack.token(['AUDITOR'], { sub: 'aude' });
    const imported = await importExampleRates(stack, finance);
    expect(imported).toMatchObject({ applied: 960, held: [], skipped: [] });
    partnerId = await replayPartner(stack, 'NOVA', { admin, finance });
    await stack.settle();
    client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${finance}` }, retryAttempts: 0 });
  }, 300_000);

  afterAll(async () => {
    await client?.dispose();
    await stack?.stop();
  });

  it("lists exactly the FX-pending buckets expected.json gives for NOVA's September period, and none elsewhere", async () => {
    const result = await stack.request(finance, periodsQuery, { partnerId });
    const bucketsOf = (list: { gameCode: string; currency: string; bucketStart: string }[]) => list.map((b) => [b.gameCode, b.currency, Date.parse(b.bucketStart)]);
    for (const want of expectedPeriods.filter((period) => period.partner === 'NOVA')) {
      const period = result.data.settlementPeriods.find((candidate: { start: string }) => Date.parse(candidate.start) === Date.parse(want.periodStart));
      expect(bucketsOf(period.fxPending), want.periodStart).toEqual(bucketsOf(want.fxPending));
    }
    expect((await september()).fxPending).toHaveLength(24);
  });

  it("names, in the period's FX exposure, the SEK fixings its pending buckets wait for", async () => {
    const period = await september();
    const result = await stack.request(finance, exposureQuery, { id: period.id, currency: 'EUR', date: '2026-11-20' });
    expect(result.errors).toBeUndefined();
    const exposure = result.data.settlementPeriod.fxExposure;
    expect(exposure.payables).toEqual([
      { currency: 'EUR', openPayable: period.paidNow, carriedPayable: '0.00', periods: 1, pendingBuckets: 24, rate: '1', openPayableConverted: new Decimal(period.paidNow).toFixed(), fixings: [] },
    ]);
    const starts = expectedPeriods.find((want) => want.partner === 'NOVA' && Date.parse(want.periodStart) === Date.parse(septemberStart))!
      .fxPending.map((bucket) => new Date(bucket.bucketStart).toISOString()).sort();
    expect(exposure.pending).toEqual([{
      currency: 'SEK', buckets: 24, firstBucketStart: starts[0], lastBucketStart: starts.at(-1),
      missingFixings: ['2026-09-17', '2026-09-18', '2026-09-19', '2026-09-20', '2026-09-21'].map((date) => ({ date, currency: 'SEK' })),
    }]);
  });

  it('rejects a zero, negative or malformed rate, an unknown currency and a bad file with a clear error, and changes nothing', async () => {
    const before = { period: await september(), deltas: await deltaCount() };
    const attempts: [Record<string, string>, string, Record<string, unknown>][] = [
      [{ date: '2026-09-17', currency: 'SEK', rate: '0' }, 'INVALID_RATE', { date: '2026-09-17', currency: 'SEK', rate: '0' }],
      [{ date: '2026-09-17', currency: 'SEK', rate: '-11.4' }, 'INVALID_RATE', { date: '2026-09-17', currency: 'SEK', rate: '-11.4' }],
      [{ date: '2026-09-17', currency: 'XTS', rate: '11.4' }, 'INVALID_RATE', { date: '2026-09-17', currency: 'XTS' }],
      [{ date: '2026-09-17', currency: 'HRK', rate: '7.5' }, 'INVALID_RATE', { date: '2026-09-17', currency: 'HRK' }],
      [{ date: '2026-09-17', currency: 'EUR', rate: '1' }, 'INVALID_RATE', { date: '2026-09-17', currency: 'EUR' }],
    ];
    for (const [variables, code, details] of attempts) {
      const result = await stack.request(finance, setRate, variables);
      expect(result.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code, ...details });
      expect(result.errors?.[0]?.message).toContain(variables.currency === 'EUR' ? 'base currency' : '2026-09-17');
    }
    const badFile = `<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"><Cube>
      <Cube time='2026-09-17'><Cube currency='SEK' rate='11.4'/><Cube currency='USD' rate='1.08'/></Cube>
      <Cube time='2026-09-18'><Cube currency='SEK' rate='0'/></Cube></Cube></gesmes:Envelope>`;
    const file = await stack.request(finance, `mutation ($xml: String!) { importFxRates(xml: $xml) { applied } }`, { xml: badFile });
    expect(file.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_RATE', date: '2026-09-18', currency: 'SEK' });
    const malformed = await stack.request(finance, `mutation ($xml: String!) { importFxRates(xml: $xml) { applied } }`, { xml: badFile.replace('</Cube></gesmes', '</gesmes') });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(malformed.errors?.[0]?.message).toMatch(/Malformed XML at line/);
    const forbidden = await stack.request(auditor, setRate, { date: '2026-09-17', currency: 'SEK', rate: '11.4' });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await stack.settle();
    const sek = await stack.request(finance, fxRateQuery, { date: '2026-09-17', from: 'EUR', to: 'SEK' });
    expect(sek.data.fxRate).toEqual({ rate: null, fixings: [], missingCurrencies: ['SEK'] });
    expect((await stack.request(finance, '{ heldFxRates { date } }')).data.heldFxRates).toEqual([]);
    expect({ period: await september(), deltas: await deltaCount() }).toEqual(before);
  });

  it('holds a supplied fixing that jumps beyond the threshold, leaving the buckets pending until it is confirmed', async () => {
    const before = await september();
    const held = await stack.request(finance, setRate, { date: '2026-09-17', currency: 'SEK', rate: '12.9' });
    expect(held.errors).toBeUndefined();
    expect(held.data.setFxRate).toEqual({
      applied: 0, unchanged: 0,
      held: [{ date: '2026-09-17', currency: 'SEK', rate: '12.9', previousRate: '11.396581', jump: new Decimal('12.9').minus('11.396581').dividedBy('11.396581').toFixed() }],
    });
    expect((await stack.request(auditor, '{ heldFxRates { date currency rate } }')).data.heldFxRates).toEqual([{ date: '2026-09-17', currency: 'SEK', rate: '12.9' }]);
    await stack.settle();
    expect(await september()).toEqual(before);
  });

  it('clears the pending buckets once the held fixing is confirmed, re-rates the period and pushes a delta', async () => {
    const before = await september();
    const subscription = firstDeltaOf(client, partnerId, septemberStart);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const confirmed = await stack.request(finance, confirmRate, { date: '2026-09-17', currency: 'SEK' });
    expect(confirmed.data.confirmFxRate).toEqual({ applied: 1, held: [] });
    await stack.settle();
    const delta = await within(subscription.received, 'a delta for the September period');
    subscription.dispose();

    const after = await september();
    expect(after.fxPending).toEqual([]);
    expect(after.totals.ggr).not.toBe(before.totals.ggr);
    expect(after.totals.cashStake).not.toBe(before.totals.cashStake);
    expect(delta.totals.ggr).toBe(after.totals.ggr);
    expect(new Decimal(delta.change.ggr).equals(new Decimal(after.totals.ggr).minus(before.totals.ggr))).toBe(true);
    // The subscriber selected the FX subgraph's converted view of the period in the same subscription.
    expect(delta.period.totalsIn.rate).toBe('1.076809');
    expect(new Decimal(delta.period.totalsIn.totals.ggr).equals(new Decimal(after.totals.ggr).times('1.076809'))).toBe(true);
    const exposure = await stack.request(finance, exposureQuery, { id: after.id, currency: 'EUR', date: '2026-11-20' });
    expect(exposure.data.settlementPeriod.fxExposure.pending).toEqual([]);
    expect(exposure.data.settlementPeriod.fxExposure.payables[0].pendingBuckets).toBe(0);
  });

  it('applies the other missing SEK fixings supplied afterwards, each judged against the one before it', async () => {
    const supplied = [['2026-09-10', '11.41'], ['2026-09-11', '11.43'], ['2026-09-14', '11.45'], ['2026-09-15', '11.47'], ['2026-09-16', '11.49'], ['2026-09-18', '12.85'], ['2026-09-21', '12.8']];
    for (const [date, rate] of supplied) {
      const result = await stack.request(finance, setRate, { date, currency: 'SEK', rate });
      expect(result.data.setFxRate, date).toMatchObject({ applied: 1, held: [] });
    }
    await stack.settle();
    const sek = await stack.request(finance, fxRateQuery, { date: '2026-09-20', from: 'EUR', to: 'SEK' });
    expect(sek.data.fxRate).toEqual({ rate: '12.85', fixings: [{ date: '2026-09-18', currency: 'SEK', rate: '12.85' }], missingCurrencies: [] });
    expect((await september()).fxPending).toEqual([]);
  });

  it("returns a period's totals in its contract currency and, from the FX subgraph, converted into USD with the rate and its date", async () => {
    const result = await stack.request(finance, `query ($id: ID!) { settlementPeriod(id: $id) {
      currency totals { ggr ngr cashStake }
      totalsIn(currency: "USD") { currency rateDate rate pending fixings { date currency rate } totals { ggr ngr cashStake } } } }`, { id: (await september()).id });
    expect(result.errors).toBeUndefined();
    const period = result.data.settlementPeriod;
    expect(period.currency).toBe('EUR');
    // The period ends 2026-09-30T22:00Z: its last day is 2026-09-30, whose USD fixing the example file has.
    const usd = '1.076809';
    expect(period.totalsIn).toMatchObject({ currency: 'USD', rateDate: '2026-09-30', rate: usd, pending: false, fixings: [{ date: '2026-09-30', currency: 'USD', rate: usd }] });
    for (const field of ['ggr', 'ngr', 'cashStake']) {
      expect(new Decimal(period.totalsIn.totals[field]).equals(new Decimal(period.totals[field]).times(usd)), field).toBe(true);
    }
  });

  it("values the period's open payable in another currency at the fixing of the date asked", async () => {
    const period = await september();
    const result = await stack.request(finance, exposureQuery, { id: period.id, currency: 'USD', date: '2026-11-22' });
    expect(result.errors).toBeUndefined();
    const exposure = result.data.settlementPeriod.fxExposure;
    // 2026-11-22 is a Sunday: the Friday fixing (2026-11-20, USD 1.102444) is the latest within 7 days.
    expect(exposure.payables).toEqual([expect.objectContaining({
      currency: 'EUR', openPayable: period.paidNow, rate: '1.102444', fixings: [{ date: '2026-11-20', currency: 'USD', rate: '1.102444' }],
      openPayableConverted: new Decimal(period.paidNow).times('1.102444').toFixed(),
    })]);
    expect(exposure.openPayableTotal).toBe(exposure.payables[0].openPayableConverted);
  });
});
