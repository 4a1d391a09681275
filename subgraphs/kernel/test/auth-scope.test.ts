import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import {
  AccessDeniedError,
  assertPartnerVisible,
  canSeePartner,
  notFound,
  partnerScope,
  requireRole,
} from '@clearhouse/kernel/auth/scope';

const expiresAtMs = Date.now() + 3_600_000;
const finance: AuthContext = { sub: 'fin', roles: ['FINANCE'], partnerId: null, expiresAtMs };
const auditor: AuthContext = { sub: 'aud', roles: ['AUDITOR'], partnerId: null, expiresAtMs };
const partner: AuthContext = { sub: 'p-user', roles: ['PARTNER'], partnerId: 'partner-1', expiresAtMs };

function thrown(action: () => unknown): ClearhouseError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ClearhouseError);
    return error as ClearhouseError;
  }
  throw new Error('expected a ClearhouseError');
}

describe('scope', () => {
  it('lets a caller holding one of the roles through', () => {
    expect(requireRole(finance, 'FINANCE', 'ADMIN')).toBe(finance);
  });

  it('answers FORBIDDEN to a caller without the role, and ADMIN implies no other role', () => {
    expect(thrown(() => requireRole(auditor, 'FINANCE')).code).toBe('FORBIDDEN');
    const admin: AuthContext = { ...finance, roles: ['ADMIN'] };
    expect(thrown(() => requireRole(admin, 'FINANCE')).code).toBe('FORBIDDEN');
  });

  it('answers UNAUTHENTICATED when there is no identity', () => {
    expect(thrown(() => requireRole(null, 'FINANCE')).code).toBe('UNAUTHENTICATED');
  });

  it('shows staff every partner and a partner only itself', () => {
    expect(canSeePartner(finance, 'partner-2')).toBe(true);
    expect(canSeePartner(partner, 'partner-1')).toBe(true);
    expect(canSeePartner(partner, 'partner-2')).toBe(false);
    expect(canSeePartner(null, 'partner-1')).toBe(false);
  });

  it("makes another partner's data look exactly like data that does not exist", () => {
    const denied = thrown(() => assertPartnerVisible(partner, 'partner-2'));
    const missing = notFound();
    expect([denied.name, denied.code, denied.message, denied.details]).toEqual([missing.name, missing.code, missing.message, missing.details]);
    expect(JSON.stringify(denied)).toBe(JSON.stringify(missing));
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect((denied as AccessDeniedError).denial).toMatchObject({ sub: 'p-user', reason: 'partner', partnerId: 'partner-2' });
    expect(() => assertPartnerVisible(partner, 'partner-1')).not.toThrow();
  });

  it('scopes lists and subscriptions to all partners for staff and one for a partner', () => {
    expect(partnerScope(finance)).toEqual({ kind: 'ALL' });
    expect(partnerScope(partner)).toEqual({ kind: 'ONE', partnerId: 'partner-1' });
    expect(partnerScope(null)).toBeNull();
  });
});
