import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signatures of the signed adapters (DESIGN.md 3.1 and 3.2). Pure: the caller passes the raw
 * body exactly as received, the partner's secrets (newest first; several during a rotation) and the real
 * wall-clock now (freshness never uses the injectable validation clock).
 */

/** DESIGN.md 3.1: timestamps further than this from now are rejected (replay protection). */
export const signatureToleranceSeconds = 300;
/** More signatures than this in one header is not a rotation but an attempt to guess. */
export const signaturesPerHeaderMax = 8;

export type SignatureProblem = 'MISSING_HEADER' | 'BAD_TIMESTAMP' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE';
export type SignatureCheck = { ok: true } | { ok: false; problem: SignatureProblem };

export type RawBody = string | Uint8Array;

const whsecPrefix = 'whsec_';
const timestampPattern = /^\d{1,12}$/;

/** The HMAC key: the base64 part of a Standard Webhooks `whsec_` secret, else the secret's UTF-8 bytes. */
export function hmacKey(secret: string): Buffer {
  return secret.startsWith(whsecPrefix) ? Buffer.from(secret.slice(whsecPrefix.length), 'base64') : Buffer.from(secret, 'utf8');
}

export interface StandardWebhookHeaders {
  /** `webhook-id` */
  id: string | undefined;
  /** `webhook-timestamp`, unix seconds */
  timestamp: string | undefined;
  /** `webhook-signature`, space-separated `v1,<base64>` entries */
  signature: string | undefined;
}

/** Standard Webhooks: HMAC-SHA256 over "{id}.{timestamp}.{raw body}", base64. */
export function signStandardWebhook(input: { id: string; timestampSeconds: number; body: RawBody; secret: string }): string {
  return `v1,${standardWebhookDigest(input.id, String(input.timestampSeconds), input.body, hmacKey(input.secret)).toString('base64')}`;
}

export function verifyStandardWebhook(input: {
  headers: StandardWebhookHeaders;
  body: RawBody;
  secrets: readonly string[];
  nowMs: number;
}): SignatureCheck {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature) return { ok: false, problem: 'MISSING_HEADER' };
  const fresh = freshness(timestamp, input.nowMs);
  if (!fresh.ok) return fresh;
  const presented = signature
    .split(' ')
    .slice(0, signaturesPerHeaderMax)
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'utf8'));
  for (const secret of input.secrets) {
    const expected = Buffer.from(standardWebhookDigest(id, timestamp, input.body, hmacKey(secret)).toString('base64'), 'utf8');
    if (presented.some((candidate) => constantTimeEqual(candidate, expected))) return { ok: true };
  }
  return { ok: false, problem: 'BAD_SIGNATURE' };
}

/** ndjson-batch: `x-signature: sha256=<hex HMAC-SHA256 of "{x-timestamp}.{raw body}">`. */
export function signNdjsonBatch(input: { timestampSeconds: number; body: RawBody; secret: string }): string {
  return `sha256=${ndjsonDigest(String(input.timestampSeconds), input.body, hmacKey(input.secret)).toString('hex')}`;
}

export function verifyNdjsonBatch(input: {
  headers: { timestamp: string | undefined; signature: string | undefined };
  body: RawBody;
  secrets: readonly string[];
  nowMs: number;
}): SignatureCheck {
  const { timestamp, signature } = input.headers;
  if (!timestamp || !signature) return { ok: false, problem: 'MISSING_HEADER' };
  const fresh = freshness(timestamp, input.nowMs);
  if (!fresh.ok) return fresh;
  if (!signature.startsWith('sha256=')) return { ok: false, problem: 'BAD_SIGNATURE' };
  const presented = Buffer.from(signature.slice('sha256='.length).toLowerCase(), 'utf8');
  for (const secret of input.secrets) {
    const expected = Buffer.from(ndjsonDigest(timestamp, input.body, hmacKey(secret)).toString('hex'), 'utf8');
    if (constantTimeEqual(presented, expected)) return { ok: true };
  }
  return { ok: false, problem: 'BAD_SIGNATURE' };
}

function freshness(timestamp: string, nowMs: number): SignatureCheck {
  if (!timestampPattern.test(timestamp)) return { ok: false, problem: 'BAD_TIMESTAMP' };
  const skewSeconds = Math.abs(nowMs / 1000 - Number(timestamp));
  return skewSeconds > signatureToleranceSeconds ? { ok: false, problem: 'STALE_TIMESTAMP' } : { ok: true };
}

function standardWebhookDigest(id: string, timestamp: string, body: RawBody, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

function ndjsonDigest(timestamp: string, body: RawBody, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`${timestamp}.`, 'utf8').update(body).digest();
}

/** timingSafeEqual throws on different lengths; a length difference reveals nothing secret. */
function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
