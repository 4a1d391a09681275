import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.ts';
import { auditRows, clockAt, lastAuditSeq, ok, wsClient } from '../support/security.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * Over-limit operations are refused before any resolver runs, over HTTP and WebSocket alike. The
 * proof that nothing ran: each probe asks, as a PARTNER user, for another partner's data, which every
 * resolver refuses and writes to the audit log; a refused operation leaves no audit row behind.
 */
const limits = { depthMax: 3, costMax: 2_000 };
const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const partnerInput = (code: string) => ({ code, name: code, kind: 'GAME_PROVIDER', timezone: 'UTC', adapter: { type: 'JSON_WEBHOOK' } });

function aliases(count: number, field: string): string {
  return Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');
}

async function post(stack: Stack, token: string, body: unknown) {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: any[]; error?: any } };
}

function subscribeOnce(stack: Stack, token: string, query: string): Promise<unknown> {
  const client = wsClient(stack, token);
  return new Promise<unknown>((resolve) => client.subscribe({ query }, { next: resolve, error: resolve, complete: () => resolve(null) })).finally(() => client.dispose());
}

async function subscriberCount(stack: Stack): Promise<number> {
  return ((await (await fetch(`${stack.baseUrl}/health`)).json()) as { subscribers: number }).subscribers;
}

describe('operation limits', () => {
  let stack: Stack;
  let databaseUrl: string;
  let admin: string;
  let probe: string;
  let other: string;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('securitylimits');
    stack = await startStack(databaseUrl, { clockAt, gateway: { limits } });
    admin = await stack.token(['ADMIN']);
    other = ok(await stack.request(admin, createPartner, { input: partnerInput('OTHER') }), 'other').createPartner.id;
    probe = await stack.token(['PARTNER'], { sub: 'probe', partnerId: 'a-partner-of-its-own' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function refusedBeforeResolvers(body: unknown, limit: string, status = 400): Promise<void> {
    const seqBefore = await lastAuditSeq(databaseUrl);
    const result = await post(stack, probe, body);
    expect(result.status).toBe(status);
    const errors = result.body.errors ?? [result.body.error];
    expect(errors[0]?.extensions?.code ?? errors[0]?.code).toBe('LIMIT_EXCEEDED');
    if (limit !== 'bodySize') expect(errors[0]?.extensions?.limit).toBe(limit);
    expect(result.body.data ?? null).toBeNull();
    expect(await auditRows(databaseUrl, seqBefore)).toEqual([]);
  }

  it('lets a probe within the limits reach the resolvers, which refuse and audit it', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    // pollerStatus is nullable, so both refusals are reported (a non-null field would end the query at the first).
    const result = await post(stack, probe, { query: `query ($p: ID!) { ${aliases(2, 'pollerStatus(partnerId: $p) { circuit }')} }`, variables: { p: other } });
    expect(result.body.errors?.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    const rows = await auditRows(databaseUrl, seqBefore);
    expect(rows.map((row) => [row.action, row.result, row.details.count])).toEqual([['query.pollerStatus', 'DENIED', 2]]);
  });

  it('refuses too many aliases', async () => {
    await refusedBeforeResolvers({ query: `query ($p: ID!) { ${aliases(31, 'pollerStatus(partnerId: $p) { circuit }')} }`, variables: { p: other } }, 'aliases');
  });

  it('refuses a query deeper than allowed', async () => {
    await refusedBeforeResolvers({ query: 'query ($p: ID!) { settlementPeriods(partnerId: $p) { partner { contracts { id } } } }', variables: { p: other } }, 'depth');
  });

  it('refuses a query whose estimated cost is too high', async () => {
    await refusedBeforeResolvers({ query: 'query ($p: ID!) { transactions(partnerId: $p, first: 500) { externalId amount currency kind funding } }', variables: { p: other } }, 'cost');
  });

  it('refuses a page size passed as a variable, known only once the variables are', async () => {
    await refusedBeforeResolvers({ query: 'query ($p: ID!, $n: Int!) { transactions(partnerId: $p, first: $n) { externalId } }', variables: { p: other, n: 1_000 } }, 'pageSize');
  });

  it('refuses a document of too many tokens without parsing it', async () => {
    await refusedBeforeResolvers({ query: `query ($p: ID!) { ingestStats(partnerId: $p) { ${'accepted '.repeat(3_000)} } }`, variables: { p: other } }, 'tokens');
  });

  it('refuses a body over the size limit (413)', async () => {
    await refusedBeforeResolvers(JSON.stringify({ query: '{ partners { id } }', variables: { pad: 'x'.repeat(17 * 1024 * 1024) } }), 'bodySize', 413);
  });

  it('refuses an over-limit mutation, which then changes and records nothing', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    const mutation = `mutation { ${Array.from({ length: 31 }, (_, index) => `p${index}: createPartner(input: { code: "BULK${index}", name: "x", kind: AFFILIATE, timezone: "UTC", adapter: { type: JSON_WEBHOOK } }) { id }`).join(' ')} }`;
    const result = await post(stack, admin, { query: mutation });
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'aliases' });
    expect(ok(await stack.request(admin, '{ partners { code } }'), 'partners').partners).toEqual([{ code: 'OTHER' }]);
    expect(await auditRows(databaseUrl, seqBefore)).toEqual([]);
  });

  it('refuses over-limit subscriptions before they start, and before the partner check could run', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    const cases: Record<string, string> = {
      depth: `subscription { settlementDeltas(partnerId: "${other}") { period { partner { contracts { id } } } } }`,
      aliases: `subscription { settlementDeltas(partnerId: "${other}") { ${aliases(31, 'seq')} } }`,
      tokens: `subscription { settlementDeltas(partnerId: "${other}") { ${'seq '.repeat(3_000)} } }`,
    };
    for (const [limit, query] of Object.entries(cases)) {
      const outcome = await subscribeOnce(stack, probe, query);
      expect(JSON.stringify(outcome), limit).toContain('LIMIT_EXCEEDED');
      expect((outcome as { extensions?: { limit?: string } }[])[0]?.extensions?.limit, limit).toBe(limit);
    }
    expect(await subscriberCount(stack)).toBe(0);
    expect(await auditRows(databaseUrl, seqBefore)).toEqual([]);
    // Within the limits, the same subscription reaches the partner check, which refuses and audits it.
    const within = await subscribeOnce(stack, probe, `subscription { settlementDeltas(partnerId: "${other}") { seq } }`);
    expect(JSON.stringify(within)).toContain('NOT_FOUND');
    expect((await auditRows(databaseUrl, seqBefore)).map((row) => row.action)).toEqual(['subscription.settlementDeltas']);
  });

  it('suggests field names outside production', async () => {
    const result = await post(stack, admin, { query: '{ partnrs { id } }' });
    expect(result.body.errors?.[0]?.message).toContain('Did you mean');
  });
});

describe('production mode', () => {
  let stack: Stack;
  let databaseUrl: string;
  let finance: string;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('securityprod');
    stack = await startStack(databaseUrl, {
      clockAt,
      // The fx subgraph is unreachable: its failure is the unexpected error to mask.
      gateway: { production: true, rateLimit: { burst: 30, refillPerSecond: 0.01 }, subgraphUrls: { fx: 'http://127.0.0.1:9/graphql' } },
    });
    finance = await stack.token(['FINANCE'], { sub: 'fiona' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses introspection', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Partner") { fields { name } } }']) {
      const result = await post(stack, finance, { query });
      expect(result.body.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(result.body.data, query).toBeUndefined();
    }
  });

  it('suggests no field names, over HTTP or WebSocket', async () => {
    const http = await post(stack, finance, { query: '{ partnrs { id } }' });
    expect(http.body.errors?.[0]?.message).toBe('Cannot query field "partnrs" on type "Query".');
    const ws = await subscribeOnce(stack, finance, 'subscription { settlementDelta { seq } }');
    expect(JSON.stringify(ws)).toContain('Cannot query field \\"settlementDelta\\" on type \\"Subscription\\".');
    expect(JSON.stringify(ws)).not.toContain('Did you mean');
  });

  it('masks an unexpected error, naming only the request id', async () => {
    const result = await post(stack, finance, { query: '{ fxRate(date: "2026-11-20", from: "EUR", to: "USD") { rate } }' });
    const requestId = result.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.body.errors).toEqual([{ message: `Internal error (request ${requestId})`, extensions: { code: 'INTERNAL', requestId } }]);
  });

  it('limits each user\'s request rate, without holding back another user', async () => {
    const busy = await stack.token(['FINANCE'], { sub: 'busy' });
    const statuses: number[] = [];
    for (let index = 0; index < 31; index += 1) statuses.push((await post(stack, busy, { query: '{ partners { id } }' })).status);
    expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true);
    const limited = await post(stack, busy, { query: '{ partners { id } }' });
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(stack, finance, { query: '{ partners { id } }' })).status).toBe(200);
  });

  it('refuses a flood of bad tokens from one address without writing a row for each', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    const statuses: number[] = [];
    for (let index = 0; index < 35; index += 1) statuses.push((await post(stack, `bad.token.${index}`, { query: '{ partners { id } }' })).status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429, 429]);
    expect(await auditRows(databaseUrl, seqBefore)).toHaveLength(30);
  });
});
