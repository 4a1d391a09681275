import type { Sql } from '@clearhouse/kernel/db/index';
import { exposureCurrencies, exposureDates, fxExposure, type ExposurePeriod, type FxExposureReport } from '../domain/exposure.ts';
import { fxTableFor } from './rates.ts';

/** Periods a report may cover: a bound on what one request makes us convert. */
export const exposurePeriodsMax = 10_000;

/** Values the periods' open payables in `reportCurrency` at the fixings of `date`, and lists what is FX-pending. */
export async function exposureOf(sql: Sql, periods: readonly ExposurePeriod[], reportCurrency: string, date: string): Promise<FxExposureReport> {
  const fx = await fxTableFor(sql, exposureCurrencies(periods, reportCurrency), exposureDates(periods, date));
  return fxExposure(periods, fx, reportCurrency, date);
}
