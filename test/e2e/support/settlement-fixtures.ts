import { expect } from 'vitest';
import type { Stack } from '../../support/stack.ts';

/** Partners, games, terms and canonical transactions through the gateway, for the settlement e2e tests. */
export const createPartnerMutation = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const registerGames = `mutation ($partnerId: ID!, $games: [GameInput!]!) { registerGames(partnerId: $partnerId, games: $games) { code } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
const record = `mutation ($partnerId: ID!, $transactions: [TransactionInput!]!) {
  recordTransactions(partnerId: $partnerId, transactions: $transactions) { accepted duplicates quarantined held } }`;

export const eurTerms = {
  currency: 'EUR', timezone: 'UTC', cycle: 'MONTHLY', base: 'GGR', deductions: {},
  tiers: [{ upTo: null, rate: '0.10' }], tierMode: 'MARGINAL', overrides: [], negativeCarryover: true,
};

export const periodFields = `id start end status currency fee payable paidNow closedBy approvedBy paymentReference
  totals { ggr cashStake } fxPending { gameCode currency bucketStart }`;

export async function createPartner(stack: Stack, admin: string, finance: string, code: string, terms: Record<string, unknown> = eurTerms): Promise<string> {
  const created = await stack.request(admin, createPartnerMutation, {
    input: { code, name: `${code} Games`, kind: 'GAME_PROVIDER', timezone: 'UTC', adapter: { type: 'JSON_WEBHOOK' } },
  });
  expect(created.errors).toBeUndefined();
  const partnerId = created.data.createPartner.id as string;
  const games = [{ code: 'slot-1', name: 'Slot', category: 'SLOT', declaredRtp: '96.00' }, { code: 'live-1', name: 'Live', category: 'LIVE_CASINO', declaredRtp: '97.00' }];
  expect((await stack.request(admin, registerGames, { partnerId, games })).errors).toBeUndefined();
  expect((await stack.request(finance, setTerms, { partnerId, from: '2026-01-01', terms })).errors).toBeUndefined();
  return partnerId;
}

export function tx(externalId: string, occurredAt: string, kind: string, amount: string, extra: Record<string, unknown> = {}) {
  return { externalId, roundId: `r-${externalId}`, playerId: 'p1', gameCode: 'slot-1', kind, funding: 'CASH', amount, currency: 'EUR', occurredAt, ...extra };
}

export async function recordTransactions(stack: Stack, admin: string, partnerId: string, transactions: unknown[]) {
  const result = await stack.request(admin, record, { partnerId, transactions });
  expect(result.errors).toBeUndefined();
  return result.data.recordTransactions as { accepted: number; duplicates: number; quarantined: number; held: number };
}

export async function periodsOf(stack: Stack, token: string, partnerId: string, fields = periodFields): Promise<any[]> {
  const result = await stack.request(token, `query ($p: ID!) { settlementPeriods(partnerId: $p) { ${fields} } }`, { p: partnerId });
  expect(result.errors).toBeUndefined();
  return result.data.settlementPeriods;
}

/** The `extensions.code` of the first error, or 'no error'. */
export function errorCode(result: { errors?: Array<{ extensions?: { code?: string } }> }): string {
  return result.errors?.[0]?.extensions?.code ?? 'no error';
}
