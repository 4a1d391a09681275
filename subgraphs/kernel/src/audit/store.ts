import { appendAuditEntry, verifyChain, type AuditEntry, type ChainAnchor, type ChainLink } from '../auth/audit-chain.ts';
import type { Role } from '../auth/context.ts';
import type { Sql } from '../db/connect.ts';
import { storableText, type AuditRecord } from './record.ts';

/** The NOLOGIN role of Migration0003Security: may insert and select audit rows, never change them. */
export const appDatabaseRole = 'clearhouse_app';

/**
 * Appends are serialised by one transaction-scoped advisory lock, so each link is chained on the one
 * before it and the chain stays linear however many services append at once. The key is arbitrary
 * but fixed ("audt").
 */
export const auditAppendLockKey = 0x61756474;

export const auditPageSizeMax = 500;
/** Rows read per query while verifying: the whole log is checked, one bounded page at a time. */
export const verifyPageRows = 1000;

export interface StoredAuditEntry extends AuditEntry {
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  /** The first seq at which the chain stops verifying; null when intact. */
  firstBrokenSeq: number | null;
  /** The last seq up to which the chain verifies (0 for an empty log, or when seq 1 is broken). */
  intactThroughSeq: number;
}

export interface AuditStore {
  /** Fails unless appends can run as the configured role: checked at start-up, so a service never runs unaudited. */
  ready(): Promise<void>;
  append(record: AuditRecord): Promise<StoredAuditEntry>;
  /** Entries with seq greater than `afterSeq`, oldest first. */
  page(afterSeq: number, first: number): Promise<StoredAuditEntry[]>;
  verify(): Promise<AuditVerification>;
}

export interface AuditStoreOptions {
  /** The role appends and reads run as (SET LOCAL ROLE); null to run as the login user. */
  role?: string | null;
  /** Wall clock for `at`; audit time is real time, never the injectable business clock. */
  nowMs?: () => number;
}

type Row = Record<string, unknown>;

function toEntry(row: Row): StoredAuditEntry {
  return {
    seq: Number(row.seq),
    at: (row.at as Date).toISOString(),
    // The column is NOT NULL; an anonymous caller is stored as the empty string (a sub never is empty).
    actor: row.actor === '' ? null : (row.actor as string),
    // As stored, unchecked: filtering here would hide a role a tamperer added from the hash check.
    roles: row.roles as Role[],
    action: row.action as string,
    object: (row.object as string | null) ?? null,
    result: row.result as AuditEntry['result'],
    origin: (row.origin as string | null) ?? null,
    requestId: (row.request_id as string | null) ?? null,
    details: (row.details as Record<string, unknown>) ?? {},
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

function toLink(entry: StoredAuditEntry): ChainLink<AuditEntry> {
  const { prevHash, hash, ...payload } = entry;
  return { seq: entry.seq, prevHash, hash, payload };
}

function sanitized(record: AuditRecord): AuditRecord {
  const text = (value: string | null) => (value === null ? null : storableText(value));
  return {
    ...record,
    actor: text(record.actor),
    action: storableText(record.action),
    object: text(record.object),
    origin: text(record.origin),
    requestId: text(record.requestId),
    // Through JSON once, so what is hashed is exactly what jsonb stores and gives back.
    details: JSON.parse(JSON.stringify(record.details, (_key, value: unknown) => (typeof value === 'string' ? storableText(value) : value))) as Record<
      string,
      unknown
    >,
  };
}

/** audit.log through the `postgres` client; every statement runs as `options.role` (default clearhouse_app). */
export function createAuditStore(sql: Sql, options: AuditStoreOptions = {}): AuditStore {
  const role = options.role === undefined ? appDatabaseRole : options.role;
  const nowMs = options.nowMs ?? Date.now;

  async function asRole<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return (await sql.begin(async (tx) => {
      if (role !== null) await tx.unsafe(`set local role ${role}`);
      return work(tx as unknown as Sql);
    })) as T;
  }

  async function page(tx: Sql, afterSeq: number, first: number): Promise<StoredAuditEntry[]> {
    const rows = await tx`select * from audit.log where seq > ${afterSeq} order by seq limit ${first}`;
    return rows.map(toEntry);
  }

  return {
    ready: () =>
      asRole(async (tx) => {
        // SET ROLE itself fails for a role that is missing or not granted to the login user.
        const [row] = await tx`select has_table_privilege('audit.log', 'INSERT') and has_table_privilege('audit.log', 'SELECT') as usable`;
        if (row?.usable !== true) throw new Error(`audit.log cannot be appended to and read as ${role ?? 'the login user'}`);
      }),
    append: (record) =>
      asRole(async (tx) => {
        await tx`select pg_advisory_xact_lock(${auditAppendLockKey})`;
        const [last] = await tx`select seq, hash from audit.log order by seq desc limit 1`;
        const previous: ChainAnchor | null = last ? { seq: Number(last.seq), hash: last.hash as string } : null;
        const link = appendAuditEntry(previous, { ...sanitized(record), at: new Date(nowMs()).toISOString() });
        const entry = link.payload;
        await tx`insert into audit.log (seq, at, actor, roles, action, object, result, origin, request_id, details, prev_hash, hash)
          values (${entry.seq}, ${entry.at}, ${entry.actor ?? ''}, ${[...entry.roles]}, ${entry.action}, ${entry.object}, ${entry.result},
                  ${entry.origin}, ${entry.requestId}, ${tx.json(entry.details as never)}, ${link.prevHash}, ${link.hash})`;
        return { ...entry, prevHash: link.prevHash, hash: link.hash };
      }),
    page: (afterSeq, first) => {
      if (!Number.isSafeInteger(first) || first < 1 || first > auditPageSizeMax) throw new RangeError(`first must be 1 to ${auditPageSizeMax}`);
      return asRole((tx) => page(tx, afterSeq, first));
    },
    verify: () =>
      asRole(async (tx) => {
        let anchor: ChainAnchor | undefined;
        for (;;) {
          const entries = await page(tx, anchor?.seq ?? 0, verifyPageRows);
          if (entries.length === 0) return { ok: true, firstBrokenSeq: null, intactThroughSeq: anchor?.seq ?? 0 };
          const broken = verifyChain(entries.map(toLink), anchor === undefined ? {} : { from: anchor });
          if (broken !== null) return { ok: false, firstBrokenSeq: broken, intactThroughSeq: broken - 1 };
          const last = entries.at(-1)!;
          anchor = { seq: last.seq, hash: last.hash };
        }
      }),
  };
}
