import { Decimal, decimalToString, utcDateOf, type FxTable } from '@clearhouse/kernel';
import { amountFields, normalizeBucketStart, type AmountField, type Bucket } from './buckets.ts';

/** A bucket's amounts in the contract currency, exact (no intermediate rounding, DESIGN.md 5.3). */
export type ConvertedAmounts = Record<AmountField, Decimal>;

export interface FxPendingBucket {
  gameCode: string;
  currency: string;
  bucketStart: string;
}

/** One conversion a statement shows: the fixings behind rate(from → to) for a bucket's UTC date. */
export interface FxRateUsed {
  date: string;
  from: string;
  to: string;
  rate: string;
  fixings: { currency: string; date: string; rate: string }[];
}

export interface ConvertedBuckets {
  converted: { bucket: Bucket; amounts: ConvertedAmounts }[];
  /** Sorted by gameCode, currency, bucketStart; every pending bucket, even one netting to zero. */
  fxPending: FxPendingBucket[];
  /** Sorted by date, then source currency. */
  fxRatesUsed: FxRateUsed[];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Converts each bucket with the fixings of its start's UTC date (or the fallback of FxTable);
 * a bucket without a usable fixing is FX-pending and left out.
 */
export function convertBuckets(buckets: readonly Bucket[], contractCurrency: string, fx: FxTable): ConvertedBuckets {
  const converted: ConvertedBuckets['converted'] = [];
  const fxPending: FxPendingBucket[] = [];
  const ratesUsed = new Map<string, FxRateUsed>();
  for (const bucket of buckets) {
    const date = utcDateOf(Date.parse(bucket.bucketStart));
    const lookup = fx.rate(date, bucket.currency, contractCurrency);
    if (lookup.status === 'pending') {
      fxPending.push({ gameCode: bucket.gameCode, currency: bucket.currency, bucketStart: normalizeBucketStart(bucket.bucketStart) });
      continue;
    }
    const amounts = {} as ConvertedAmounts;
    for (const field of amountFields) amounts[field] = bucket.sums[field].times(lookup.rate);
    converted.push({ bucket, amounts });
    const key = `${date} ${bucket.currency}`;
    if (bucket.currency !== contractCurrency && !ratesUsed.has(key)) {
      ratesUsed.set(key, {
        date,
        from: bucket.currency,
        to: contractCurrency,
        rate: decimalToString(lookup.rate),
        fixings: lookup.fixings.map((fixing) => ({ ...fixing, rate: decimalToString(fixing.rate) })),
      });
    }
  }
  fxPending.sort(
    (a, b) => compareText(a.gameCode, b.gameCode) || compareText(a.currency, b.currency) || compareText(a.bucketStart, b.bucketStart),
  );
  const fxRatesUsed = [...ratesUsed.values()].sort((a, b) => compareText(a.date, b.date) || compareText(a.from, b.from));
  return { converted, fxPending, fxRatesUsed };
}
