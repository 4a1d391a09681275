import { createHmac } from 'node:crypto';
import type { Subgraphs } from './processes.ts';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string }[];
}

/** POSTs one operation; throws on transport or GraphQL errors. */
export async function graphql<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id code } }`;
const registerGames = `mutation ($partnerId: ID!, $games: [GameInput!]!) { registerGames(partnerId: $partnerId, games: $games) { code } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
const rotateSecret = `mutation ($partnerId: ID!) { rotateIngestSecret(partnerId: $partnerId) }`;

export const benchGames = ['slot-1', 'slot-2', 'live-1', 'table-1', 'crash-1'];

export interface BenchPartner {
  id: string;
  code: string;
  name: string;
  /** The NDJSON batch ingest secret. */
  secret: string;
}

export function termsOf(cycle: 'WEEKLY' | 'MONTHLY') {
  return {
    currency: 'EUR', timezone: 'Europe/Malta', cycle, base: 'NGR',
    deductions: { bonusStake: true, jackpotContribution: true, gamingTaxRate: '0.05' },
    tiers: [{ upTo: '100000', rate: '0.12' }, { upTo: null, rate: '0.10' }], tierMode: 'MARGINAL',
    overrides: [{ name: 'live casino', categories: ['LIVE_CASINO'], rate: '0.25' }],
    minimumFee: '1000', negativeCarryover: true, minimumPayout: '500',
  };
}

/**
 * `count` NDJSON_BATCH partners with a small catalogue and contract terms, created through the
 * gateway, then waits until the transactions and settlements subgraphs hold their copies.
 */
export async function createPartners(
  graphqlUrl: string,
  tokens: { admin: string; finance: string },
  subgraphs: Subgraphs,
  options: { count: number; cycle: 'WEEKLY' | 'MONTHLY'; prefix?: string },
): Promise<BenchPartner[]> {
  const partners: BenchPartner[] = [];
  for (let index = 1; index <= options.count; index++) {
    const code = `${options.prefix ?? 'BENCH'}${String(index).padStart(2, '0')}`;
    const name = `Bench Partner ${String(index).padStart(2, '0')}`;
    const { createPartner: created } = await graphql(graphqlUrl, tokens.admin, createPartner, {
      input: { code, name, kind: 'AGGREGATOR', timezone: 'Europe/Malta', adapter: { type: 'NDJSON_BATCH' } },
    });
    const partnerId = created.id as string;
    const categories: Record<string, string> = { slot: 'SLOT', live: 'LIVE_CASINO', table: 'TABLE', crash: 'CRASH' };
    await graphql(graphqlUrl, tokens.admin, registerGames, {
      partnerId,
      games: benchGames.map((game) => ({ code: game, name: game, category: categories[game.split('-')[0]!], declaredRtp: '96.50' })),
    });
    await graphql(graphqlUrl, tokens.finance, setTerms, { partnerId, from: '2020-01-06', terms: termsOf(options.cycle) });
    const { rotateIngestSecret: secret } = await graphql(graphqlUrl, tokens.admin, rotateSecret, { partnerId });
    partners.push({ id: partnerId, code, name, secret });
  }
  await settle(subgraphs);
  return partners;
}

/** Waits until every event committed so far reached the transactions copy and the settlements totals. */
export async function settle(subgraphs: Subgraphs): Promise<void> {
  await subgraphs.processes.transactions.call('drain');
  await subgraphs.processes.settlements.call('drain');
}

export interface NdjsonLine {
  id: string;
  round: string;
  player: string;
  game: string;
  kind: 'BET' | 'WIN';
  amount: string;
  ccy: string;
  bonus: 0 | 1;
  ref: null;
  ts: number;
}

/** A signed NDJSON batch (DESIGN.md 3.2): the body and its headers. */
export function ndjsonBatch(secret: string, lines: readonly NdjsonLine[]): { body: string; headers: Record<string, string> } {
  const body = lines.map((line) => JSON.stringify(line)).join('\n');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
  const signature = createHmac('sha256', key).update(`${timestamp}.`, 'utf8').update(body, 'utf8').digest('hex');
  return { body, headers: { 'content-type': 'application/x-ndjson', 'x-timestamp': timestamp, 'x-signature': `sha256=${signature}` } };
}

/** POSTs a batch to /ingest/{code}/batch on `baseUrl` (the gateway's public port, or the subgraph). */
export async function postBatch(baseUrl: string, partner: BenchPartner, lines: readonly NdjsonLine[]): Promise<{ accepted: number; duplicates: number }> {
  const { body, headers } = ndjsonBatch(partner.secret, lines);
  const response = await fetch(`${baseUrl}/ingest/${encodeURIComponent(partner.code)}/batch`, { method: 'POST', headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`batch for ${partner.code}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as { accepted: number; duplicates: number };
}
