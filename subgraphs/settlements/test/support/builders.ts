import { Decimal, FxTable } from '@clearhouse/kernel';
import { emptySums, type Bucket, type BucketSums } from '../../src/domain/buckets.ts';
import { validateTerms, type GameCategory, type Terms } from '@clearhouse/kernel/terms/index';

/** Terms from JSON through the real validator, so tests only ever rate terms a user could save. */
export function termsOf(overrides: Record<string, unknown> = {}): Terms {
  const result = validateTerms({
    currency: 'EUR',
    timezone: 'Europe/Berlin',
    cycle: 'MONTHLY',
    base: 'GGR',
    tiers: [{ upTo: null, rate: '0.10' }],
    tierMode: 'MARGINAL',
    ...overrides,
  });
  if (!result.ok) throw new Error(`test terms are invalid: ${JSON.stringify(result.errors)}`);
  return result.terms;
}

type SumsText = Partial<Record<Exclude<keyof BucketSums, 'transactions' | 'rounds'>, string>>;

export function bucket(gameCode: string, bucketStart: string, sums: SumsText, currency = 'EUR'): Bucket {
  const all = emptySums();
  for (const [field, amount] of Object.entries(sums)) all[field as keyof SumsText] = new Decimal(amount);
  return { gameCode, currency, bucketStart: new Date(bucketStart).toISOString(), sums: { ...all, transactions: 1, rounds: 1 } };
}

export const noFx = new FxTable();

export function categories(entries: Record<string, GameCategory>): ReadonlyMap<string, GameCategory> {
  return new Map(Object.entries(entries));
}

export const zero = new Decimal(0);
