import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parseAuthContext, type AuthContext } from './context.ts';

/**
 * Subgraphs accept only requests the gateway signed (DESIGN.md 6, auth). The gateway verifies the
 * client's JWT, then sends the resulting identity to each subgraph in a header, with a timestamp and
 * an HMAC-SHA256 over "{timestamp}.{identity}.{sha256 of the body}" keyed with SUBGRAPH_SIGNING_SECRET.
 * Binding the body means a captured identity cannot be replayed with another operation; the
 * freshness window bounds how long an identical replay stays possible.
 */
export const identityHeader = 'x-clearhouse-identity';
export const timestampHeader = 'x-clearhouse-timestamp';
export const signatureHeader = 'x-clearhouse-signature';

/** Headers a client must never be able to set: the gateway strips them before forwarding anything. */
export const clientIdentityHeaders: readonly string[] = [identityHeader, timestampHeader, signatureHeader];
export function isReservedHeader(name: string): boolean {
  return name.toLowerCase().startsWith('x-clearhouse-');
}

/** The identity header's value for the gateway's own calls, made on behalf of no user. */
export const anonymousIdentity = 'anonymous';

export const signatureAgeMsMax = 60_000;
export const signingSecretBytesMin = 16;
const identityCharsMax = 4096;

export type GatewayIdentity =
  | { kind: 'user'; context: AuthContext }
  | { kind: 'anonymous-service' }
  | { kind: 'error'; reason: 'unsigned' | 'stale' | 'bad signature' | 'malformed' };

export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
export type Body = string | Uint8Array;

/** Headers to add to a subgraph request carrying exactly `body`; `identity` null for the gateway's own calls. */
export function signGatewayRequest(identity: AuthContext | null, body: Body, secret: string, nowMs: number): Record<string, string> {
  const encodedIdentity = identity === null ? anonymousIdentity : encodeIdentity(identity);
  const timestamp = String(Math.trunc(nowMs));
  return {
    [identityHeader]: encodedIdentity,
    [timestampHeader]: timestamp,
    [signatureHeader]: mac(secret, timestamp, encodedIdentity, body).toString('hex'),
  };
}

/**
 * Checks a subgraph request. `secrets` may list the current and the previous secret while they are
 * rotated. `nowMs` is the real wall clock, never the injectable business clock.
 */
export function verifyGatewayRequest(headers: HeaderSource, body: Body, secrets: string | readonly string[], nowMs: number): GatewayIdentity {
  const identity = header(headers, identityHeader);
  const timestamp = header(headers, timestampHeader);
  const signature = header(headers, signatureHeader);
  if (identity === undefined || timestamp === undefined || signature === undefined) return { kind: 'error', reason: 'unsigned' };
  if (identity === null || timestamp === null || signature === null) return { kind: 'error', reason: 'malformed' };
  if (!/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature) || identity.length > identityCharsMax) {
    return { kind: 'error', reason: 'malformed' };
  }
  if (Math.abs(nowMs - Number(timestamp)) > signatureAgeMsMax) return { kind: 'error', reason: 'stale' };
  const presented = Buffer.from(signature, 'hex');
  const valid = (typeof secrets === 'string' ? [secrets] : secrets).some((secret) =>
    timingSafeEqual(mac(secret, timestamp, identity, body), presented),
  );
  if (!valid) return { kind: 'error', reason: 'bad signature' };
  if (identity === anonymousIdentity) return { kind: 'anonymous-service' };
  const context = decodeIdentity(identity);
  return context === null ? { kind: 'error', reason: 'malformed' } : { kind: 'user', context };
}

/** The AuthContext as compact JSON in base64url, its keys in a fixed order. */
export function encodeIdentity(context: AuthContext): string {
  const { sub, roles, partnerId, expiresAtMs } = context;
  return Buffer.from(JSON.stringify({ sub, roles, partnerId, expiresAtMs }), 'utf8').toString('base64url');
}

function decodeIdentity(encoded: string): AuthContext | null {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = parseAuthContext(claims);
  return parsed.ok ? parsed.context : null;
}

function mac(secret: string, timestamp: string, identity: string, body: Body): Buffer {
  const key = Buffer.from(secret, 'utf8');
  if (key.length < signingSecretBytesMin) throw new Error(`SUBGRAPH_SIGNING_SECRET must be at least ${signingSecretBytesMin} bytes`);
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', key).update(`${timestamp}.${identity}.${bodyHash}`).digest();
}

/** A header's single value; undefined when absent, null when repeated (never pick one of two). */
function header(headers: HeaderSource, name: string): string | null | undefined {
  if (headers instanceof Headers) {
    const value = headers.get(name);
    return value === null ? undefined : value.includes(',') ? null : value;
  }
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return value.length === 1 ? (value[0] ?? null) : null;
}
