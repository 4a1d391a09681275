import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Stack } from '../../../../test/support/stack.ts';

/**
 * Replays the NOVA partner of shared/examples/basic through the public API: partner, games, contract
 * versions, the ECB file, then NOVA's canonical records in arrival order. A record marked "malformed"
 * stands for a wire record that cannot be parsed and is sent with an empty roundId (quarantined
 * MALFORMED), as test/e2e/examples.e2e.test.ts does.
 */
export { examplesDir } from '../../../../test/support/examples-dir.ts';
import { examplesDir } from '../../../../test/support/examples-dir.ts';
const recordBatchMax = 500;

interface ScenarioRecord {
  partner: string;
  roundId: string;
  malformed?: string;
  [field: string]: unknown;
}

export interface Scenario {
  now: string;
  partners: { code: string; name: string; kind: string; timezone: string; adapter: string }[];
  games: { partner: string; code: string; name: string; category: string; declaredRtp: string }[];
  contracts: { partner: string; effectiveFrom: string; terms: unknown }[];
  records: ScenarioRecord[];
}

export interface ExpectedPeriod {
  partner: string;
  periodStart: string;
  fxPending: { gameCode: string; currency: string; bucketStart: string }[];
}

export const scenario = JSON.parse(readFileSync(`${examplesDir}/scenario.json`, 'utf8')) as Scenario;
export const expectedPeriods = (JSON.parse(readFileSync(`${examplesDir}/expected.json`, 'utf8')) as { periods: ExpectedPeriod[] }).periods;
export const ecbXml = readFileSync(`${examplesDir}/wire/eurofxref-hist.xml`, 'utf8');

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const registerGames = `mutation ($partnerId: ID!, $games: [GameInput!]!) { registerGames(partnerId: $partnerId, games: $games) { code } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
const importFx = `mutation ($xml: String!) { importFxRates(xml: $xml) { applied unchanged held { date currency } skipped { currency } } }`;
const record = `mutation ($partnerId: ID!, $transactions: [TransactionInput!]!) {
  recordTransactions(partnerId: $partnerId, transactions: $transactions) { accepted duplicates quarantined } }`;

function ok(result: { errors?: unknown[] }, what: string): void {
  expect(result.errors, what).toBeUndefined();
}

function canonicalOf(scenarioRecord: ScenarioRecord) {
  const { partner: _partner, malformed, ...transaction } = scenarioRecord;
  return malformed === undefined ? transaction : { ...transaction, roundId: '' };
}

/** Sets up one partner of the scenario and records its transactions; returns its id. */
export async function replayPartner(stack: Stack, code: string, tokens: { admin: string; finance: string }): Promise<string> {
  const partner = scenario.partners.find((candidate) => candidate.code === code)!;
  expect(partner.adapter, 'a partner whose records go in through recordTransactions').not.toBe('rest-poll');
  const created = await stack.request(tokens.admin, createPartner, {
    input: { code, name: partner.name, kind: partner.kind, timezone: partner.timezone, adapter: { type: partner.adapter.toUpperCase().replace('-', '_') } },
  });
  ok(created, `create ${code}`);
  const partnerId = created.data.createPartner.id as string;
  const games = scenario.games.filter((game) => game.partner === code).map(({ partner: _p, ...game }) => game);
  ok(await stack.request(tokens.admin, registerGames, { partnerId, games }), `games of ${code}`);
  for (const contract of scenario.contracts.filter((candidate) => candidate.partner === code)) {
    ok(await stack.request(tokens.finance, setTerms, { partnerId, from: contract.effectiveFrom, terms: contract.terms }), `terms of ${code}`);
  }
  const records = scenario.records.filter((candidate) => candidate.partner === code);
  for (let index = 0; index < records.length; index += recordBatchMax) {
    const batch = records.slice(index, index + recordBatchMax).map(canonicalOf);
    ok(await stack.request(tokens.admin, record, { partnerId, transactions: batch }), `records ${index} of ${code}`);
  }
  return partnerId;
}

export async function importExampleRates(stack: Stack, finance: string): Promise<{ applied: number; held: unknown[]; skipped: unknown[] }> {
  const result = await stack.request(finance, importFx, { xml: ecbXml });
  ok(result, 'FX import');
  return result.data.importFxRates;
}
