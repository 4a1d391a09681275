import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, issueDevToken, jwtOptionsFromEnv, bearerToken } from '@clearhouse/kernel/auth/jwt';

const secret = 'test-secret-at-least-16-bytes';
const verify = createTokenVerifier({ key: { kind: 'secret', secret } });
const key = new TextEncoder().encode(secret);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function refusal(token: string, verifier = verify): Promise<unknown> {
  return verifier(token).then(
    () => {
      throw new Error('expected the token to be refused');
    },
    (error: unknown) => error,
  );
}

async function expectRefused(token: string, reason: RegExp, verifier = verify): Promise<void> {
  const error = await refusal(token, verifier);
  expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
  expect((error as { details: { reason: string } }).details.reason).toMatch(reason);
}

function signed(claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setIssuer('clearhouse')
    .setAudience('clearhouse-api')
    .setExpirationTime(nowSeconds() + 600);
  return edit(jwt).sign(key);
}

describe('JWT verification with a shared secret', () => {
  it('turns a valid token into an AuthContext', async () => {
    const token = await issueDevToken({ sub: 'alice', roles: ['FINANCE', 'OPS'], ttlSeconds: 600 }, secret);
    const context = await verify(token);
    expect(context).toMatchObject({ sub: 'alice', roles: ['FINANCE', 'OPS'], partnerId: null });
    expect(Math.abs(context.expiresAtMs - (Date.now() + 600_000))).toBeLessThan(2_000);
  });

  it('carries the partnerId of a PARTNER token', async () => {
    const token = await issueDevToken({ sub: 'p-user', roles: ['PARTNER'], partnerId: 'partner-7' }, secret);
    expect(await verify(token)).toMatchObject({ roles: ['PARTNER'], partnerId: 'partner-7' });
  });

  it('refuses an unsigned token with alg none', async () => {
    const token = new UnsecuredJWT({ roles: ['ADMIN'] })
      .setSubject('mallory')
      .setIssuer('clearhouse')
      .setAudience('clearhouse-api')
      .setExpirationTime(nowSeconds() + 600)
      .encode();
    await expectRefused(token, /algorithm not allowed/);
  });

  it('refuses a token signed with another key', async () => {
    const token = await issueDevToken({ sub: 'alice', roles: ['ADMIN'] }, 'another-secret-of-16-bytes');
    await expectRefused(token, /bad signature/);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    await expectRefused(await signed({ roles: ['ADMIN'] }, (jwt) => jwt.setAudience('other-api')), /claim "aud"/);
    await expectRefused(await signed({ roles: ['ADMIN'] }, (jwt) => jwt.setIssuer('someone-else')), /claim "iss"/);
  });

  it('refuses an expired token and one without an expiry', async () => {
    await expectRefused(await signed({ roles: ['ADMIN'] }, (jwt) => jwt.setExpirationTime(nowSeconds() - 60)), /expired/);
    const noExpiry = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('clearhouse')
      .setAudience('clearhouse-api')
      .sign(key);
    await expectRefused(noExpiry, /claim "exp"/);
  });

  it('refuses a token whose claims were edited after signing', async () => {
    const token = await issueDevToken({ sub: 'p-user', roles: ['PARTNER'], partnerId: 'partner-7' }, secret);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const flipped = Buffer.from(JSON.stringify({ ...claims, roles: ['ADMIN'], partnerId: undefined })).toString('base64url');
    await expectRefused(`${header}.${flipped}.${signature}`, /bad signature/);
  });

  it('refuses a PARTNER token without a partnerId, and staff tokens that carry one', async () => {
    await expectRefused(await signed({ roles: ['PARTNER'] }), /must carry its partnerId/);
    await expectRefused(await signed({ roles: ['PARTNER', 'ADMIN'], partnerId: 'p-1' }), /cannot be combined/);
    await expectRefused(await signed({ roles: ['FINANCE'], partnerId: 'p-1' }), /only to a PARTNER/);
  });

  it('refuses unknown, missing and empty roles', async () => {
    await expectRefused(await signed({ roles: ['ADMIN', 'ROOT'] }), /unknown role "ROOT"/);
    await expectRefused(await signed({}), /roles/);
    await expectRefused(await signed({ roles: [] }), /roles/);
    await expectRefused(await signed({ roles: 'ADMIN' }), /roles/);
  });

  it('refuses garbage and oversized tokens without trying to verify them', async () => {
    await expectRefused('not.a.token', /malformed/);
    await expectRefused('x'.repeat(10_000), /malformed/);
  });

  it('will not issue a development token that verification would refuse', async () => {
    await expect(issueDevToken({ sub: 'p', roles: ['PARTNER'] }, secret)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(issueDevToken({ sub: 'a', roles: ['ADMIN'], ttlSeconds: 0 }, secret)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(issueDevToken({ sub: 'a', roles: ['ADMIN'] }, 'short')).rejects.toThrow(/at least 16 bytes/);
  });

  it('reads a bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('JWT configuration from the environment', () => {
  it('falls back to the development secret with a warning, but never in production', () => {
    const { options, warnings } = jwtOptionsFromEnv({});
    expect(options.key).toEqual({ kind: 'secret', secret: 'dev-secret-change-me' });
    expect(warnings[0]).toMatch(/AUTH_JWT_SECRET is not set/);
    expect(() => jwtOptionsFromEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('uses the JWKS URL and ignores the secret when both are set', () => {
    const { options } = jwtOptionsFromEnv({ AUTH_JWKS_URL: 'https://id.example/jwks.json', AUTH_JWT_SECRET: secret });
    expect(options.key).toEqual({ kind: 'jwks', url: 'https://id.example/jwks.json' });
  });

  it('refuses a JWKS URL over plain http to a remote host', () => {
    expect(() => createTokenVerifier({ key: { kind: 'jwks', url: 'http://id.example/jwks.json' } })).toThrow(/https/);
  });
});

describe('JWT verification with a JWKS URL', () => {
  let server: Server;
  let verifyJwks: ReturnType<typeof createTokenVerifier>;
  let rsaKey: CryptoKey;
  let ecKey: CryptoKey;

  beforeAll(async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    rsaKey = rsa.privateKey;
    ecKey = ec.privateKey;
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    verifyJwks = createTokenVerifier({ key: { kind: 'jwks', url: `http://127.0.0.1:${port}/.well-known/jwks.json` } });
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  function asymmetric(alg: 'RS256' | 'ES256', kid: string, privateKey: CryptoKey): Promise<string> {
    return new SignJWT({ roles: ['AUDITOR'] })
      .setProtectedHeader({ alg, kid })
      .setSubject('carol')
      .setIssuer('clearhouse')
      .setAudience('clearhouse-api')
      .setExpirationTime(nowSeconds() + 600)
      .sign(privateKey);
  }

  it('accepts RS256 and ES256 tokens signed with a published key', async () => {
    expect(await verifyJwks(await asymmetric('RS256', 'rsa-1', rsaKey))).toMatchObject({ sub: 'carol', roles: ['AUDITOR'] });
    expect(await verifyJwks(await asymmetric('ES256', 'ec-1', ecKey))).toMatchObject({ sub: 'carol', roles: ['AUDITOR'] });
  });

  it('refuses an HS256 token, even one signed with the development secret', async () => {
    const token = await issueDevToken({ sub: 'mallory', roles: ['ADMIN'] }, 'dev-secret-change-me');
    await expectRefused(token, /algorithm not allowed/, verifyJwks);
  });

  it('refuses a token signed with a key that is not published', async () => {
    const stranger = await generateKeyPair('RS256');
    await expectRefused(await asymmetric('RS256', 'rsa-1', stranger.privateKey), /bad signature/, verifyJwks);
    await expectRefused(await asymmetric('RS256', 'rsa-unknown', stranger.privateKey), /no matching key/, verifyJwks);
  });
});
