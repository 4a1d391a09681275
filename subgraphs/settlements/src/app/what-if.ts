import { ClearhouseError, Decimal } from '@clearhouse/kernel';
import type { Sql } from '@clearhouse/kernel/db/index';
import { validateTerms } from '@clearhouse/kernel/terms/index';
import type { Rating } from '../domain/rating.ts';
import { adjustmentsOfPeriods } from '../infra/adjustment-store.ts';
import { loadPeriodRecord, type PeriodRecord } from '../infra/period-records.ts';
import { loadCategories, loadFxTable } from '../infra/store.ts';
import { isId } from './period-access.ts';
import { ratePeriodAlone, ratingAdjustments } from './rate-period.ts';

/**
 * What-if (rateWhatIf): a stored period's own buckets rated under draft terms, with the carries and
 * approved adjustments the period has now. The period's bounds stay as they are even if the draft
 * changes the cycle or timezone. Nothing is saved. Errors: NOT_FOUND, INVALID_TERMS (with `fields`),
 * CONFLICT (a draft in another currency while carries or adjustments in the contract currency apply).
 */
export async function rateWhatIf(sql: Sql, periodId: string, draft: unknown, canSee: (partnerId: string) => boolean): Promise<{ record: PeriodRecord; rating: Rating }> {
  const record = isId(periodId) ? await loadPeriodRecord(sql, periodId) : null;
  if (record === null || !canSee(record.partnerId)) throw new ClearhouseError('NOT_FOUND', 'no such period');
  const validated = validateTerms(draft);
  if (!validated.ok) throw new ClearhouseError('INVALID_TERMS', 'the draft terms do not validate', { fields: validated.errors });
  const figures = record.figures;
  const adjustments = ratingAdjustments((await adjustmentsOfPeriods(sql, [periodId])).get(periodId));
  const carries = figures !== null && (!new Decimal(figures.carryIn).isZero() || !new Decimal(figures.payableCarryIn).isZero() || adjustments.length > 0);
  if (carries && validated.terms.currency !== figures.currency) {
    throw new ClearhouseError('CONFLICT', `the period carries amounts in ${figures.currency}; draft terms in ${validated.terms.currency} cannot take them`, {
      field: 'currency',
    });
  }
  const rating = await ratePeriodAlone(sql, record, {
    terms: validated.terms,
    gameCategories: await loadCategories(sql, record.partnerId),
    fx: await loadFxTable(sql),
    adjustments,
  });
  return { record, rating };
}
