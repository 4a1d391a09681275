import { createHash } from 'node:crypto';
import { assert } from '../assert.ts';
import type { Role } from './context.ts';

/**
 * A hash chain for append-only logs: the audit log here, the ledger elsewhere. Each link's hash is
 * SHA-256(prevHash + canonical JSON of its payload), so altering, deleting or reordering any stored
 * link breaks every hash after it. Truncating the tail is only visible against a head kept
 * elsewhere, which is why verifyChain takes an optional expected head.
 */
export const genesisHash = '0'.repeat(64);

export interface ChainLink<P = unknown> {
  seq: number;
  prevHash: string;
  hash: string;
  payload: P;
}

export interface ChainAnchor {
  seq: number;
  hash: string;
}

const hashPattern = /^[0-9a-f]{64}$/;
const canonicalDepthMax = 64;

/**
 * JSON with object keys sorted at every level, so the text (and the hash) survives a round trip
 * through PostgreSQL jsonb, which reorders keys. Money is a string here, as everywhere.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, 0);
}

function canonical(value: unknown, depth: number): string {
  assert(depth <= canonicalDepthMax, 'canonical JSON nests too deep (or is cyclic)');
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((value as { toJSON: () => unknown }).toJSON(), depth + 1);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    assert(Number.isFinite(value), 'canonical JSON holds only finite numbers');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item === undefined ? null : item, depth + 1)).join(',')}]`;
  assert(typeof value === 'object', `canonical JSON cannot hold a ${typeof value}`);
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item, depth + 1)}`).join(',')}}`;
}

/** SHA-256, hex, of prevHash followed by the canonical JSON of payload. */
export function chainHash(prevHash: string, payload: unknown): string {
  assert(hashPattern.test(prevHash), 'prevHash is 64 lowercase hex digits');
  return createHash('sha256').update(prevHash).update(canonicalJson(payload)).digest('hex');
}

/** The link that follows `previous` (null for the first link of a chain). */
export function appendLink<P>(previous: ChainAnchor | null, payload: P): ChainLink<P> {
  const prevHash = previous?.hash ?? genesisHash;
  return { seq: (previous?.seq ?? 0) + 1, prevHash, hash: chainHash(prevHash, payload), payload };
}

/**
 * Returns the first sequence number at which the chain stops verifying, or null when it is intact.
 * Links are read in the order given; `from` is the link just before them (the genesis by default, so
 * a full chain must start at seq 1); `head`, when known from elsewhere, catches a truncated tail.
 */
export function verifyChain(
  links: Iterable<ChainLink>,
  options: { from?: ChainAnchor; head?: ChainAnchor } = {},
): number | null {
  let expected: ChainAnchor = options.from ?? { seq: 0, hash: genesisHash };
  const head = options.head;
  for (const link of links) {
    const seq = expected.seq + 1;
    if (link.seq !== seq || link.prevHash !== expected.hash || !hashPattern.test(link.hash)) return seq;
    if (chainHash(link.prevHash, link.payload) !== link.hash) return seq;
    if (head !== undefined && seq === head.seq && link.hash !== head.hash) return seq;
    expected = { seq, hash: link.hash };
  }
  // Links after the head are ones appended since it was recorded; fewer links than the head means a cut tail.
  if (head !== undefined && expected.seq < head.seq) return expected.seq + 1;
  return null;
}

/** One audit record (DESIGN.md 6): every mutation and every denied access. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601 instant, UTC. */
  at: string;
  actor: string | null;
  roles: readonly Role[];
  action: string;
  object: string | null;
  result: 'OK' | 'DENIED' | 'FAILED';
  origin: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** Chains an audit entry; the entry's own seq is part of what is hashed. */
export function appendAuditEntry(previous: ChainAnchor | null, entry: Omit<AuditEntry, 'seq'>): ChainLink<AuditEntry> {
  return appendLink(previous, { ...entry, seq: (previous?.seq ?? 0) + 1 });
}
