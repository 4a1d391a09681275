import { ClearhouseError, Decimal, ZERO, assert, type FxTable } from '@clearhouse/kernel';
import type { Bucket } from './buckets.ts';
import { periodContaining, type ContractVersion, type PeriodBounds } from './periods.ts';
import { rate, type Adjustment, type Rating } from './rating.ts';
import type { GameCategory, Terms } from '@clearhouse/kernel/terms/index';

/**
 * A partner's consecutive periods rated in order (DESIGN.md 5.4): each period's carryOut is the next
 * period's carryIn and its payableCarryOut the next payableCarryIn, also across contract versions.
 * Only periods holding at least one bucket exist; a cycle without any passes the carries straight on.
 */
export const chainPeriodsMax = 10_000;

export interface PeriodToRate extends PeriodBounds {
  terms: Terms;
  buckets: Bucket[];
  adjustments?: readonly Adjustment[];
}

export interface RatedPeriod extends PeriodBounds, Rating {}

/** Groups buckets into the periods they fall in, in time order; each period knows its version's terms. */
export function periodsOfBuckets(versions: readonly ContractVersion[], buckets: Iterable<Bucket>): PeriodToRate[] {
  const byStart = new Map<number, PeriodToRate>();
  for (const bucket of buckets) {
    const period = periodContaining(versions, Date.parse(bucket.bucketStart));
    let entry = byStart.get(period.startMs);
    if (entry === undefined) {
      assert(byStart.size < chainPeriodsMax, `more than ${chainPeriodsMax} periods for one partner`);
      const { version, ...periodBounds } = period;
      entry = { ...periodBounds, terms: version.terms, buckets: [] };
      byStart.set(period.startMs, entry);
    }
    entry.buckets.push(bucket);
  }
  return [...byStart.values()].sort((a, b) => a.startMs - b.startMs);
}

export interface ChainInput {
  periods: readonly PeriodToRate[];
  gameCategories: ReadonlyMap<string, GameCategory>;
  fx: FxTable;
  /** What the period before the first one passed on (a closed period's carries); zero by default. */
  carryIn?: Decimal;
  payableCarryIn?: Decimal;
}

export function rateChain(input: ChainInput): RatedPeriod[] {
  assert(input.periods.length <= chainPeriodsMax, `more than ${chainPeriodsMax} periods in one chain`);
  const rated: RatedPeriod[] = [];
  let carryIn = input.carryIn ?? ZERO;
  let payableCarryIn = input.payableCarryIn ?? ZERO;
  let previous: PeriodToRate | undefined;
  for (const period of input.periods) {
    if (previous !== undefined) {
      assert(period.startMs >= previous.endMs, `periods overlap or are out of order at ${period.start}`);
      // Carries are amounts in the contract currency; moving them into another one would need an FX
      // rule the design does not give, so a change of currency is refused rather than guessed.
      if (period.terms.currency !== previous.terms.currency) {
        throw new ClearhouseError('CONFLICT', 'carries cannot pass between contract versions in different currencies', {
          periodStart: period.start, from: previous.terms.currency, to: period.terms.currency,
        });
      }
    }
    const rating = rate({
      buckets: period.buckets, terms: period.terms, gameCategories: input.gameCategories, fx: input.fx,
      carryIn, payableCarryIn, adjustments: period.adjustments ?? [],
    });
    rated.push({ startMs: period.startMs, endMs: period.endMs, start: period.start, end: period.end, ...rating });
    carryIn = new Decimal(rating.carryOut);
    payableCarryIn = new Decimal(rating.payableCarryOut);
    previous = period;
  }
  return rated;
}
