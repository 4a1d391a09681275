import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../support/database.ts';
import { startStack, type Stack } from '../support/stack.ts';

const record = `mutation ($p: ID!, $t: [TransactionInput!]!) { recordTransactions(partnerId: $p, transactions: $t) { accepted held } }`;
const overdue = `query ($p: ID!) { overdueHeldRollbacks(partnerId: $p) { externalId refersTo status } }`;

describe('rollbacks held for an original that never arrives', () => {
  let stack: Stack;
  let sql: Sql;
  let admin: string;
  let partnerId: string;

  beforeAll(async () => {
    const databaseUrl = await freshDatabase('heldrollbacks');
    stack = await startStack(databaseUrl);
    sql = connect(databaseUrl, { max: 1 });
    admin = await stack.token(['ADMIN']);
    const created = await stack.request(admin, `mutation { createPartner(input: { code: "HELD", name: "Held", kind: GAME_PROVIDER, timezone: "UTC", adapter: { type: JSON_WEBHOOK } }) { id } }`);
    partnerId = created.data.createPartner.id;
    await stack.request(admin, `mutation ($p: ID!) { registerGames(partnerId: $p, games: [{ code: "g1", name: "G", category: SLOT, declaredRtp: "96" }]) { code } }`, { p: partnerId });
    await stack.settle();
  });

  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
  });

  it('are listed as a data-quality issue once held longer than four hours, and stay held', async () => {
    const rollback = { externalId: 'rb-1', roundId: 'r1', playerId: 'p1', gameCode: 'g1', kind: 'ROLLBACK', funding: 'CASH', amount: '5.00', currency: 'EUR', occurredAt: new Date().toISOString(), refersTo: 'never-sent' };
    const answer = await stack.request(admin, record, { p: partnerId, t: [rollback] });
    expect(answer.data.recordTransactions).toEqual({ accepted: 1, held: 1 });
    expect((await stack.request(admin, overdue, { p: partnerId })).data.overdueHeldRollbacks).toEqual([]);

    await sql`update transactions.transactions set received_at = now() - interval '5 hours' where external_id = 'rb-1'`;
    expect((await stack.request(admin, overdue, { p: partnerId })).data.overdueHeldRollbacks).toEqual([{ externalId: 'rb-1', refersTo: 'never-sent', status: 'HELD' }]);
    const stats = await stack.request(admin, `query ($p: ID!) { ingestStats(partnerId: $p) { heldRollbacks } }`, { p: partnerId });
    expect(stats.data.ingestStats.heldRollbacks).toBe(1);
  });
});
