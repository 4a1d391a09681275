import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateWhatIf } from '../src/app/what-if.ts';
import { baseTerms, codeOf, settlementsDb, type SettlementsDb } from './support/settlements-db.ts';

describe('what-if rating of a period under draft terms', () => {
  let db: SettlementsDb;
  let partnerId: string;
  let periodId: string;
  const everyone = () => true;

  beforeAll(async () => {
    db = await settlementsDb('what-if');
    partnerId = await db.partner('PULSE');
    await db.ingest(partnerId, '2026-08-10T10:05:00Z', [
      { bucketStart: '2026-08-10T10:00:00Z', cashStake: '1000', cashWin: '400' },
      { bucketStart: '2026-08-10T11:00:00Z', gameCode: 'live-1', cashStake: '500' },
    ]);
    periodId = (await db.periods(partnerId))[0]!.id;
  });
  afterAll(async () => db?.stop());

  it('rates the period\'s buckets under the draft and saves nothing', async () => {
    const before = await db.periods(partnerId);
    const draft = { ...baseTerms, overrides: [{ name: 'live', categories: ['LIVE_CASINO'], rate: '0.30' }], minimumFee: '500' };
    const { rating } = await rateWhatIf(db.sql, periodId, draft, everyone);
    expect(rating).toMatchObject({
      groups: [{ override: 'live', base: '500', fee: '150' }], tieredBase: '600', computedFee: '210', minimumFeeTopUp: '290', fee: '500.00',
    });
    expect(before[0]!.figures.fee).toBe('110.00');
    expect(await db.periods(partnerId)).toEqual(before);
  });

  it('refuses draft terms that do not validate, naming the fields', async () => {
    try {
      await rateWhatIf(db.sql, periodId, { ...baseTerms, tiers: [] }, everyone);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_TERMS', details: { fields: expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining('tiers') })]) } });
    }
  });

  it('answers NOT_FOUND for a period the caller may not see', async () => {
    expect(await codeOf(rateWhatIf(db.sql, periodId, baseTerms, () => false))).toBe('NOT_FOUND');
  });
});
