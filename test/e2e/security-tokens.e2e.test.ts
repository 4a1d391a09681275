import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/database.ts';
import { auditRows, clockAt, lastAuditSeq, wsClient } from '../support/security.ts';
import { startStack, testJwtSecret, type Stack } from '../support/stack.ts';

/** Every token a verifier must refuse, over HTTP and at WebSocket connection alike (DESIGN.md 6, auth). */
const nowSeconds = () => Math.floor(Date.now() / 1000);
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function signed(claims: Record<string, unknown>, options: { secret?: string; issuer?: string; audience?: string; expSeconds?: number; omitSub?: boolean } = {}) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? 'clearhouse')
    .setAudience(options.audience ?? 'clearhouse-api')
    .setIssuedAt(nowSeconds() - 10)
    .setExpirationTime(options.expSeconds ?? nowSeconds() + 600);
  if (!options.omitSub) jwt.setSubject('mallory');
  return jwt.sign(new TextEncoder().encode(options.secret ?? testJwtSecret));
}

/** The valid token's signature over another payload. */
function withPayload(token: string, change: (payload: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  return `${header}.${encode(change(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))))}.${signature}`;
}

describe('forged, stale and malformed tokens', () => {
  let stack: Stack;
  let databaseUrl: string;
  const forged: Record<string, string> = {};

  beforeAll(async () => {
    databaseUrl = await freshDatabase('securitytokens');
    stack = await startStack(databaseUrl, { clockAt });
    const partnerToken = await stack.token(['PARTNER'], { sub: 'pat', partnerId: 'partner-a' });
    forged['alg none'] = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'mallory', roles: ['ADMIN'], iss: 'clearhouse', aud: 'clearhouse-api', exp: nowSeconds() + 600 })}.`;
    forged['a wrong key'] = await signed({ roles: ['ADMIN'] }, { secret: 'another-secret-0123456789abcdef' });
    forged['a wrong audience'] = await signed({ roles: ['ADMIN'] }, { audience: 'someone-else' });
    forged['a wrong issuer'] = await signed({ roles: ['ADMIN'] }, { issuer: 'evil' });
    forged['an expired token'] = await signed({ roles: ['ADMIN'] }, { expSeconds: nowSeconds() - 60 });
    forged['no sub'] = await signed({ roles: ['ADMIN'] }, { omitSub: true });
    forged['roles flipped to ADMIN'] = withPayload(partnerToken, (payload) => ({ ...payload, roles: ['ADMIN'], partnerId: undefined }));
    forged['partnerId flipped'] = withPayload(partnerToken, (payload) => ({ ...payload, partnerId: 'partner-b' }));
    forged['expiry pushed out'] = withPayload(partnerToken, (payload) => ({ ...payload, exp: nowSeconds() + 365 * 24 * 3600 }));
    forged['PARTNER without partnerId'] = await signed({ roles: ['PARTNER'] });
    forged['PARTNER combined with ADMIN'] = await signed({ roles: ['PARTNER', 'ADMIN'], partnerId: 'partner-a' });
    forged['an unknown role'] = await signed({ roles: ['ROOT'] });
    forged['no roles'] = await signed({});
    forged['not a JWT'] = 'not-a-jwt';
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lets a valid token through, so each refusal below is the token\'s doing', async () => {
    const result = await stack.request(await stack.token(['FINANCE']), '{ partners { id } }');
    expect(result).toEqual({ data: { partners: [] } });
  });

  it('refuses each over HTTP with 401 before anything runs, and audits each refusal', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    for (const [name, token] of Object.entries(forged)) {
      const response = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ partners { id } }' }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
      expect(response.status, name).toBe(401);
      expect(body.data, name).toBeUndefined();
      expect(body.errors?.[0]?.extensions.code, name).toBe('UNAUTHENTICATED');
    }
    const rows = await auditRows(databaseUrl, seqBefore);
    expect(rows.map((row) => [row.action, row.result, row.actor])).toEqual(Object.keys(forged).map(() => ['gateway.authenticate', 'DENIED', '']));
  });

  it('refuses a request without any token at the gateway, before any subgraph is asked', async () => {
    const seqBefore = await lastAuditSeq(databaseUrl);
    const response = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ fxRate(date: "2026-11-20", from: "EUR", to: "EUR") { rate } }' }) });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const rows = await auditRows(databaseUrl, seqBefore);
    expect(rows.map((row) => [row.action, row.result, row.details.reason])).toEqual([['gateway.authenticate', 'DENIED', 'no bearer token']]);
  });

  it('refuses each at WebSocket connection, before any subscription starts', async () => {
    for (const [name, token] of Object.entries(forged)) {
      let closeCode = 0;
      const client = wsClient(stack, token, { onClose: (code) => (closeCode = code) });
      const outcome = await new Promise<string>((resolve) =>
        client.subscribe({ query: 'subscription { settlementDeltas { seq } }' }, { next: () => resolve('next'), error: () => resolve('error'), complete: () => resolve('complete') }),
      );
      await client.dispose();
      expect(outcome, name).not.toBe('next');
      expect(closeCode, name).toBe(4403);
    }
  });

  it('closes a subscription when the token that opened it expires', async () => {
    const shortLived = await stack.token(['FINANCE'], { ttlSeconds: 2 });
    let closed: { code: number; reason: string } | null = null;
    const client = wsClient(stack, shortLived, { onClose: (code, reason) => (closed = { code, reason }) });
    const started = Date.now();
    const outcome = await new Promise<string>((resolve) =>
      client.subscribe({ query: 'subscription { settlementDeltas { seq } }' }, { next: () => {}, error: () => resolve('error'), complete: () => resolve('complete') }),
    );
    await client.dispose();
    expect(outcome).toBe('error');
    expect(closed).toEqual({ code: 4403, reason: 'Token expired' });
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
