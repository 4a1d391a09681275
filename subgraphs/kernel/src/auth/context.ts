/**
 * Who is calling: built from a verified JWT at the gateway, carried to the subgraphs in a signed
 * header, read by every resolver through scope.ts.
 */
export const roles = ['ADMIN', 'FINANCE', 'OPS', 'AUDITOR', 'PARTNER'] as const;
export type Role = (typeof roles)[number];

/** Staff see every partner; a PARTNER user sees only its own. */
export const staffRoles: readonly Role[] = ['ADMIN', 'FINANCE', 'OPS', 'AUDITOR'];

export interface AuthContext {
  readonly sub: string;
  readonly roles: readonly Role[];
  /** The partner a PARTNER user belongs to; null for staff. */
  readonly partnerId: string | null;
  readonly expiresAtMs: number;
}

export const subjectCharsMax = 256;
export const partnerIdCharsMax = 128;

export type ParsedAuthContext = { ok: true; context: AuthContext } | { ok: false; reason: string };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/**
 * Builds an AuthContext from untrusted claims. A PARTNER identity carries its partnerId and no other
 * role, and a staff identity carries no partnerId: an identity that is both would make every scope
 * check ambiguous, so it is refused rather than guessed at.
 */
export function parseAuthContext(claims: unknown): ParsedAuthContext {
  if (typeof claims !== 'object' || claims === null) return { ok: false, reason: 'claims are not an object' };
  const { sub, roles: roleClaim, partnerId, expiresAtMs } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > subjectCharsMax) {
    return { ok: false, reason: 'sub is missing or not a short string' };
  }
  if (!Array.isArray(roleClaim) || roleClaim.length === 0 || roleClaim.length > roles.length) {
    return { ok: false, reason: 'roles is not a non-empty list of roles' };
  }
  const unknown = roleClaim.filter((role) => !isRole(role));
  if (unknown.length > 0) return { ok: false, reason: `unknown role ${JSON.stringify(unknown[0])}` };
  const granted = roles.filter((role) => roleClaim.includes(role));
  if (granted.length !== roleClaim.length) return { ok: false, reason: 'a role is repeated' };
  if (typeof expiresAtMs !== 'number' || !Number.isSafeInteger(expiresAtMs) || expiresAtMs <= 0) {
    return { ok: false, reason: 'expiry is missing' };
  }
  if (granted.includes('PARTNER')) {
    if (granted.length !== 1) return { ok: false, reason: 'PARTNER cannot be combined with another role' };
    if (typeof partnerId !== 'string' || partnerId.length === 0 || partnerId.length > partnerIdCharsMax) {
      return { ok: false, reason: 'a PARTNER identity must carry its partnerId' };
    }
    return { ok: true, context: { sub, roles: granted, partnerId, expiresAtMs } };
  }
  if (partnerId !== undefined && partnerId !== null) {
    return { ok: false, reason: 'partnerId belongs only to a PARTNER identity' };
  }
  return { ok: true, context: { sub, roles: granted, partnerId: null, expiresAtMs } };
}
