import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../src/app/ledger.ts';
import { approveStatement, closePeriod, markPaid } from '../src/app/period-lifecycle.ts';
import { alice, bob, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

/** The hash-chained ledger (DESIGN.md 5.5): every change to a stored entry is found and named. */
describe('ledger verification against tampering in the database', () => {
  let db: SettlementsDb;

  beforeAll(async () => {
    db = await settlementsDb('ledger');
    const partnerId = await db.partner('NOVA');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [{ bucketStart: '2026-08-10T10:00:00Z', cashStake: '1000', cashWin: '400' }]);
    await db.ingest(partnerId, '2026-09-10T10:05:00Z', [{ bucketStart: '2026-09-10T10:00:00Z', cashStake: '500' }]);
    const nowMs = Date.parse('2026-10-02T00:00:00Z');
    for (const period of await db.periods(partnerId)) {
      await closePeriod(db.sql, period.id, alice, nowMs);
      await approveStatement(db.sql, period.id, bob, nowMs);
      await markPaid(db.sql, period.id, `PAY-${period.start.slice(0, 7)}`, alice, nowMs);
    }
  });
  afterAll(async () => db?.stop());

  it('verifies an untouched ledger', async () => {
    expect(await verifyLedger(db.sql)).toMatchObject({ ok: true, head: { seq: 4 } });
  });

  it('names the entry whose amount was changed directly in the database', async () => {
    await db.sql`update settlements.ledger_entries set lines = jsonb_set(lines, '{1,amount}', '"6.00"') where seq = 2`;
    try {
      expect(await verifyLedger(db.sql)).toEqual({ ok: false, firstBrokenSeq: 2, reason: 'the content does not match its hash: the entry was altered' });
    } finally {
      await db.sql`update settlements.ledger_entries set lines = jsonb_set(lines, '{1,amount}', '"60.00"') where seq = 2`;
    }
    expect((await verifyLedger(db.sql)).ok).toBe(true);
  });

  it('names the entry whose hash was recomputed by someone who changed its reference', async () => {
    const [original] = await db.sql`select reference from settlements.ledger_entries where seq = 3`;
    await db.sql`update settlements.ledger_entries set reference = 'forged' where seq = 3`;
    try {
      expect(await verifyLedger(db.sql)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    } finally {
      await db.sql`update settlements.ledger_entries set reference = ${original!.reference as string} where seq = 3`;
    }
  });

  it('notices entries cut off the end, against the recorded head', async () => {
    const [last] = await db.sql`select * from settlements.ledger_entries where seq = 4`;
    await db.sql`delete from settlements.ledger_entries where seq = 4`;
    try {
      expect(await verifyLedger(db.sql)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    } finally {
      await db.sql`insert into settlements.ledger_entries ${db.sql(last as Record<string, unknown>)}`;
    }
    expect((await verifyLedger(db.sql)).ok).toBe(true);
  });
});
