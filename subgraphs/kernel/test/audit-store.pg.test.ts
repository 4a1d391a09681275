import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEntry, type ChainAnchor } from '@clearhouse/kernel/auth/audit-chain';
import { createAuditStore, verifyPageRows, type AuditRecord, type AuditStore } from '@clearhouse/kernel/audit/index';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../../../test/support/database.ts';

function record(index: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    actor: `user-${index % 3}`, roles: ['FINANCE'], action: 'mutation.closePeriod', object: `period-${index}`, result: 'OK',
    origin: '10.0.0.7', requestId: `req-${index}`, details: { service: 'test', args: { id: `period-${index}` } }, ...overrides,
  };
}

/** As a superuser would, behind the trigger: session_replication_role = replica skips it. */
async function behindTheTrigger(sql: Sql, statement: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe('set local session_replication_role = replica');
    await tx.unsafe(statement);
  });
}

describe('the audit store', () => {
  let databaseUrl: string;
  let admin: Sql;
  let sqlA: Sql;
  let sqlB: Sql;
  let storeA: AuditStore;
  let storeB: AuditStore;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('auditstore');
    admin = connect(databaseUrl, { max: 1 });
    sqlA = connect(databaseUrl, { max: 5 });
    sqlB = connect(databaseUrl, { max: 5 });
    storeA = createAuditStore(sqlA);
    storeB = createAuditStore(sqlB);
  });

  afterAll(async () => {
    await Promise.all([admin?.end(), sqlA?.end(), sqlB?.end()]);
  });

  it('chains each append on the one before, from the genesis, and reads them back as stored', async () => {
    const first = await storeA.append(record(1));
    const second = await storeA.append(record(2, { actor: null, roles: [], details: { text: 'nul\u0000inside' } }));
    expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, actor: null, details: { text: 'nul\uFFFDinside' } });
    expect(await storeA.page(0, 10)).toEqual([first, second]);
    expect(await storeA.verify()).toEqual({ ok: true, firstBrokenSeq: null, intactThroughSeq: 2 });
  });

  it('keeps one linear chain when services append at once', async () => {
    const before = (await storeA.page(0, 500)).length;
    await Promise.all(Array.from({ length: 60 }, (_, index) => (index % 2 === 0 ? storeA : storeB).append(record(100 + index))));
    const entries = await storeB.page(0, 500);
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: before + 60 }, (_, index) => index + 1));
    expect(await storeB.verify()).toMatchObject({ ok: true, intactThroughSeq: before + 60 });
  });

  it('runs as a role that may append and read but never change or remove a row', async () => {
    const [role] = await sqlA.begin(async (tx) => {
      await tx.unsafe('set local role clearhouse_app');
      return tx`select current_user as name, has_table_privilege('audit.log', 'UPDATE') as can_update, has_table_privilege('audit.log', 'DELETE') as can_delete,
        has_table_privilege('audit.log', 'TRUNCATE') as can_truncate, has_table_privilege('audit.log', 'INSERT') as can_insert`;
    });
    expect(role).toEqual({ name: 'clearhouse_app', can_update: false, can_delete: false, can_truncate: false, can_insert: true });
  });

  it('reads and appends as that role, not as the login user', async () => {
    // Taken from the role alone: the store must now fail, though the test's login user (a superuser) could read.
    await admin.unsafe('revoke select on audit.log from clearhouse_app');
    try {
      await expect(storeA.page(0, 1)).rejects.toThrow(/permission denied for table log/);
    } finally {
      await admin.unsafe('grant select on audit.log to clearhouse_app');
    }
    expect(await storeA.page(0, 1)).toHaveLength(1);
  });

  it('is not ready, so a service does not start, when it cannot append as its role', async () => {
    await expect(storeA.ready()).resolves.toBeUndefined();
    await expect(createAuditStore(sqlA, { role: 'no_such_role' }).ready()).rejects.toThrow(/no_such_role/);
    await admin.unsafe('revoke insert on audit.log from clearhouse_app');
    try {
      await expect(storeA.ready()).rejects.toThrow(/cannot be appended to/);
    } finally {
      await admin.unsafe('grant insert on audit.log to clearhouse_app');
    }
  });

  it('finds an altered row, a removed row and a forged one, across pages of the check', async () => {
    const sql = connect(databaseUrl, { max: 1 });
    try {
      // Enough rows that the check reads more than one page, chained as the store chains them.
      const [last] = await sql`select seq, hash from audit.log order by seq desc limit 1`;
      let anchor: ChainAnchor = { seq: Number(last!.seq), hash: last!.hash as string };
      const rows = [];
      for (let index = 0; index < verifyPageRows + 200; index += 1) {
        const link = appendAuditEntry(anchor, { ...record(1000 + index), at: new Date(Date.UTC(2026, 10, 20)).toISOString() });
        const entry = link.payload;
        rows.push({ seq: entry.seq, at: entry.at, actor: entry.actor, roles: entry.roles, action: entry.action, object: entry.object, result: entry.result,
          origin: entry.origin, request_id: entry.requestId, details: entry.details, prev_hash: link.prevHash, hash: link.hash });
        anchor = { seq: link.seq, hash: link.hash };
      }
      await sql`insert into audit.log ${sql(rows as never)}`;
      const total = anchor.seq;
      expect(await storeA.verify()).toEqual({ ok: true, firstBrokenSeq: null, intactThroughSeq: total });

      const late = total - 50;
      await behindTheTrigger(sql, `update audit.log set actor = 'someone-else' where seq = ${late}`);
      expect(await storeA.verify()).toEqual({ ok: false, firstBrokenSeq: late, intactThroughSeq: late - 1 });

      await behindTheTrigger(sql, `delete from audit.log where seq = 5`);
      expect(await storeA.verify()).toMatchObject({ ok: false, firstBrokenSeq: 5 });

      await behindTheTrigger(sql, `insert into audit.log (seq, at, actor, roles, action, object, result, origin, request_id, details, prev_hash, hash)
        select 5, at, actor, roles, action, object, 'OK', origin, request_id, details, prev_hash, hash from audit.log where seq = 4`);
      expect(await storeA.verify()).toMatchObject({ ok: false, firstBrokenSeq: 5 });
    } finally {
      await sql.end();
    }
  });
});
