import { assertUnreachable, Decimal, sum, utcDateOf, type FxFixingUsed, type FxTable } from '@clearhouse/kernel';

/**
 * FX exposure: what is owed and not yet paid, per currency owed, valued in one report currency; and
 * what is not counted yet because its fixing is missing (DESIGN.md 5.3 FX-pending buckets). Pure: the
 * periods come from the settlements subgraph through federation, the fixings from the FX tables.
 */
export type PeriodStatus = 'OPEN' | 'CLOSING' | 'CLOSED' | 'APPROVED' | 'PAID';

export interface ExposurePeriod {
  /** The contract currency: what the partner is paid in. */
  currency: string;
  status: PeriodStatus;
  paidNow: string;
  payableCarryOut: string;
  fxPending: { gameCode: string; currency: string; bucketStart: string }[];
}

export interface PayableExposure {
  currency: string;
  /** What statements not yet paid will pay (paidNow of every period before PAID). */
  openPayable: Decimal;
  /** Owed but below the minimum payout, passed on to the next period (payableCarryOut). */
  carriedPayable: Decimal;
  periods: number;
  /** Buckets of these periods left out for want of a fixing: the payable may still grow or shrink. */
  pendingBuckets: number;
  /** 1 unit of `currency` in the report currency, or null while a fixing is missing. */
  rate: Decimal | null;
  fixings: FxFixingUsed[];
  openPayableConverted: Decimal | null;
}

export interface MissingFixing {
  date: string;
  currency: string;
}

export interface PendingExposure {
  /** The currency of the buckets waiting. */
  currency: string;
  buckets: number;
  firstBucketStart: string;
  lastBucketStart: string;
  /** The fixings that must arrive (or a fixing at most 7 days before each date); empty once they all have. */
  missingFixings: MissingFixing[];
}

export interface FxExposureReport {
  currency: string;
  date: string;
  payables: PayableExposure[];
  pending: PendingExposure[];
  /** Σ openPayableConverted; null while any of them lacks a fixing. */
  openPayableTotal: Decimal | null;
}

/** A period in any of these states is still to be paid. */
export function isUnpaid(status: PeriodStatus): boolean {
  switch (status) {
    case 'OPEN':
    case 'CLOSING':
    case 'CLOSED':
    case 'APPROVED':
      return true;
    case 'PAID':
      return false;
    default:
      return assertUnreachable(status);
  }
}

/** The dates whose fixings an exposure report reads: the valuation date and each pending bucket's UTC date. */
export function exposureDates(periods: readonly ExposurePeriod[], date: string): string[] {
  const dates = new Set([date]);
  for (const period of periods) for (const bucket of period.fxPending) dates.add(utcDateOf(Date.parse(bucket.bucketStart)));
  return [...dates];
}

export function exposureCurrencies(periods: readonly ExposurePeriod[], reportCurrency: string): string[] {
  const currencies = new Set([reportCurrency]);
  for (const period of periods) {
    currencies.add(period.currency);
    for (const bucket of period.fxPending) currencies.add(bucket.currency);
  }
  return [...currencies];
}

export function fxExposure(periods: readonly ExposurePeriod[], fx: FxTable, reportCurrency: string, date: string): FxExposureReport {
  const payables = payablesOf(periods.filter((period) => isUnpaid(period.status)), fx, reportCurrency, date);
  const converted = payables.map((line) => line.openPayableConverted);
  const openPayableTotal = converted.every((amount): amount is Decimal => amount !== null) ? sum(converted) : null;
  return { currency: reportCurrency, date, payables, pending: pendingOf(periods, fx), openPayableTotal };
}

function payablesOf(unpaid: readonly ExposurePeriod[], fx: FxTable, reportCurrency: string, date: string): PayableExposure[] {
  const byCurrency = new Map<string, ExposurePeriod[]>();
  for (const period of unpaid) {
    const group = byCurrency.get(period.currency);
    if (group === undefined) byCurrency.set(period.currency, [period]);
    else group.push(period);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([currency, group]) => {
      const openPayable = sum(group.map((period) => new Decimal(period.paidNow)));
      const lookup = fx.rate(date, currency, reportCurrency);
      return {
        currency,
        openPayable,
        carriedPayable: sum(group.map((period) => new Decimal(period.payableCarryOut))),
        periods: group.length,
        pendingBuckets: group.reduce((count, period) => count + period.fxPending.length, 0),
        rate: lookup.status === 'ok' ? lookup.rate : null,
        fixings: lookup.status === 'ok' ? lookup.fixings : [],
        openPayableConverted: lookup.status === 'ok' ? openPayable.times(lookup.rate) : null,
      };
    });
}

function pendingOf(periods: readonly ExposurePeriod[], fx: FxTable): PendingExposure[] {
  const lines = new Map<string, PendingExposure & { missing: Map<string, MissingFixing> }>();
  for (const period of periods) {
    for (const bucket of period.fxPending) {
      const start = new Date(bucket.bucketStart).toISOString();
      let line = lines.get(bucket.currency);
      if (line === undefined) {
        line = { currency: bucket.currency, buckets: 0, firstBucketStart: start, lastBucketStart: start, missingFixings: [], missing: new Map() };
        lines.set(bucket.currency, line);
      }
      line.buckets += 1;
      if (start < line.firstBucketStart) line.firstBucketStart = start;
      if (start > line.lastBucketStart) line.lastBucketStart = start;
      const bucketDate = utcDateOf(Date.parse(start));
      const lookup = fx.rate(bucketDate, bucket.currency, period.currency);
      if (lookup.status === 'pending') {
        for (const currency of lookup.missingCurrencies) line.missing.set(`${bucketDate} ${currency}`, { date: bucketDate, currency });
      }
    }
  }
  return [...lines.values()]
    .sort((a, b) => compare(a.currency, b.currency))
    .map(({ missing, ...line }) => ({ ...line, missingFixings: [...missing.values()].sort((a, b) => compare(a.date, b.date) || compare(a.currency, b.currency)) }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
