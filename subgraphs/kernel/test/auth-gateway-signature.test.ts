import { describe, expect, it } from 'vitest';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import {
  clientIdentityHeaders,
  identityHeader,
  signatureHeader,
  signGatewayRequest,
  timestampHeader,
  verifyGatewayRequest,
} from '@clearhouse/kernel/auth/gateway-signature';

const secret = 'subgraph-signing-secret-for-tests';
const nowMs = 1_795_000_000_000;
const body = JSON.stringify({ query: '{ partners(first: 10) { id name } }' });
const partner: AuthContext = { sub: 'p-user', roles: ['PARTNER'], partnerId: 'partner-1', expiresAtMs: nowMs + 3_600_000 };

describe('gateway request signature', () => {
  it('carries the identity of a signed request to the subgraph', () => {
    const headers = signGatewayRequest(partner, body, secret, nowMs);
    expect(verifyGatewayRequest(headers, body, secret, nowMs + 1_000)).toEqual({ kind: 'user', context: partner });
    expect(verifyGatewayRequest(new Headers(headers), Buffer.from(body), secret, nowMs)).toEqual({ kind: 'user', context: partner });
  });

  it("recognises the gateway's own calls made for no user", () => {
    const headers = signGatewayRequest(null, body, secret, nowMs);
    expect(verifyGatewayRequest(headers, body, secret, nowMs)).toEqual({ kind: 'anonymous-service' });
  });

  it('refuses an unsigned request, and one missing any signature header', () => {
    expect(verifyGatewayRequest({}, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'unsigned' });
    const { [signatureHeader]: _dropped, ...unsigned } = signGatewayRequest(partner, body, secret, nowMs);
    expect(verifyGatewayRequest(unsigned, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'unsigned' });
  });

  it('refuses a signature older or newer than 60 seconds', () => {
    const headers = signGatewayRequest(partner, body, secret, nowMs);
    expect(verifyGatewayRequest(headers, body, secret, nowMs + 60_000).kind).toBe('user');
    expect(verifyGatewayRequest(headers, body, secret, nowMs + 60_001)).toEqual({ kind: 'error', reason: 'stale' });
    expect(verifyGatewayRequest(headers, body, secret, nowMs - 60_001)).toEqual({ kind: 'error', reason: 'stale' });
  });

  it('refuses an identity swapped for another, even a well-formed one', () => {
    const headers = signGatewayRequest(partner, body, secret, nowMs);
    const admin = signGatewayRequest({ ...partner, roles: ['ADMIN'], partnerId: null }, body, secret, nowMs);
    const tampered = { ...headers, [identityHeader]: admin[identityHeader] };
    expect(verifyGatewayRequest(tampered, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'bad signature' });
    const anonymous = { ...headers, [identityHeader]: 'anonymous' };
    expect(verifyGatewayRequest(anonymous, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'bad signature' });
  });

  it('refuses a signed identity replayed with another body', () => {
    const headers = signGatewayRequest(partner, body, secret, nowMs);
    const otherBody = JSON.stringify({ query: '{ partners(first: 10) { id name ingestSecret } }' });
    expect(verifyGatewayRequest(headers, otherBody, secret, nowMs)).toEqual({ kind: 'error', reason: 'bad signature' });
  });

  it('refuses a signature made with another secret, and accepts the previous secret during rotation', () => {
    const headers = signGatewayRequest(partner, body, 'previous-signing-secret-16', nowMs);
    expect(verifyGatewayRequest(headers, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'bad signature' });
    expect(verifyGatewayRequest(headers, body, [secret, 'previous-signing-secret-16'], nowMs).kind).toBe('user');
  });

  it('refuses repeated headers and a timestamp that is not a number', () => {
    const headers = signGatewayRequest(partner, body, secret, nowMs);
    const repeated = { ...headers, [signatureHeader]: [headers[signatureHeader]!, headers[signatureHeader]!] };
    expect(verifyGatewayRequest(repeated, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'malformed' });
    const badTime = { ...headers, [timestampHeader]: '1.795e12' };
    expect(verifyGatewayRequest(badTime, body, secret, nowMs)).toEqual({ kind: 'error', reason: 'malformed' });
  });

  it('names every identity header the gateway must strip from client requests', () => {
    expect([...clientIdentityHeaders].sort()).toEqual([identityHeader, signatureHeader, timestampHeader].sort());
  });
});
