import { createHash } from 'node:crypto';
import type { AuditEntry } from '../auth/audit-chain.ts';

/**
 * What is written to audit.log (DESIGN.md 6): who (actor, roles), what (action, object), when (at,
 * given by the store inside its lock so time follows seq), result, origin and request id.
 */
export type AuditResult = AuditEntry['result'];
export type AuditRecord = Omit<AuditEntry, 'seq' | 'at'>;

/**
 * The gateway tells a subgraph where a request came from (the client's address as the gateway saw
 * it) in this header. It starts with x-clearhouse-, so the gateway strips it from every client
 * request, and a subgraph reads it only on a request whose gateway signature it has checked.
 */
export const originHeader = 'x-clearhouse-origin';

/** Root query fields that read the audit log: every call is itself audited (DESIGN.md 6). */
export const auditReadFields: readonly string[] = ['auditLog', 'verifyAuditLog'];

const textCharsMax = 256;
const listItemsMax = 20;
const objectKeysMax = 30;
const summaryDepthMax = 4;
/** Names of arguments whose values are never written: a secret in the audit log is a leaked secret. */
const secretName = /secret|password|apikey|api_key|token|credential/i;

/** PostgreSQL text and jsonb refuse NUL; an actor or argument holding one must still be auditable. */
export function storableText(text: string): string {
  return text.replace(/\u0000/g, '\uFFFD');
}

/**
 * A bounded, secret-free picture of a mutation's arguments for the audit details: short strings as
 * they are, long ones by length and SHA-256 (so an imported file can still be matched), long lists by
 * their length, secrets redacted, numbers that jsonb could alter (fractions, huge values) as text.
 */
export function summarizeArguments(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value + 0 : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') {
    if (value.length <= textCharsMax) return storableText(value);
    return { chars: value.length, sha256: createHash('sha256').update(value).digest('hex') };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= summaryDepthMax) return '[nested too deep]';
  if (Array.isArray(value)) {
    if (value.length > listItemsMax) return { items: value.length };
    return value.map((item) => summarizeArguments(item, depth + 1));
  }
  if (typeof value === 'object') {
    const summary: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>).slice(0, objectKeysMax)) {
      summary[storableText(key)] = secretName.test(key) ? (item === null || item === undefined ? null : '[redacted]') : summarizeArguments(item, depth + 1);
    }
    return summary;
  }
  return String(value);
}

function shortText(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= textCharsMax ? storableText(value) : null;
}

/**
 * The object a mutation acts on, read from its arguments by the names the API uses (a partner, an
 * object id, a list of ids, an FX fixing), else the id of what it returned (a new partner), else a new
 * object's code. Null when none applies.
 */
export function objectOf(args: Readonly<Record<string, unknown>>, resultId: string | null = null): string | null {
  const partnerId = shortText(args['partnerId']);
  if (partnerId !== null) return `partner:${partnerId}`;
  const id = shortText(args['id']);
  if (id !== null) return id;
  const ids = args['ids'];
  if (Array.isArray(ids) && ids.length > 0) return ids.length === 1 ? shortText(ids[0]) : `${ids.length} ids`;
  const currency = shortText(args['currency']);
  const date = shortText(args['date']);
  if (currency !== null && date !== null) return `fx:${date}:${currency}`;
  if (resultId !== null) return shortText(resultId);
  const input = args['input'];
  if (input !== null && typeof input === 'object') {
    const code = shortText((input as Record<string, unknown>)['code']);
    if (code !== null) return `code:${code}`;
  }
  return null;
}
