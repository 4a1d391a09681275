import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.ts';
import { bet, clockAt, ok, recordMutation, seedPartner, wsClient } from '../support/security.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * A PARTNER user sees only its own partner's data, in every query and subscription (DESIGN.md 6),
 * and cannot tell another partner's object from one that does not exist. Each case below is tried
 * with the other partner's id and with an id that exists nowhere; the two answers must be identical.
 */
type Ids = { partner: string; period: string; delta: string };

/** Query fields that refuse another partner's object with NOT_FOUND; $id is the object asked about. */
const refusedAsMissing: Record<string, { query: string; id: (ids: Ids) => string; missing: string }> = {
  transactions: { query: 'query ($id: ID!) { transactions(partnerId: $id) { externalId amount partner { id } } }', id: (ids) => ids.partner, missing: randomUUID() },
  quarantinedTransactions: { query: 'query ($id: ID!) { quarantinedTransactions(partnerId: $id) { id externalId raw } }', id: (ids) => ids.partner, missing: randomUUID() },
  ingestStats: { query: 'query ($id: ID!) { ingestStats(partnerId: $id) { accepted duplicates quarantined heldRollbacks } }', id: (ids) => ids.partner, missing: randomUUID() },
  quarantineSummary: { query: 'query ($id: ID!) { quarantineSummary(partnerId: $id) { reason count } }', id: (ids) => ids.partner, missing: randomUUID() },
  overdueHeldRollbacks: { query: 'query ($id: ID!) { overdueHeldRollbacks(partnerId: $id) { externalId } }', id: (ids) => ids.partner, missing: randomUUID() },
  pollerStatus: { query: 'query ($id: ID!) { pollerStatus(partnerId: $id) { circuit cursor lastError } }', id: (ids) => ids.partner, missing: randomUUID() },
  settlementPeriods: { query: 'query ($id: ID!) { settlementPeriods(partnerId: $id) { id totals { ggr } fee partner { id name } } }', id: (ids) => ids.partner, missing: randomUUID() },
  settlementDeltaPointers: { query: 'query ($id: ID!) { settlementDeltaPointers(partnerId: $id, afterSeq: 0, limit: 10) { id partnerId seq } }', id: (ids) => ids.partner, missing: randomUUID() },
  statementCsv: { query: 'query ($id: ID!) { statementCsv(periodId: $id) }', id: (ids) => ids.period, missing: randomUUID() },
  statementPdf: { query: 'query ($id: ID!) { statementPdf(periodId: $id) }', id: (ids) => ids.period, missing: randomUUID() },
};

/** Query fields taking one object's id; $id is the object asked about. */
const byObject: Record<string, { query: string; id: (ids: Ids) => string; missing: string }> = {
  partner: { query: 'query ($id: ID!) { partner(id: $id) { id name games { code } contracts { id terms } } }', id: (ids) => ids.partner, missing: randomUUID() },
  settlementPeriod: { query: 'query ($id: ID!) { settlementPeriod(id: $id) { id totals { ggr } fee } }', id: (ids) => ids.period, missing: randomUUID() },
  settlementDelta: { query: 'query ($id: ID!) { settlementDelta(id: $id) { id seq totals { ggr } partner { id } } }', id: (ids) => ids.delta, missing: '987654321' },
};

/** Fields that hold no one partner's data: a PARTNER user is refused them, or they are market data. */
const refusedToPartners: Record<string, string> = {
  verifyLedger: '{ verifyLedger { __typename } }',
  ledgerEntries: '{ ledgerEntries(first: 5) { __typename } }',
  rateWhatIf: `{ rateWhatIf(periodId: "${randomUUID()}", terms: {}) { __typename } }`,
  auditLog: '{ auditLog(first: 5) { seq } }',
  verifyAuditLog: '{ verifyAuditLog { ok } }',
  heldFxRates: '{ heldFxRates { currency } }',
  settlementDeltaFeed: '{ settlementDeltaFeed(limit: 10) { id partnerId } }',
};
const marketData: Record<string, string> = {
  fxRate: '{ fxRate(date: "2026-11-20", from: "EUR", to: "USD") { rate } }',
  fxFeedStatus: '{ fxFeedStatus { __typename } }',
};
const lists = ['partners'];

const deltasSubscription = `subscription ($p: ID, $after: Int) { settlementDeltas(partnerId: $p, afterSeq: $after) { seq partner { id name } totals { ggr } } }`;

interface DeltaEvent { seq: number; partner: { id: string } }

function collect(client: Client, variables: Record<string, unknown>, sink: DeltaEvent[]): Promise<unknown> {
  return new Promise((resolve) => {
    client.subscribe<{ settlementDeltas: DeltaEvent }>({ query: deltasSubscription, variables }, {
      next: (message) => {
        if (message.errors) resolve(message.errors);
        else sink.push(message.data!.settlementDeltas);
      },
      error: resolve,
      complete: () => resolve(null),
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a PARTNER user sees only its own partner', () => {
  let stack: Stack;
  let admin: string;
  let finance: string;
  let partnerUser: string;
  let own: Ids;
  let other: Ids;
  const clients: Client[] = [];

  async function idsOf(partnerId: string): Promise<Ids> {
    const query = `query ($p: ID!) { settlementPeriods(partnerId: $p) { id } settlementDeltaPointers(partnerId: $p, afterSeq: 0, limit: 1) { id } }`;
    const data = ok(await stack.request(finance, query, { p: partnerId }), 'ids');
    return { partner: partnerId, period: data.settlementPeriods[0].id, delta: data.settlementDeltaPointers[0].id };
  }

  beforeAll(async () => {
    stack = await startStack(await freshDatabase('securityisolation'), { clockAt });
    admin = await stack.token(['ADMIN']);
    finance = await stack.token(['FINANCE']);
    const ownId = await seedPartner(stack, admin, 'OWN');
    const otherId = await seedPartner(stack, admin, 'OTHER');
    own = await idsOf(ownId);
    other = await idsOf(otherId);
    partnerUser = await stack.token(['PARTNER'], { sub: 'own-user', partnerId: ownId });
  });

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await stack?.stop();
  });

  it('has a case below for every query field of the API', async () => {
    const introspected = ok(await stack.request(admin, '{ __schema { queryType { fields { name } } } }'), 'introspection');
    const fields = introspected.__schema.queryType.fields.map((field: { name: string }) => field.name).sort();
    const covered = [...Object.keys(refusedAsMissing), ...Object.keys(byObject), ...Object.keys(refusedToPartners), ...Object.keys(marketData), ...lists].sort();
    expect(covered).toEqual(fields);
  });

  it.each(Object.keys(refusedAsMissing))('%s: answers for another partner exactly as for something that does not exist', async (field) => {
    const { query, id, missing } = refusedAsMissing[field]!;
    const asOther = await stack.request(partnerUser, query, { id: id(other) });
    const asMissing = await stack.request(partnerUser, query, { id: missing });
    expect(asOther.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(asOther).toEqual(asMissing);
    expect(JSON.stringify(asOther)).not.toContain(other.partner);
    // The data is there: the partner's own query and a staff query for the other partner both succeed.
    expect(ok(await stack.request(partnerUser, query, { id: id(own) }), `${field} own`)).toBeDefined();
    expect(ok(await stack.request(finance, query, { id: id(other) }), `${field} staff`)).toBeDefined();
  });

  it.each(Object.keys(byObject))('%s: answers null for another partner\'s object, as for one that does not exist', async (field) => {
    const { query, id, missing } = byObject[field]!;
    const asOther = await stack.request(partnerUser, query, { id: id(other) });
    const asMissing = await stack.request(partnerUser, query, { id: missing });
    expect(asOther).toEqual({ data: { [field]: null } });
    expect(asMissing).toEqual(asOther);
    expect(ok(await stack.request(partnerUser, query, { id: id(own) }), `${field} own`)[field]).not.toBeNull();
    expect(ok(await stack.request(finance, query, { id: id(other) }), `${field} staff`)[field]).not.toBeNull();
  });

  it('partners: lists the own partner only', async () => {
    const mine = ok(await stack.request(partnerUser, '{ partners { id games { code } contracts { id } } }'), 'partners').partners;
    expect(mine.map((partner: { id: string }) => partner.id)).toEqual([own.partner]);
    const all = ok(await stack.request(finance, '{ partners { id } }'), 'partners').partners;
    expect(all.map((partner: { id: string }) => partner.id).sort()).toEqual([own.partner, other.partner].sort());
  });

  it.each(Object.keys(refusedToPartners))('%s: is refused to a PARTNER user', async (field) => {
    const result = await stack.request(partnerUser, refusedToPartners[field]!);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(result)).not.toContain(other.partner);
  });

  it.each(Object.keys(marketData))('%s: holds no partner data', async (field) => {
    const result = await stack.request(partnerUser, marketData[field]!);
    expect(JSON.stringify(result)).not.toContain(other.partner);
  });

  it('is refused every mutation, for another partner and for its own', async () => {
    const attempts: [string, Record<string, unknown>][] = [
      [recordMutation, { partnerId: other.partner, transactions: [bet('x-1', '1.00')] }],
      [recordMutation, { partnerId: own.partner, transactions: [bet('x-2', '1.00')] }],
      ['mutation ($p: ID!) { rotateIngestSecret(partnerId: $p) }', { p: other.partner }],
      ['mutation ($p: ID!) { registerGames(partnerId: $p, games: []) { code } }', { p: other.partner }],
      ['mutation ($p: ID!) { setContractTerms(partnerId: $p, effectiveFrom: "2026-01-01", terms: {}) { id } }', { p: own.partner }],
      ['mutation { replayQuarantined(ids: ["1"]) { id outcome } }', {}],
    ];
    for (const [query, variables] of attempts) {
      const result = await stack.request(partnerUser, query, variables);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
  });

  it('gets only its own deltas on a subscription without partnerId, while other partners\' deltas flow', async () => {
    const mine: DeltaEvent[] = [];
    const everyone: DeltaEvent[] = [];
    const partnerClient = wsClient(stack, partnerUser);
    const staffClient = wsClient(stack, finance);
    clients.push(partnerClient, staffClient);
    void collect(partnerClient, {}, mine);
    void collect(staffClient, {}, everyone);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const [partnerId, id] of [[other.partner, 'flow-1'], [other.partner, 'flow-2'], [own.partner, 'flow-3'], [other.partner, 'flow-4']] as const) {
      ok(await stack.request(admin, recordMutation, { partnerId, transactions: [bet(id, '2.00')] }), 'record');
      await stack.settle();
    }
    await until(() => everyone.length >= 4);
    await until(() => mine.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(everyone.filter((event) => event.partner.id === other.partner)).toHaveLength(3);
    expect(mine.map((event) => event.partner.id)).toEqual([own.partner]);
  });

  it('is refused a subscription to another partner exactly as to a partner that does not exist, replay included', async () => {
    const client = wsClient(stack, partnerUser);
    clients.push(client);
    const received: DeltaEvent[] = [];
    const toOther = await collect(client, { p: other.partner }, received);
    const toMissing = await collect(client, { p: randomUUID() }, received);
    const replayOther = await collect(client, { p: other.partner, after: 0 }, received);
    expect(JSON.stringify(toOther)).toContain('NOT_FOUND');
    expect(toMissing).toEqual(toOther);
    expect(replayOther).toEqual(toOther);
    expect(received).toEqual([]);

    const replayOwn: DeltaEvent[] = [];
    void collect(client, { p: own.partner, after: 0 }, replayOwn);
    await until(() => replayOwn.length >= 2);
    expect(replayOwn.every((event) => event.partner.id === own.partner)).toBe(true);
  });
});
