import { assert } from '../assert.ts';
import { ClearhouseError, errorCodes } from '../errors.ts';
import type { AuthContext, Role } from './context.ts';

/**
 * The checks every resolver makes, for queries and subscriptions alike. A denied access throws an
 * AccessDeniedError: to the client it is an ordinary ClearhouseError (FORBIDDEN, or NOT_FOUND for
 * partner data, so that "exists but not yours" and "does not exist" cannot be told apart), while the
 * error mapper can recognise it with `instanceof` and write the denial to the audit log.
 */
export interface Denial {
  sub: string | null;
  roles: readonly Role[];
  reason: 'unauthenticated' | 'role' | 'partner';
  requiredRoles?: readonly Role[];
  partnerId?: string;
}

export class AccessDeniedError extends ClearhouseError {
  declare readonly denial: Denial;
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND', denial: Denial) {
    super(code, errorCodes[code]);
    // Not enumerable, so that whatever serialises the error for the client cannot carry the denial.
    Object.defineProperty(this, 'denial', { value: denial, enumerable: false });
  }
}

/** Throws UNAUTHENTICATED without an identity, FORBIDDEN unless it holds one of `allowed`. No role implies another. */
export function requireRole(ctx: AuthContext | null, ...allowed: Role[]): AuthContext {
  assert(allowed.length > 0, 'requireRole needs at least one role');
  if (ctx === null) throw new AccessDeniedError('UNAUTHENTICATED', { sub: null, roles: [], reason: 'unauthenticated' });
  if (!ctx.roles.some((role) => allowed.includes(role))) {
    throw new AccessDeniedError('FORBIDDEN', { sub: ctx.sub, roles: ctx.roles, reason: 'role', requiredRoles: allowed });
  }
  return ctx;
}

export function isStaff(ctx: AuthContext | null): boolean {
  return ctx !== null && ctx.roles.length > 0 && !ctx.roles.includes('PARTNER');
}

/** Staff see every partner; a PARTNER user only its own; nobody else any. */
export function canSeePartner(ctx: AuthContext | null, partnerId: string): boolean {
  if (ctx === null) return false;
  if (ctx.roles.includes('PARTNER')) return ctx.partnerId !== null && ctx.partnerId === partnerId;
  return isStaff(ctx);
}

/** For a single object of partner `partnerId`: throws the same NOT_FOUND a missing object gives. */
export function assertPartnerVisible(ctx: AuthContext | null, partnerId: string): void {
  if (canSeePartner(ctx, partnerId)) return;
  throw new AccessDeniedError('NOT_FOUND', { sub: ctx?.sub ?? null, roles: ctx?.roles ?? [], reason: 'partner', partnerId });
}

/** The NOT_FOUND of an object that does not exist, identical on the wire to a denied one. */
export function notFound(): ClearhouseError {
  return new ClearhouseError('NOT_FOUND', errorCodes.NOT_FOUND);
}

/** For lists and subscriptions: which partners a query may return. Null for an anonymous caller. */
export type PartnerScope = { kind: 'ALL' } | { kind: 'ONE'; partnerId: string };

export function partnerScope(ctx: AuthContext | null): PartnerScope | null {
  if (ctx === null) return null;
  if (ctx.roles.includes('PARTNER')) return ctx.partnerId === null ? null : { kind: 'ONE', partnerId: ctx.partnerId };
  return isStaff(ctx) ? { kind: 'ALL' } : null;
}
