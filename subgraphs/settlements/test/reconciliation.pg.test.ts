import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../src/app/period-lifecycle.ts';
import { reconcileProviderReport } from '../src/app/reconciliation.ts';
import { alice, codeOf, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

/** DESIGN.md 5.6: the provider's daily report against our buckets of that UTC day. */
describe('daily reconciliation against the provider report', () => {
  let db: SettlementsDb;
  let partnerId: string;

  beforeAll(async () => {
    db = await settlementsDb('reconciliation');
    partnerId = await db.partner('LEGACY');
    await db.ingest(partnerId, '2026-08-10T23:50:00Z', [
      { bucketStart: '2026-08-10T10:00:00Z', cashStake: '100.00', bonusStake: '20', cashWin: '40', rounds: 3 },
      { bucketStart: '2026-08-10T22:45:00Z', cashStake: '5', rounds: 1 },
      { bucketStart: '2026-08-10T11:00:00Z', gameCode: 'live-1', cashStake: '300', cashWin: '250', rounds: 7 },
      { bucketStart: '2026-08-10T12:00:00Z', currency: 'USD', cashStake: '9', rounds: 1 },
      { bucketStart: '2026-08-11T00:00:00Z', cashStake: '999', rounds: 9 },
    ]);
  });
  afterAll(async () => db?.stop());

  it('lists every difference by kind: missing on either side, amounts beyond the tolerance, round counts', async () => {
    const csv = [
      'GameID;Currency;Bets;Wins;Rounds',
      'slot-1;EUR;125.004;40;4',
      'live-1;EUR;300;255.50;7',
      'ghost-1;EUR;10;0;1',
      'idle-1;EUR;0;0;0',
      'bad;EUR;ten;0;1',
    ].join('\r\n');
    const result = await reconcileProviderReport(db.sql, { partnerId, date: '2026-08-10', csv });
    expect(result).toMatchObject({ providerRows: 4, ourRows: 3, rejectedLines: [{ line: 6, reason: expect.stringContaining('Bets') }] });
    expect(result.differences).toEqual([
      { kind: 'MISSING_OURS', gameCode: 'ghost-1', currency: 'EUR', line: 4, theirs: { bets: '10', wins: '0', rounds: 1 } },
      { kind: 'AMOUNT_MISMATCH', gameCode: 'live-1', currency: 'EUR', field: 'wins', ours: '250', theirs: '255.50', difference: '-5.5' },
      { kind: 'MISSING_THEIRS', gameCode: 'slot-1', currency: 'USD', ours: { stake: '9', win: '0', rounds: 1 } },
    ]);
  });

  it('compares late data on the day it happened, not the day it was counted', async () => {
    await db.ingest(partnerId, '2026-09-01T00:00:00Z', [{ bucketStart: '2026-09-01T00:00:00Z', cashStake: '1' }]);
    const [august] = await db.periods(partnerId);
    await closePeriod(db.sql, august!.id, alice, Date.parse('2026-09-02T00:00:00Z'));
    await db.ingest(partnerId, '2026-09-03T10:00:00Z', [{ bucketStart: '2026-08-10T15:00:00Z', cashStake: '7', rounds: 1 }]);
    const csv = 'GameID;Currency;Bets;Wins;Rounds\nslot-1;EUR;132;40;5\nlive-1;EUR;300;250;7\nslot-1;USD;9;0;1\n';
    expect((await reconcileProviderReport(db.sql, { partnerId, date: '2026-08-10', csv })).differences).toEqual([]);
    const arrivalDay = await reconcileProviderReport(db.sql, { partnerId, date: '2026-09-03', csv: 'GameID;Currency;Bets;Wins;Rounds\n' });
    expect(arrivalDay.differences).toEqual([]);
  });

  it('refuses a report without the header and an ill-formed date', async () => {
    expect(await codeOf(reconcileProviderReport(db.sql, { partnerId, date: '2026-08-10', csv: 'slot-1;EUR;1;1;1' }))).toBe('BAD_INPUT');
    expect(await codeOf(reconcileProviderReport(db.sql, { partnerId, date: '10.08.2026', csv: 'GameID;Currency;Bets;Wins;Rounds' }))).toBe('BAD_INPUT');
  });
});
