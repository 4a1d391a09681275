import { Decimal, type FxTable } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import type { GameCategory, Terms } from '@clearhouse/kernel/terms/index';
import { rate, type Adjustment as RatingAdjustment, type Rating } from '../domain/rating.ts';
import type { AdjustmentRecord } from '../infra/adjustment-store.ts';
import type { PeriodRecord } from '../infra/period-records.ts';
import { loadBuckets } from '../infra/store.ts';

/** The adjustments that count in a period's rating: the approved ones (DESIGN.md 5.5). */
export function ratingAdjustments(records: readonly AdjustmentRecord[] | undefined): RatingAdjustment[] {
  return (records ?? []).filter((record) => record.status === 'APPROVED').map(({ amount, reason }) => ({ amount, reason }));
}

export function pendingCount(records: readonly AdjustmentRecord[] | undefined): number {
  return (records ?? []).filter((record) => record.status === 'PENDING').length;
}

/**
 * Rates one stored period on its own, with the carries it was given when it was last rated: how a
 * provisional closed statement is completed when its FX rate arrives, how much an FX correction
 * changes a closed statement, and what draft terms would have charged (what-if).
 */
export async function ratePeriodAlone(
  sql: Sql | TransactionSql,
  record: PeriodRecord,
  input: { terms: Terms; gameCategories: ReadonlyMap<string, GameCategory>; fx: FxTable; adjustments: readonly RatingAdjustment[] },
): Promise<Rating> {
  const buckets = await loadBuckets(sql, record.partnerId, new Date(record.startMs).toISOString(), new Date(record.endMs).toISOString());
  return rate({
    buckets,
    terms: input.terms,
    gameCategories: input.gameCategories,
    fx: input.fx,
    // Stored unrounded figures may be longer than `dec` accepts from outside input: they are our own.
    carryIn: new Decimal(record.figures?.carryIn ?? '0'),
    payableCarryIn: new Decimal(record.figures?.payableCarryIn ?? '0'),
    adjustments: input.adjustments,
  });
}
