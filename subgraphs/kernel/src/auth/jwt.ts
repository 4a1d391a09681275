import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { assertUnreachable } from '../assert.ts';
import { ClearhouseError } from '../errors.ts';
import { parseAuthContext, type AuthContext, type Role } from './context.ts';

/**
 * Bearer JWT verification (DESIGN.md 6, auth). Development and tests sign HS256 with a shared secret
 * (AUTH_JWT_SECRET); production reads public keys from a JWKS URL (AUTH_JWKS_URL). The accepted
 * algorithms are pinned per mode, so neither `alg: none` nor an HS256 token forged with a public key
 * as its secret can pass when JWKS is configured.
 */
export const jwtIssuerDefault = 'clearhouse';
export const jwtAudienceDefault = 'clearhouse-api';
export const devJwtSecretDefault = 'dev-secret-change-me';

export const jwtSecretBytesMin = 16;
export const tokenCharsMax = 8192;
export const devTokenTtlSecondsMax = 30 * 24 * 3600;

export type JwksAlgorithm = 'RS256' | 'ES256';
export type JwtKeyConfig =
  | { kind: 'secret'; secret: string }
  | { kind: 'jwks'; url: string; algorithms?: readonly JwksAlgorithm[] };

export interface JwtVerifierOptions {
  key: JwtKeyConfig;
  issuer?: string;
  audience?: string;
  /** Leeway for clock skew between the token issuer and us. */
  clockToleranceSeconds?: number;
}

export type TokenVerifier = (token: string) => Promise<AuthContext>;

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Builds the verifier once at start-up; throws on a configuration that would be unsafe. */
export function createTokenVerifier(options: JwtVerifierOptions): TokenVerifier {
  const issuer = options.issuer ?? jwtIssuerDefault;
  const audience = options.audience ?? jwtAudienceDefault;
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const { key, algorithms } = verificationKey(options.key);
  return async (token) => {
    if (typeof token !== 'string' || token.length === 0 || token.length > tokenCharsMax) throw unauthenticated('malformed token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [...algorithms],
        issuer,
        audience,
        clockTolerance,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw translate(error);
    }
    const parsed = parseAuthContext({ ...payload, expiresAtMs: Math.floor((payload.exp ?? 0) * 1000) });
    if (!parsed.ok) throw unauthenticated(parsed.reason);
    return parsed.context;
  };
}

function verificationKey(config: JwtKeyConfig): { key: Uint8Array | JWTVerifyGetKey; algorithms: readonly string[] } {
  switch (config.kind) {
    case 'secret': {
      const secret = new TextEncoder().encode(config.secret);
      if (secret.length < jwtSecretBytesMin) throw new Error(`the JWT secret must be at least ${jwtSecretBytesMin} bytes`);
      return { key: secret, algorithms: ['HS256'] };
    }
    case 'jwks': {
      const url = new URL(config.url);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
        throw new Error('a JWKS URL must use https (plain http only on a loopback address)');
      }
      const algorithms = config.algorithms ?? ['RS256', 'ES256'];
      if (algorithms.length === 0 || algorithms.some((alg) => alg !== 'RS256' && alg !== 'ES256')) {
        throw new Error('JWKS verification accepts only RS256 and ES256');
      }
      const key = createRemoteJWKSet(url, { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      return { key, algorithms };
    }
    default:
      return assertUnreachable(config);
  }
}

/**
 * What a client did wrong becomes UNAUTHENTICATED with a short reason; a JWKS endpoint that cannot
 * be reached is our outage, not the client's fault, so it stays an internal error.
 */
function translate(error: unknown): Error {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return unauthenticated(`claim "${error.claim}" ${error.reason}`);
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated('algorithm not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('bad signature');
  if (error instanceof errors.JWKSNoMatchingKey) return unauthenticated('no matching key');
  if (error instanceof errors.JOSEError) return unauthenticated('malformed token');
  return error instanceof Error ? error : new Error(String(error));
}

function unauthenticated(reason: string): ClearhouseError {
  return new ClearhouseError('UNAUTHENTICATED', `The bearer token was refused: ${reason}.`, { reason });
}

/** The token of an `Authorization: Bearer …` header, or null when there is none. */
export function bearerToken(authorization: string | undefined | null): string | null {
  const match = /^Bearer ([A-Za-z0-9_\-.=]+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1] ?? null;
}

/**
 * Reads AUTH_JWKS_URL, AUTH_JWT_SECRET, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE. With a JWKS URL the
 * secret is not used at all. Outside production an unset secret falls back to the development
 * default, with a warning for the caller to log; in production that fallback is refused.
 */
export function jwtOptionsFromEnv(env: Record<string, string | undefined>): { options: JwtVerifierOptions; warnings: string[] } {
  const issuer = env['AUTH_JWT_ISSUER'] || jwtIssuerDefault;
  const audience = env['AUTH_JWT_AUDIENCE'] || jwtAudienceDefault;
  const jwksUrl = env['AUTH_JWKS_URL'];
  if (jwksUrl) return { options: { key: { kind: 'jwks', url: jwksUrl }, issuer, audience }, warnings: [] };
  const secret = env['AUTH_JWT_SECRET'];
  if (secret) return { options: { key: { kind: 'secret', secret }, issuer, audience }, warnings: [] };
  if (env['NODE_ENV'] === 'production') throw new Error('set AUTH_JWKS_URL (or AUTH_JWT_SECRET) in production');
  return {
    options: { key: { kind: 'secret', secret: devJwtSecretDefault }, issuer, audience },
    warnings: [`AUTH_JWT_SECRET is not set: using the development secret '${devJwtSecretDefault}'`],
  };
}

export interface DevTokenClaims {
  sub: string;
  roles: readonly Role[];
  partnerId?: string | null;
  ttlSeconds?: number;
}

/** Signs an HS256 token for development and tests; refuses claims that verification would refuse. */
export async function issueDevToken(
  claims: DevTokenClaims,
  secret: string,
  options: { issuer?: string; audience?: string; nowMs?: number } = {},
): Promise<string> {
  const ttlSeconds = claims.ttlSeconds ?? 3600;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > devTokenTtlSecondsMax) {
    throw new ClearhouseError('BAD_INPUT', `ttlSeconds must be a whole number from 1 to ${devTokenTtlSecondsMax}.`);
  }
  const key = new TextEncoder().encode(secret);
  if (key.length < jwtSecretBytesMin) throw new Error(`the JWT secret must be at least ${jwtSecretBytesMin} bytes`);
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const partnerId = claims.partnerId ?? null;
  const parsed = parseAuthContext({ sub: claims.sub, roles: claims.roles, partnerId, expiresAtMs: (nowSeconds + ttlSeconds) * 1000 });
  if (!parsed.ok) throw new ClearhouseError('BAD_INPUT', `Cannot issue this token: ${parsed.reason}.`);
  return new SignJWT({ roles: [...parsed.context.roles], ...(partnerId === null ? {} : { partnerId }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer ?? jwtIssuerDefault)
    .setAudience(options.audience ?? jwtAudienceDefault)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttlSeconds)
    .sign(key);
}
