import { describe, expect, it } from 'vitest';
import {
  hmacKey,
  signNdjsonBatch,
  signStandardWebhook,
  signatureToleranceSeconds,
  verifyNdjsonBatch,
  verifyStandardWebhook,
} from '../src/domain/signatures.ts';

const body = '{"transaction_uuid":"8f0c-1","amount":1250}';
const nowMs = Date.parse('2026-11-20T21:15:03.120Z');
const nowSeconds = Math.floor(nowMs / 1000);
const secret = 'plain-secret';
const whsecSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function webhook(signature: string, timestamp = String(nowSeconds), id = 'msg_1') {
  return { id, timestamp, signature };
}

describe('Standard Webhooks signatures (json-webhook)', () => {
  it('accepts a body signed with the partner secret', () => {
    const signature = signStandardWebhook({ id: 'msg_1', timestampSeconds: nowSeconds, body, secret });
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyStandardWebhook({ headers: webhook(signature), body, secrets: [secret], nowMs })).toEqual({ ok: true });
  });

  it('matches the Standard Webhooks reference vector for a whsec_ secret (key is the decoded base64)', () => {
    // The test vector of the Standard Webhooks specification's reference libraries.
    const vectorBody = '{"test": 2432232314}';
    const signature = signStandardWebhook({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestampSeconds: 1614265330, body: vectorBody, secret: whsecSecret });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(hmacKey(whsecSecret)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    expect(hmacKey(secret)).toEqual(Buffer.from(secret, 'utf8'));
  });

  it('accepts any of several space-separated signatures, and any of the rotated secrets', () => {
    const oldSignature = signStandardWebhook({ id: 'msg_1', timestampSeconds: nowSeconds, body, secret: 'old-secret' });
    const newSignature = signStandardWebhook({ id: 'msg_1', timestampSeconds: nowSeconds, body, secret: whsecSecret });
    const headers = webhook(`v1,Zm9yZ2Vk ${newSignature} ${oldSignature}`);
    expect(verifyStandardWebhook({ headers, body, secrets: [whsecSecret], nowMs })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ headers: webhook(oldSignature), body, secrets: [whsecSecret, 'old-secret'], nowMs })).toEqual({ ok: true });
    expect(verifyStandardWebhook({ headers: webhook(oldSignature), body, secrets: [whsecSecret], nowMs })).toEqual({ ok: false, problem: 'BAD_SIGNATURE' });
  });

  it('rejects a tampered body, a changed id or timestamp, and a signature of another scheme version', () => {
    const signature = signStandardWebhook({ id: 'msg_1', timestampSeconds: nowSeconds, body, secret });
    const bad = { ok: false, problem: 'BAD_SIGNATURE' };
    expect(verifyStandardWebhook({ headers: webhook(signature), body: body.replace('1250', '1251'), secrets: [secret], nowMs })).toEqual(bad);
    expect(verifyStandardWebhook({ headers: webhook(signature, String(nowSeconds), 'msg_2'), body, secrets: [secret], nowMs })).toEqual(bad);
    expect(verifyStandardWebhook({ headers: webhook(signature, String(nowSeconds + 1)), body, secrets: [secret], nowMs })).toEqual(bad);
    expect(verifyStandardWebhook({ headers: webhook(signature.replace('v1,', 'v2,')), body, secrets: [secret], nowMs })).toEqual(bad);
    expect(verifyStandardWebhook({ headers: webhook(signature), body, secrets: [], nowMs })).toEqual(bad);
  });

  it('rejects timestamps more than 300 s away from the wall clock, either way, and accepts the edge', () => {
    for (const skew of [-signatureToleranceSeconds - 1, signatureToleranceSeconds + 1, -86_400]) {
      const timestampSeconds = nowSeconds + skew;
      const signature = signStandardWebhook({ id: 'msg_1', timestampSeconds, body, secret });
      const check = verifyStandardWebhook({ headers: webhook(signature, String(timestampSeconds)), body, secrets: [secret], nowMs: nowSeconds * 1000 });
      expect(check, String(skew)).toEqual({ ok: false, problem: 'STALE_TIMESTAMP' });
    }
    for (const skew of [-signatureToleranceSeconds, signatureToleranceSeconds]) {
      const timestampSeconds = nowSeconds + skew;
      const signature = signStandardWebhook({ id: 'msg_1', timestampSeconds, body, secret });
      expect(verifyStandardWebhook({ headers: webhook(signature, String(timestampSeconds)), body, secrets: [secret], nowMs: nowSeconds * 1000 })).toEqual({ ok: true });
    }
  });

  it('rejects missing headers and timestamps that are not unix seconds', () => {
    const signature = signStandardWebhook({ id: 'msg_1', timestampSeconds: nowSeconds, body, secret });
    expect(verifyStandardWebhook({ headers: { id: undefined, timestamp: String(nowSeconds), signature }, body, secrets: [secret], nowMs })).toEqual({ ok: false, problem: 'MISSING_HEADER' });
    expect(verifyStandardWebhook({ headers: webhook(''), body, secrets: [secret], nowMs })).toEqual({ ok: false, problem: 'MISSING_HEADER' });
    for (const timestamp of ['2026-11-20T21:15:03Z', '1.5e9', '-1', ' 1795209303']) {
      expect(verifyStandardWebhook({ headers: webhook(signature, timestamp), body, secrets: [secret], nowMs }), timestamp).toEqual({ ok: false, problem: 'BAD_TIMESTAMP' });
    }
  });

  it('verifies the raw bytes, so a body given as a Buffer verifies like the same text', () => {
    const signature = signStandardWebhook({ id: 'msg_1', timestampSeconds: nowSeconds, body: Buffer.from(body), secret });
    expect(verifyStandardWebhook({ headers: webhook(signature), body, secrets: [secret], nowMs })).toEqual({ ok: true });
  });
});

describe('x-signature (ndjson-batch)', () => {
  const batch = '{"id":"A-1"}\n{"id":"A-2"}\n';

  it('accepts sha256=<hex> over "{x-timestamp}.{raw body}", with rotated and whsec_ secrets', () => {
    const signature = signNdjsonBatch({ timestampSeconds: nowSeconds, body: batch, secret: whsecSecret });
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const headers = { timestamp: String(nowSeconds), signature };
    expect(verifyNdjsonBatch({ headers, body: batch, secrets: ['newer', whsecSecret], nowMs })).toEqual({ ok: true });
    expect(verifyNdjsonBatch({ headers: { ...headers, signature: signature.toUpperCase().replace('SHA256=', 'sha256=') }, body: batch, secrets: [whsecSecret], nowMs })).toEqual({ ok: true });
  });

  it('rejects a tampered body, a wrong secret, a stale timestamp and a missing prefix', () => {
    const signature = signNdjsonBatch({ timestampSeconds: nowSeconds, body: batch, secret });
    const headers = { timestamp: String(nowSeconds), signature };
    expect(verifyNdjsonBatch({ headers, body: `${batch}{"id":"A-3"}`, secrets: [secret], nowMs })).toEqual({ ok: false, problem: 'BAD_SIGNATURE' });
    expect(verifyNdjsonBatch({ headers, body: batch, secrets: ['other'], nowMs })).toEqual({ ok: false, problem: 'BAD_SIGNATURE' });
    expect(verifyNdjsonBatch({ headers: { ...headers, signature: signature.slice('sha256='.length) }, body: batch, secrets: [secret], nowMs })).toEqual({ ok: false, problem: 'BAD_SIGNATURE' });
    expect(verifyNdjsonBatch({ headers, body: batch, secrets: [secret], nowMs: nowMs + 301_000 })).toEqual({ ok: false, problem: 'STALE_TIMESTAMP' });
    expect(verifyNdjsonBatch({ headers: { ...headers, timestamp: undefined }, body: batch, secrets: [secret], nowMs })).toEqual({ ok: false, problem: 'MISSING_HEADER' });
  });
});
