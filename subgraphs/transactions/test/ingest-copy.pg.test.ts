import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../../../test/support/database.ts';
import { copyRowsMin, writeChunk } from '../src/app/chunk-writes.ts';
import type { BatchDecision, NewRow } from '../src/domain/index.ts';

function row(externalId: string): NewRow {
  return {
    externalId, roundId: 'r', playerId: 'p', gameCode: 'g', kind: 'BET', funding: 'CASH', amount: '1.00', currency: 'EUR',
    occurredAt: '2026-11-20T10:00:00.000Z', refersTo: null, status: 'APPLIED', raw: '{}',
  };
}

function decisionOf(inserts: NewRow[]): BatchDecision {
  return { removals: [], statusChanges: [], inserts, quarantines: [], effects: [], counts: { accepted: inserts.length, duplicates: 0, quarantined: {} as BatchDecision['counts']['quarantined'], heldRollbacks: 0 } };
}

describe('the COPY of new transactions', () => {
  let sql: Sql;
  const partnerId = randomUUID();
  const context = { partnerId, source: 'TEST', receivedAt: new Date(), insert: 'copy' as const };

  beforeAll(async () => {
    sql = connect(await freshDatabase('copy'), { max: 2 });
  });
  afterAll(async () => sql?.end());

  it('stores a chunk of rows and escapes tabs, newlines and backslashes in text', async () => {
    const rows = Array.from({ length: copyRowsMin }, (_, index) => row(`ok-${index}`));
    rows[0] = { ...rows[0]!, playerId: 'tab\there\nnew\\line\r' };
    await sql.begin((tx) => writeChunk(tx, decisionOf(rows), context, () => {}, null));
    const [stored] = await sql`select player_id, count(*) over ()::int as count from transactions.transactions where partner_id = ${partnerId} and external_id = 'ok-0'`;
    expect(stored).toEqual({ player_id: 'tab\there\nnew\\line\r', count: 1 });
  });

  it('fails with the server error, rolled back, when the server refuses the rows, instead of hanging (porsager/postgres#1173)', async () => {
    const rows = Array.from({ length: copyRowsMin }, (_, index) => row(`clash-${index}`));
    rows.push(row('ok-5'));
    const startedMs = Date.now();
    const failure = await sql.begin((tx) => writeChunk(tx, decisionOf(rows), context, () => {}, null)).then(() => null, (error: unknown) => error);
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    expect((failure as { code?: string })?.code).toBe('23505');
    const [count] = await sql`select count(*)::int as count from transactions.transactions where partner_id = ${partnerId} and external_id like 'clash-%'`;
    expect(count!.count).toBe(0);
    expect(await sql`select 1 as alive`).toEqual([{ alive: 1 }]);
  });
});
