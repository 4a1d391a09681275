import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '@clearhouse/kernel';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * Replays shared/examples/basic through the public GraphQL API of the whole stack (DESIGN.md 6) and
 * compares every period with expected.json. Records are sent in canonical form with
 * recordTransactions, in arrival order, in batches of consecutive records of one partner. A record
 * marked "malformed" stands for a wire record that cannot be parsed: it is sent with an empty
 * roundId, which the format check quarantines as MALFORMED, so the quarantine counts can be compared too.
 */
import { examplesDir } from '../support/examples-dir.ts';
const recordBatchMax = 500;

interface ScenarioRecord {
  partner: string;
  externalId: string;
  roundId: string;
  playerId: string;
  gameCode: string;
  kind: string;
  funding: string;
  amount: string;
  currency: string;
  occurredAt: string;
  refersTo: string | null;
  malformed?: string;
}

interface Scenario {
  now: string;
  partners: { code: string; name: string; kind: string; timezone: string; adapter: string }[];
  games: { partner: string; code: string; name: string; category: string; declaredRtp: string }[];
  contracts: { partner: string; effectiveFrom: string; terms: unknown }[];
  records: ScenarioRecord[];
}

interface ExpectedPeriod {
  partner: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  totals: Record<string, string>;
  groups: { override: string; base: string; fee: string }[];
  tieredBase: string;
  tierBands: { from: string; upTo: string | null; slice: string; rate: string }[];
  fxPending: { gameCode: string; currency: string; bucketStart: string }[];
  [figure: string]: unknown;
}

interface Expected {
  periods: ExpectedPeriod[];
  quarantine: Record<string, number>;
  duplicates: number;
}

const scenario = JSON.parse(readFileSync(`${examplesDir}/scenario.json`, 'utf8')) as Scenario;
const expected = JSON.parse(readFileSync(`${examplesDir}/expected.json`, 'utf8')) as Expected;
const ecbXml = readFileSync(`${examplesDir}/wire/eurofxref-hist.xml`, 'utf8');

const adapterTypes: Record<string, string> = {
  'json-webhook': 'JSON_WEBHOOK', 'ndjson-batch': 'NDJSON_BATCH', 'csv-report': 'CSV_REPORT', 'rest-poll': 'REST_POLL',
};
const unroundedFigures = ['tieredBase', 'computedFee', 'carryIn', 'carryOut'] as const;
const exactFigures = ['fee', 'payable', 'paidNow', 'payableCarryIn', 'payableCarryOut'] as const;
const tolerance = new Decimal('1e-8');

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const registerGames = `mutation ($partnerId: ID!, $games: [GameInput!]!) { registerGames(partnerId: $partnerId, games: $games) { code } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
const importFx = `mutation ($xml: String!) { importFxRates(xml: $xml) { applied unchanged held { date currency } } }`;
const record = `mutation ($partnerId: ID!, $transactions: [TransactionInput!]!) {
  recordTransactions(partnerId: $partnerId, transactions: $transactions) { accepted duplicates quarantined } }`;
const periodsQuery = `query ($partnerId: ID!) { settlementPeriods(partnerId: $partnerId) {
  start end status currency
  totals { cashStake bonusStake cashWin bonusWin jackpotContribution jackpotWin ggr ngr }
  groups { override base fee } tieredBase tierBands { from upTo slice rate }
  computedFee fee carryIn carryOut payableCarryIn payable paidNow payableCarryOut
  fxPending { gameCode currency bucketStart } } }`;

function canonicalOf(scenarioRecord: ScenarioRecord) {
  const { partner: _partner, malformed, ...transaction } = scenarioRecord;
  return malformed === undefined ? transaction : { ...transaction, roundId: '' };
}

function expectClose(actual: string | undefined, wanted: string, label: string): void {
  expect(actual, label).toBeDefined();
  expect(new Decimal(actual!).minus(wanted).abs().lessThan(tolerance), `${label}: ${actual} vs ${wanted}`).toBe(true);
}

/** PULSE polls a provider; this one has nothing to serve, since the replay records through the API. */
async function emptyProvider(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: [], next_cursor: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('the basic worked example, replayed through the GraphQL API', () => {
  let stack: Stack;
  let provider: Server;
  let finance: string;
  const partnerIds = new Map<string, string>();
  const periodsByPartner = new Map<string, any[]>();

  beforeAll(async () => {
    provider = await emptyProvider();
    stack = await startStack(await freshDatabase('examples'), { clockAt: scenario.now });
    const admin = await stack.token(['ADMIN']);
    finance = await stack.token(['FINANCE'], { sub: 'fiona' });
    const ok = (result: { errors?: unknown[] }, what: string) => expect(result.errors, what).toBeUndefined();

    for (const partner of scenario.partners) {
      const adapter = partner.adapter === 'rest-poll'
        ? { type: 'REST_POLL', pollUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}`, pollApiKey: 'unused', pollIntervalSeconds: 3600 }
        : { type: adapterTypes[partner.adapter] };
      const created = await stack.request(admin, createPartner, {
        input: { code: partner.code, name: partner.name, kind: partner.kind, timezone: partner.timezone, adapter },
      });
      ok(created, `create ${partner.code}`);
      const partnerId = created.data.createPartner.id as string;
      partnerIds.set(partner.code, partnerId);
      const games = scenario.games.filter((game) => game.partner === partner.code)
        .map(({ code, name, category, declaredRtp }) => ({ code, name, category, declaredRtp }));
      ok(await stack.request(admin, registerGames, { partnerId, games }), `games of ${partner.code}`);
    }
    for (const contract of scenario.contracts) {
      ok(await stack.request(finance, setTerms, { partnerId: partnerIds.get(contract.partner), from: contract.effectiveFrom, terms: contract.terms }), `terms of ${contract.partner}`);
    }
    const fx = await stack.request(finance, importFx, { xml: ecbXml });
    ok(fx, 'FX import');
    expect(fx.data.importFxRates.held).toEqual([]);

    let batch: ScenarioRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await stack.request(admin, record, { partnerId: partnerIds.get(batch[0]!.partner), transactions: batch.map(canonicalOf) });
      ok(result, `batch of ${batch[0]!.partner}`);
      batch = [];
    };
    for (const scenarioRecord of scenario.records) {
      if (batch.length === recordBatchMax || (batch.length > 0 && batch[0]!.partner !== scenarioRecord.partner)) await flush();
      batch.push(scenarioRecord);
    }
    await flush();
    await stack.settle();

    for (const [code, partnerId] of partnerIds) {
      const result = await stack.request(finance, periodsQuery, { partnerId });
      ok(result, `periods of ${code}`);
      periodsByPartner.set(code, result.data.settlementPeriods);
    }
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => provider?.close(resolve));
  });

  it('shows exactly the periods expected.json lists, per partner, in order', () => {
    for (const { code } of scenario.partners) {
      const wanted = expected.periods.filter((period) => period.partner === code).map((period) => [Date.parse(period.periodStart), Date.parse(period.periodEnd)]);
      const actual = periodsByPartner.get(code)!.map((period) => [Date.parse(period.start), Date.parse(period.end)]);
      expect(actual, code).toEqual(wanted);
    }
  });

  describe.each(expected.periods.map((period) => [`${period.partner} ${period.periodStart}`, period] as const))('period %s', (_label, want) => {
    const actual = () => {
      const period = periodsByPartner.get(want.partner)?.find((candidate) => Date.parse(candidate.start) === Date.parse(want.periodStart));
      expect(period, 'period exists').toBeDefined();
      return period!;
    };

    it('has the expected totals in the contract currency to 8 decimal places', () => {
      const period = actual();
      expect(period.currency).toBe(want.currency);
      expect(period.status).toBe('CLOSING');
      for (const [field, value] of Object.entries(want.totals)) expectClose(period.totals[field], value, `totals.${field}`);
    });

    it('has the expected override groups, tier bands, tiered base, computed fee and carries', () => {
      const period = actual();
      expect(period.groups.map((group: { override: string }) => group.override)).toEqual(want.groups.map((group) => group.override));
      want.groups.forEach((group, index) => {
        expectClose(period.groups[index]?.base, group.base, `${group.override} base`);
        expectClose(period.groups[index]?.fee, group.fee, `${group.override} fee`);
      });
      expect(period.tierBands.map((band: any) => [band.from, band.upTo, band.rate])).toEqual(want.tierBands.map((band) => [band.from, band.upTo, band.rate]));
      want.tierBands.forEach((band, index) => expectClose(period.tierBands[index]?.slice, band.slice, `band ${index} slice`));
      for (const figure of unroundedFigures) expectClose(period[figure], want[figure] as string, figure);
    });

    it('has exactly the expected fee, payable, paid now and payable carries', () => {
      const period = actual();
      for (const figure of exactFigures) expect(period[figure], figure).toBe(want[figure]);
    });

    it('lists exactly the expected FX-pending buckets', () => {
      const pending = (list: { gameCode: string; currency: string; bucketStart: string }[]) =>
        list.map((bucket) => [bucket.gameCode, bucket.currency, Date.parse(bucket.bucketStart)]);
      expect(pending(actual().fxPending)).toEqual(pending(want.fxPending));
    });
  });

  it('builds every period\'s statement with the fee, payable and paid-now figures of the period', async () => {
    for (const partnerId of partnerIds.values()) {
      const result = await stack.request(finance, `query ($p: ID!) { settlementPeriods(partnerId: $p) { fee payable paidNow
        statement { provisional totals { fee payable paidNow amountDueNow } lines { section } } } }`, { p: partnerId });
      expect(result.errors).toBeUndefined();
      for (const period of result.data.settlementPeriods) {
        const { amountDueNow, ...totals } = period.statement.totals;
        expect(totals).toEqual({ fee: period.fee, payable: period.payable, paidNow: period.paidNow });
        expect(new Decimal(amountDueNow).equals(period.paidNow), `amount due now ${amountDueNow}`).toBe(true);
        expect(period.statement.lines.some((line: { section: string }) => line.section === 'TIERED')).toBe(true);
      }
    }
  });

  it('quarantines each reason as often as expected.json says and counts the duplicates', async () => {
    const quarantined: Record<string, number> = {};
    let duplicates = 0;
    for (const partnerId of partnerIds.values()) {
      const summary = await stack.request(finance, `query ($p: ID!) { quarantineSummary(partnerId: $p) { reason count } ingestStats(partnerId: $p) { duplicates } }`, { p: partnerId });
      expect(summary.errors).toBeUndefined();
      for (const { reason, count } of summary.data.quarantineSummary) quarantined[reason] = (quarantined[reason] ?? 0) + count;
      duplicates += summary.data.ingestStats.duplicates;
    }
    expect(quarantined).toEqual(expected.quarantine);
    expect(duplicates).toBe(expected.duplicates);
  });
});
