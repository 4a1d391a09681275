import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdentity, signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { freshDatabase } from '../support/database.ts';
import { auditRows, clockAt, lastAuditSeq, ok } from '../support/security.ts';
import { startStack, testSigningSecret, type Stack } from '../support/stack.ts';

/** Subgraphs trust only the gateway's signature; the gateway never lets a client speak for it. */
const admin: AuthContext = { sub: 'mallory', roles: ['ADMIN'], partnerId: null, expiresAtMs: Date.now() + 3_600_000 };
const query = JSON.stringify({ query: '{ __typename }' });
const createPartner = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;

/** Headers a client might send to pose as the gateway, or as someone else. */
const smuggled = {
  'x-clearhouse-identity': encodeIdentity(admin),
  'x-clearhouse-timestamp': String(Date.now()),
  'x-clearhouse-signature': 'a'.repeat(64),
  'x-clearhouse-pending-identity': JSON.stringify(admin),
  'x-clearhouse-origin': '203.0.113.66',
};

async function postTo(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe('trusted subgraphs', () => {
  let stack: Stack;
  let databaseUrl: string;
  let ownPartner: string;
  let otherPartner: string;
  let echoed: Record<string, unknown> = {};

  beforeAll(async () => {
    databaseUrl = await freshDatabase('securitytrust');
    // A route on the transactions subgraph, behind the gateway's /ingest proxy, that shows what arrived.
    const echo = async (request: { url?: string; headers: Record<string, unknown> }, response: ServerResponse) => {
      if (request.url !== '/ingest/echo/headers') return false;
      echoed = { ...request.headers };
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return true;
    };
    stack = await startStack(databaseUrl, { clockAt, routes: () => [echo] });
    const adminToken = await stack.token(['ADMIN']);
    const input = (code: string) => ({ code, name: code, kind: 'GAME_PROVIDER', timezone: 'UTC', adapter: { type: 'JSON_WEBHOOK' } });
    ownPartner = ok(await stack.request(adminToken, createPartner, { input: input('OWN') }), 'own').createPartner.id;
    otherPartner = ok(await stack.request(adminToken, createPartner, { input: input('OTHER') }), 'other').createPartner.id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers a request the gateway signed, so each refusal below is the signature\'s doing', async () => {
    const result = await postTo(stack.subgraphUrls.partners, query, signGatewayRequest(admin, query, testSigningSecret, Date.now()));
    expect(result).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('refuses every subgraph a request without the gateway\'s signature (401), and audits it', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    for (const [name, url] of Object.entries(stack.subgraphUrls)) {
      const result = await postTo(url, query, {});
      expect(result.status, name).toBe(401);
      expect(result.body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
    const rows = await auditRows(databaseUrl, seqBefore);
    expect(rows.map((row) => [row.action, row.object, row.result])).toEqual(Object.keys(stack.subgraphUrls).map((name) => ['subgraph.request', name, 'DENIED']));
  });

  it('refuses forged, re-keyed, stale and re-used signatures', async () => {
    const url = stack.subgraphUrls.settlements;
    const attempts: Record<string, Record<string, string>> = {
      'made-up signature': smuggled,
      'another secret': signGatewayRequest(admin, query, 'not-the-signing-secret-0123456789', Date.now()),
      'two minutes old': signGatewayRequest(admin, query, testSigningSecret, Date.now() - 120_000),
      'signed for another body': signGatewayRequest(admin, JSON.stringify({ query: '{ __typename __schema { queryType { name } } }' }), testSigningSecret, Date.now()),
      'identity swapped after signing': {
        ...signGatewayRequest({ ...admin, roles: ['AUDITOR'] }, query, testSigningSecret, Date.now()),
        'x-clearhouse-identity': encodeIdentity(admin),
      },
    };
    for (const [name, headers] of Object.entries(attempts)) {
      const result = await postTo(url, query, headers);
      expect(result.status, name).toBe(401);
      expect(result.body.data, name).toBeUndefined();
    }
  });

  it('ignores x-clearhouse-* headers a client sends through the gateway', async () => {
    const partnerToken = await stack.token(['PARTNER'], { sub: 'pat', partnerId: ownPartner });
    const through = (body: string) => postTo(stack.graphqlUrl, body, { authorization: `Bearer ${partnerToken}`, ...smuggled });
    const partners = await through(JSON.stringify({ query: '{ partners { id } }' }));
    expect(partners.body).toEqual({ data: { partners: [{ id: ownPartner }] } });
    const other = await through(JSON.stringify({ query: 'query ($id: ID!) { partner(id: $id) { id } }', variables: { id: otherPartner } }));
    expect(other.body).toEqual({ data: { partner: null } });

    const seqBefore = await lastAuditSeq(databaseUrl);
    const mutation = await through(JSON.stringify({ query: createPartner, variables: { input: { code: 'EVIL', name: 'x', kind: 'AFFILIATE', timezone: 'UTC', adapter: { type: 'JSON_WEBHOOK' } } } }));
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [row] = await auditRows(databaseUrl, seqBefore);
    expect(row).toMatchObject({ actor: 'pat', roles: ['PARTNER'], result: 'DENIED', origin: '127.0.0.1' });

    const anonymous = await postTo(stack.graphqlUrl, JSON.stringify({ query: '{ partners { id } }' }), smuggled);
    expect(anonymous.status).toBe(401);
  });

  it('forwards none of them through the ingest proxy either: the subgraph sees the gateway\'s own signature', async () => {
    const response = await fetch(`${stack.baseUrl}/ingest/echo/headers`, { method: 'POST', headers: { 'content-type': 'application/json', ...smuggled }, body: '{}' });
    expect(response.status).toBe(200);
    expect(echoed['x-clearhouse-identity']).toBe('anonymous');
    expect(echoed['x-clearhouse-signature']).not.toBe(smuggled['x-clearhouse-signature']);
    expect(echoed['x-clearhouse-pending-identity']).toBeUndefined();
    expect(echoed['x-clearhouse-origin']).toBeUndefined();
  });
});
