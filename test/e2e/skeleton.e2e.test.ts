import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id code name } }`;
const registerGames = `mutation ($partnerId: ID!, $games: [GameInput!]!) { registerGames(partnerId: $partnerId, games: $games) { code } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
const record = `mutation ($partnerId: ID!, $transactions: [TransactionInput!]!) {
  recordTransactions(partnerId: $partnerId, transactions: $transactions) { accepted duplicates quarantined held rejected { line reason detail } } }`;
const deltas = `subscription ($partnerId: ID, $afterSeq: Int) { settlementDeltas(partnerId: $partnerId, afterSeq: $afterSeq) {
  seq partner { id name } period { start currency } totals { ggr } fee payable change { transactions ggr } } }`;

const terms = {
  currency: 'EUR', timezone: 'Europe/Malta', cycle: 'MONTHLY', base: 'GGR', deductions: {},
  tiers: [{ upTo: null, rate: '0.10' }], tierMode: 'MARGINAL', overrides: [], negativeCarryover: true,
};

function bet(id: string, amount: string, occurredAt = '2026-11-20T10:00:00.000Z') {
  return { externalId: id, roundId: `r-${id}`, playerId: 'p1', gameCode: 'slot-1', kind: 'BET', funding: 'CASH', amount, currency: 'EUR', occurredAt };
}

interface DeltaEvent { seq: number; partner: { id: string; name: string }; totals: { ggr: string }; change: { transactions: number } }

function collect(client: Client, variables: Record<string, unknown>, count: number): Promise<DeltaEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: DeltaEvent[] = [];
    const dispose = client.subscribe<{ settlementDeltas: DeltaEvent }>({ query: deltas, variables }, {
      next: (message) => {
        if (message.errors) return reject(new Error(JSON.stringify(message.errors)));
        seen.push(message.data!.settlementDeltas);
        if (seen.length === count) {
          dispose();
          resolve(seen);
        }
      },
      error: reject,
      complete: () => {},
    });
  });
}

describe('walking skeleton, end to end through the gateway', () => {
  let stack: Stack;
  let admin: string;
  let finance: string;
  let partnerId: string;
  let client: Client;

  beforeAll(async () => {
    stack = await startStack(await freshDatabase('skeleton'));
    admin = await stack.token(['ADMIN']);
    finance = await stack.token(['FINANCE'], { sub: 'fiona' });
    const created = await stack.request(admin, createPartner, {
      input: { code: 'NOVA', name: 'Nova Games', kind: 'GAME_PROVIDER', timezone: 'Europe/Malta', adapter: { type: 'JSON_WEBHOOK' } },
    });
    expect(created.errors).toBeUndefined();
    partnerId = created.data.createPartner.id;
    expect((await stack.request(admin, registerGames, { partnerId, games: [{ code: 'slot-1', name: 'Slot', category: 'SLOT', declaredRtp: '96.50' }] })).errors).toBeUndefined();
    expect((await stack.request(finance, setTerms, { partnerId, from: '2026-01-01', terms })).errors).toBeUndefined();
    await stack.settle();
    client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${finance}` }, retryAttempts: 0 });
  });

  afterAll(async () => {
    await client?.dispose();
    await stack?.stop();
  });

  it('lists partners over HTTP', async () => {
    const result = await stack.request(finance, '{ partners { id code name games { code } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data.partners).toEqual([{ id: partnerId, code: 'NOVA', name: 'Nova Games', games: [{ code: 'slot-1' }] }]);
  });

  it('pushes a delta with the partner name from another subgraph when transactions are recorded', async () => {
    const received = collect(client, { partnerId }, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await stack.request(admin, record, { partnerId, transactions: [bet('t-1', '10.00'), bet('t-2', '5.50')] });
    expect(result.data.recordTransactions).toMatchObject({ accepted: 2, duplicates: 0, quarantined: 0 });
    const [event] = await received;
    expect(event!.partner).toEqual({ id: partnerId, name: 'Nova Games' });
    expect(event!.totals.ggr).toBe('15.5');
    expect(event!.change.transactions).toBe(2);
  });

  it('changes nothing when the same batch is recorded twice', async () => {
    await stack.settle();
    const periods = `query ($partnerId: ID!) { settlementPeriods(partnerId: $partnerId) { totals { ggr } fee } }`;
    const before = await stack.request(finance, periods, { partnerId });
    const again = await stack.request(admin, record, { partnerId, transactions: [bet('t-1', '10.00'), bet('t-2', '5.50')] });
    expect(again.data.recordTransactions).toMatchObject({ accepted: 0, duplicates: 2, quarantined: 0 });
    await stack.settle();
    const after = await stack.request(finance, periods, { partnerId });
    expect(after.data).toEqual(before.data);
    expect(after.data.settlementPeriods[0].totals.ggr).toBe('15.5');
    const stats = await stack.request(finance, `query ($p: ID!) { ingestStats(partnerId: $p) { accepted duplicates quarantined } }`, { p: partnerId });
    expect(stats.data.ingestStats).toEqual({ accepted: 2, duplicates: 2, quarantined: 0 });
  });

  it('replays exactly the missed deltas, in order, to a subscriber resuming with afterSeq', async () => {
    for (const [index, amount] of ['1.00', '2.00', '3.00'].entries()) {
      await stack.request(admin, record, { partnerId, transactions: [bet(`resume-${index}`, amount)] });
      await stack.settle();
    }
    const replayed = await collect(client, { partnerId, afterSeq: 1 }, 3);
    expect(replayed.map((event) => event.seq)).toEqual([2, 3, 4]);
    expect(replayed.map((event) => event.totals.ggr)).toEqual(['16.5', '18.5', '21.5']);
  });
});
