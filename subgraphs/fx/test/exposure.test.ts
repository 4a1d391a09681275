import { describe, expect, it } from 'vitest';
import { FxTable } from '@clearhouse/kernel';
import { fxExposure, type ExposurePeriod } from '../src/domain/exposure.ts';

const fx = FxTable.of([
  { date: '2026-11-20', currency: 'USD', rate: '1.10' },
  { date: '2026-11-20', currency: 'GBP', rate: '0.85' },
  { date: '2026-09-09', currency: 'SEK', rate: '11.4' },
]);

function period(overrides: Partial<ExposurePeriod>): ExposurePeriod {
  return { currency: 'EUR', status: 'CLOSING', paidNow: '0', payableCarryOut: '0', fxPending: [], ...overrides };
}

describe('FX exposure', () => {
  it('sums what unpaid periods will pay per currency owed, valued exactly in the report currency', () => {
    const report = fxExposure(
      [period({ paidNow: '150.00' }), period({ paidNow: '200.00', status: 'APPROVED' }), period({ currency: 'GBP', paidNow: '80.00' }), period({ paidNow: '999.00', status: 'PAID' })],
      fx, 'USD', '2026-11-22',
    );
    expect(report.payables.map((line) => [line.currency, line.openPayable.toFixed(), line.periods, line.rate?.toFixed(), line.openPayableConverted?.toFixed()])).toEqual([
      ['EUR', '350', 2, '1.1', '385'],
      ['GBP', '80', 1, '1.2941176470588235294117647058823529411764705882352941176470588235294117647058824', '103.52941176470588235294117647058823529411764705882352941176470588235294117647059'],
    ]);
    expect(report.openPayableTotal?.toFixed()).toBe('488.52941176470588235294117647058823529411764705882352941176470588235294117647059');
  });

  it('reports the carried payable of periods below the minimum payout beside what they pay now', () => {
    const [line] = fxExposure([period({ paidNow: '0.00', payableCarryOut: '42.50' })], fx, 'EUR', '2026-11-20').payables;
    expect([line!.openPayable.toFixed(), line!.carriedPayable.toFixed()]).toEqual(['0', '42.5']);
  });

  it('leaves the total open while a payable currency has no fixing for the valuation date', () => {
    const report = fxExposure([period({ paidNow: '10.00' }), period({ currency: 'JPY', paidNow: '1000' })], fx, 'EUR', '2026-11-20');
    expect(report.payables.find((line) => line.currency === 'JPY')).toMatchObject({ rate: null, openPayableConverted: null });
    expect(report.openPayableTotal).toBeNull();
  });

  it('names, per currency, the fixings FX-pending buckets still wait for, and none once they have arrived', () => {
    const pending = [
      { gameCode: 'g1', currency: 'SEK', bucketStart: '2026-09-17T05:45:00.000Z' },
      { gameCode: 'g2', currency: 'SEK', bucketStart: '2026-09-17T08:00:00.000Z' },
      { gameCode: 'g1', currency: 'SEK', bucketStart: '2026-09-16T23:45:00.000Z' },
    ];
    const report = fxExposure([period({ fxPending: pending })], fx, 'EUR', '2026-11-20');
    expect(report.pending).toEqual([{
      currency: 'SEK', buckets: 3, firstBucketStart: '2026-09-16T23:45:00.000Z', lastBucketStart: '2026-09-17T08:00:00.000Z',
      missingFixings: [{ date: '2026-09-17', currency: 'SEK' }],
    }]);
    expect(report.payables[0]!.pendingBuckets).toBe(3);
    const later = FxTable.of([{ date: '2026-09-09', currency: 'SEK', rate: '11.4' }, { date: '2026-09-17', currency: 'SEK', rate: '11.5' }]);
    expect(fxExposure([period({ fxPending: pending })], later, 'EUR', '2026-11-20').pending[0]!.missingFixings).toEqual([]);
  });

  it('names the contract currency too when it is the one without a fixing', () => {
    const report = fxExposure([period({ currency: 'NOK', fxPending: [{ gameCode: 'g', currency: 'USD', bucketStart: '2026-11-20T10:00:00.000Z' }] })], fx, 'EUR', '2026-11-20');
    expect(report.pending[0]!.missingFixings).toEqual([{ date: '2026-11-20', currency: 'NOK' }]);
  });
});
