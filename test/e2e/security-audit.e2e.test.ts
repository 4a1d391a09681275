import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../support/database.ts';
import { auditRows, clockAt, eventually, lastAuditSeq, ok, seedPartner, terms, wsClient } from '../support/security.ts';
import { startStack, type Stack } from '../support/stack.ts';

const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const setTerms = `mutation ($partnerId: ID!, $from: Date!, $terms: JSON!) { setContractTerms(partnerId: $partnerId, effectiveFrom: $from, terms: $terms) { id } }`;
const auditLog = `query ($first: Int!, $after: ID) { auditLog(first: $first, after: $after) { seq at actor roles action object result origin requestId details prevHash hash } }`;
const verify = `{ verifyAuditLog { ok firstBrokenSeq intactThroughSeq } }`;
const partnerInput = (code: string) => ({ code, name: code, kind: 'AGGREGATOR', timezone: 'UTC', adapter: { type: 'REST_POLL', pollUrl: 'https://example.test/feed', pollApiKey: 'api-key-never-logged', pollIntervalSeconds: 60 } });

async function post(stack: Stack, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { requestId: response.headers.get('x-request-id'), body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe('the audit log', () => {
  let stack: Stack;
  let databaseUrl: string;
  let admin: string;
  let auditor: string;
  let partnerA: string;
  let partnerB: string;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('securityaudit');
    stack = await startStack(databaseUrl, { clockAt });
    admin = await stack.token(['ADMIN'], { sub: 'ada' });
    auditor = await stack.token(['AUDITOR'], { sub: 'aude' });
    partnerA = await seedPartner(stack, admin, 'AAA');
    partnerB = await seedPartner(stack, admin, 'BBB');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('records a successful mutation with who, what, when, result, origin, object and request id, and no secret', async () => {
    const before = Date.now();
    const { requestId, body } = await post(stack, admin, createPartner, { input: partnerInput('CCC') });
    const partnerId = ok(body, 'createPartner').createPartner.id as string;
    const [row] = (await auditRows(databaseUrl)).filter((candidate) => candidate.request_id === requestId);
    expect(row).toMatchObject({ actor: 'ada', roles: ['ADMIN'], action: 'mutation.createPartner', object: partnerId, result: 'OK', origin: '127.0.0.1' });
    expect(row!.details).toMatchObject({ service: 'partners', args: { input: { code: 'CCC', adapter: { pollApiKey: '[redacted]' } } } });
    expect(JSON.stringify(row)).not.toContain('api-key-never-logged');
    expect(new Date((row as unknown as { at: Date }).at).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records a failed mutation with its error code', async () => {
    const { requestId, body } = await post(stack, admin, setTerms, { partnerId: partnerA, from: '2026-02-01', terms: { ...terms, tiers: [] } });
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_TERMS');
    const [row] = (await auditRows(databaseUrl)).filter((candidate) => candidate.request_id === requestId);
    expect(row).toMatchObject({ actor: 'ada', action: 'mutation.setContractTerms', object: `partner:${partnerA}`, result: 'FAILED', details: { code: 'INVALID_TERMS' } });
  });

  it('records a mutation refused for the role, and a read refused for the partner, at the subgraphs', async () => {
    const ops = await stack.token(['OPS'], { sub: 'otto' });
    const refused = await post(stack, ops, createPartner, { input: partnerInput('DDD') });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [denied] = (await auditRows(databaseUrl)).filter((candidate) => candidate.request_id === refused.requestId);
    expect(denied).toMatchObject({ actor: 'otto', roles: ['OPS'], action: 'mutation.createPartner', result: 'DENIED', details: { reason: 'role', requiredRoles: ['ADMIN'] } });

    const partnerUser = await stack.token(['PARTNER'], { sub: 'pat', partnerId: partnerA });
    const peek = await post(stack, partnerUser, `query ($p: ID!) { ingestStats(partnerId: $p) { accepted } }`, { p: partnerB });
    expect(peek.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const [read] = (await auditRows(databaseUrl)).filter((candidate) => candidate.request_id === peek.requestId);
    expect(read).toMatchObject({ actor: 'pat', roles: ['PARTNER'], action: 'query.ingestStats', object: `partner:${partnerB}`, result: 'DENIED', details: { service: 'transactions', reason: 'partner' } });
  });

  it('records the denials the gateway decides: a bad token over HTTP, at WebSocket connect, and a refused subscription', async () => {
    const response = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' }, body: '{"query":"{ partners { id } }"}' });
    expect(response.status).toBe(401);
    const requestId = response.headers.get('x-request-id');
    const [http] = (await auditRows(databaseUrl)).filter((candidate) => candidate.request_id === requestId);
    expect(http).toMatchObject({ actor: '', action: 'gateway.authenticate', result: 'DENIED', details: { transport: 'http', code: 'UNAUTHENTICATED', reason: 'malformed token' } });

    const seqBefore = await lastAuditSeq(databaseUrl);
    const refusedClient = wsClient(stack, 'not.a.token');
    await new Promise<void>((resolve) => refusedClient.subscribe({ query: 'subscription { settlementDeltas { seq } }' }, { next: () => {}, error: () => resolve(), complete: () => resolve() }));
    await refusedClient.dispose();
    const connect = await eventually(() => auditRows(databaseUrl, seqBefore), (rows) => rows.some((row) => row.action === 'gateway.connect'));
    expect(connect.find((row) => row.action === 'gateway.connect')).toMatchObject({ result: 'DENIED', details: { transport: 'ws', reason: 'malformed token' } });

    const partnerUser = await stack.token(['PARTNER'], { sub: 'pat', partnerId: partnerA });
    const client = wsClient(stack, partnerUser);
    const error = await new Promise<unknown>((resolve) =>
      client.subscribe({ query: 'subscription ($p: ID) { settlementDeltas(partnerId: $p) { seq } }', variables: { p: partnerB } }, { next: () => {}, error: resolve, complete: () => resolve(null) }),
    );
    await client.dispose();
    expect(JSON.stringify(error)).toContain('NOT_FOUND');
    const rows = await auditRows(databaseUrl, seqBefore);
    expect(rows.find((row) => row.action === 'subscription.settlementDeltas')).toMatchObject({ actor: 'pat', object: `partner:${partnerB}`, result: 'DENIED' });
  });

  it('lets an AUDITOR page through the log, and records every read, a refused one included', async () => {
    const first = ok(await stack.request(auditor, auditLog, { first: 3 }), 'auditLog').auditLog;
    expect(first.map((entry: { seq: string }) => entry.seq)).toEqual(['1', '2', '3']);
    expect(first[1].prevHash).toBe(first[0].hash);
    const next = ok(await stack.request(auditor, auditLog, { first: 2, after: '3' }), 'auditLog').auditLog;
    expect(next.map((entry: { seq: string }) => entry.seq)).toEqual(['4', '5']);

    const seqBefore = await lastAuditSeq(databaseUrl);
    ok(await stack.request(auditor, auditLog, { first: 1 }), 'auditLog');
    const reads = await auditRows(databaseUrl, seqBefore);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor: 'aude', roles: ['AUDITOR'], action: 'query.auditLog', result: 'OK', details: { args: { first: 1 } } });

    const finance = await stack.token(['FINANCE'], { sub: 'fiona' });
    const refused = await stack.request(finance, auditLog, { first: 1 });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?.auditLog ?? null).toBeNull();
    const [denied] = await auditRows(databaseUrl, seqBefore + 1);
    expect(denied).toMatchObject({ actor: 'fiona', action: 'query.auditLog', result: 'DENIED', details: { reason: 'role' } });
  });

  it('is refused an UPDATE, DELETE or TRUNCATE by the database as the application role, which may still append and read', async () => {
    const sql = connect(databaseUrl, { max: 1 });
    try {
      const attempt = (statement: string) =>
        sql.begin(async (tx) => {
          await tx.unsafe('set local role clearhouse_app');
          await tx.unsafe(statement);
        });
      await expect(attempt(`update audit.log set result = 'OK' where seq = 1`)).rejects.toThrow(/permission denied for table log/);
      await expect(attempt(`delete from audit.log where seq = 1`)).rejects.toThrow(/permission denied for table log/);
      await expect(attempt(`truncate audit.log`)).rejects.toThrow(/permission denied for table log/);
      await attempt(`select count(*) from audit.log`);
      // Even the owner is stopped by the trigger; only disabling it (a superuser) gets past, and the chain shows that.
      await expect(sql.unsafe(`delete from audit.log where seq = 1`)).rejects.toThrow(/append-only/);
    } finally {
      await sql.end();
    }
    expect(ok(await stack.request(auditor, verify), 'verify').verifyAuditLog).toMatchObject({ ok: true, firstBrokenSeq: null });
  });

  it('shows a row a superuser altered behind the trigger as the first broken seq', async () => {
    const intact = ok(await stack.request(auditor, verify), 'verify').verifyAuditLog;
    expect(intact.ok).toBe(true);
    const sql = connect(databaseUrl, { max: 1 });
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(`set local session_replication_role = replica`);
        await tx.unsafe(`update audit.log set result = 'OK', details = details - 'reason' where action = 'gateway.authenticate'`);
      });
    } finally {
      await sql.end();
    }
    const tampered = (await auditRows(databaseUrl)).find((row) => row.action === 'gateway.authenticate')!;
    const verdict = ok(await stack.request(auditor, verify), 'verify').verifyAuditLog;
    expect(verdict).toEqual({ ok: false, firstBrokenSeq: String(tampered.seq), intactThroughSeq: String(tampered.seq - 1) });
  });
});
