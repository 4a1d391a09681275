import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { connect } from '@clearhouse/kernel/db/index';
import type { Stack } from './stack.ts';

/** Shared by the security end-to-end tests: two partners with data of every kind, and readers of audit.log. */
export const clockAt = '2026-11-21T00:00:00.000Z';

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const registerGames = `mutation ($partnerId: ID!, $games: [GameInput!]!) { registerGames(partnerId: $partnerId, games: $games) { code } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
export const recordMutation = `mutation ($partnerId: ID!, $transactions: [TransactionInput!]!) {
  recordTransactions(partnerId: $partnerId, transactions: $transactions) { accepted quarantined } }`;

export const terms = {
  currency: 'EUR', timezone: 'Europe/Malta', cycle: 'MONTHLY', base: 'GGR', deductions: {},
  tiers: [{ upTo: null, rate: '0.10' }], tierMode: 'MARGINAL', overrides: [], negativeCarryover: true,
};

export function bet(id: string, amount: string, gameCode = 'slot-1') {
  return { externalId: id, roundId: `r-${id}`, playerId: 'p1', gameCode, kind: 'BET', funding: 'CASH', amount, currency: 'EUR', occurredAt: '2026-11-20T10:00:00.000Z' };
}

/** The data of a result that must have succeeded; loosely typed, as test queries are. */
export function ok(result: { data?: unknown; errors?: unknown[] }, what: string): any {
  if (result.errors !== undefined || result.data === undefined || result.data === null) throw new Error(`${what}: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** A partner with a game, terms, one accepted and one quarantined transaction, hence a period and a delta. */
export async function seedPartner(stack: Stack, admin: string, code: string): Promise<string> {
  const input = { code, name: `${code} Games`, kind: 'GAME_PROVIDER', timezone: 'Europe/Malta', adapter: { type: 'JSON_WEBHOOK' } };
  const partnerId = ok(await stack.request<{ createPartner: { id: string } }>(admin, createPartner, { input }), `create ${code}`).createPartner.id;
  ok(await stack.request(admin, registerGames, { partnerId, games: [{ code: 'slot-1', name: 'Slot', category: 'SLOT', declaredRtp: '96.50' }] }), 'games');
  ok(await stack.request(admin, setTerms, { partnerId, from: '2026-01-01', terms }), 'terms');
  await stack.settle();
  const recorded = ok(await stack.request(admin, recordMutation, { partnerId, transactions: [bet(`${code}-1`, '10.00'), bet(`${code}-q`, '1.00', 'no-such-game')] }), 'record');
  if (JSON.stringify(recorded) !== JSON.stringify({ recordTransactions: { accepted: 1, quarantined: 1 } })) throw new Error(`seed ${code}: ${JSON.stringify(recorded)}`);
  await stack.settle();
  return partnerId;
}

export function wsClient(stack: Stack, token: string | null, options: { onClose?: (code: number, reason: string) => void } = {}): Client {
  return createClient({
    url: stack.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => options.onClose?.((event as { code: number }).code, String((event as { reason: unknown }).reason)) },
  });
}

export interface AuditRow {
  seq: number;
  actor: string;
  roles: string[];
  action: string;
  object: string | null;
  result: string;
  origin: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** audit.log read directly (as the superuser the tests connect as), newest last. */
export async function auditRows(databaseUrl: string, afterSeq = 0): Promise<AuditRow[]> {
  const sql = connect(databaseUrl, { max: 1 });
  try {
    return (await sql`select * from audit.log where seq > ${afterSeq} order by seq`) as unknown as AuditRow[];
  } finally {
    await sql.end();
  }
}

export async function lastAuditSeq(databaseUrl: string): Promise<number> {
  const sql = connect(databaseUrl, { max: 1 });
  try {
    const [row] = await sql`select coalesce(max(seq), 0) as seq from audit.log`;
    return Number(row!.seq);
  } finally {
    await sql.end();
  }
}

/** Appends are awaited before each response is sent; a denial at WebSocket connect may lag its close frame slightly. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
