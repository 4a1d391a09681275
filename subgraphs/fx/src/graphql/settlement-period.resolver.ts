import { Arg, Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { ClearhouseError, Decimal, decimalToString, minorUnits, utcDateOf } from '@clearhouse/kernel';
import { DateScalar } from '@clearhouse/kernel/graphql/index';
import { exposureOf } from '../app/exposure.ts';
import { fxTableFor } from '../app/rates.ts';
import type { FxExposureReport } from '../domain/exposure.ts';
import type { FxContext } from './context.ts';
import { FxExposure } from './exposure.type.ts';
import { checkCurrency, fixingsOut } from './fx.resolver.ts';
import { ConvertedTotals, SettlementPeriod, type Totals } from './settlement-period.type.ts';

const totalsFields = ['cashStake', 'bonusStake', 'cashWin', 'bonusWin', 'jackpotContribution', 'jackpotWin', 'ggr', 'ngr'] as const;

/** Representations carry instants as the strings the gateway sent. */
function isoOf(instant: Date | string): string {
  return new Date(instant).toISOString();
}

export function exposureOut(report: FxExposureReport): FxExposure {
  const text = (value: Decimal | null) => (value === null ? null : decimalToString(value));
  return {
    currency: report.currency,
    date: report.date,
    payables: report.payables.map((line) => ({
      ...line,
      // Sums of amounts already rounded to the currency's minor units: shown the way they were.
      openPayable: line.openPayable.toFixed(minorUnits(line.currency)),
      carriedPayable: line.carriedPayable.toFixed(minorUnits(line.currency)),
      rate: text(line.rate),
      fixings: fixingsOut(line.fixings),
      openPayableConverted: text(line.openPayableConverted),
    })),
    pending: report.pending.map((line) => ({ ...line, firstBucketStart: new Date(line.firstBucketStart), lastBucketStart: new Date(line.lastBucketStart) })),
    openPayableTotal: text(report.openPayableTotal),
  };
}

@Resolver(() => SettlementPeriod)
export class SettlementPeriodFxResolver {
  @Directive('@requires(fields: "currency end totals { cashStake bonusStake cashWin bonusWin jackpotContribution jackpotWin ggr ngr }")')
  @FieldResolver(() => ConvertedTotals, {
    description: "The period's totals in another currency, at the fixing of the period's last day (or the latest within 7 days before it).",
  })
  async totalsIn(@Root() period: SettlementPeriod, @Arg('currency', () => String) currency: string, @Ctx() context: FxContext): Promise<ConvertedTotals> {
    if (!context.identity) throw new ClearhouseError('UNAUTHENTICATED');
    checkCurrency(currency, 'currency');
    const rateDate = utcDateOf(Date.parse(isoOf(period.end)) - 1);
    const found = (await fxTableFor(context.deps.sql, [period.currency, currency], [rateDate])).rate(rateDate, period.currency, currency);
    if (found.status !== 'ok') return { currency, rateDate, rate: null, pending: true, fixings: [], totals: null };
    const converted = Object.fromEntries(totalsFields.map((field) => [field, decimalToString(new Decimal(period.totals[field]).times(found.rate))])) as unknown as Totals;
    return { currency, rateDate, rate: decimalToString(found.rate), pending: false, fixings: fixingsOut(found.fixings), totals: converted };
  }

  @Directive('@requires(fields: "currency status paidNow payableCarryOut fxPending { gameCode currency bucketStart }")')
  @FieldResolver(() => FxExposure, {
    description: "This period's FX exposure: its open payable valued in `currency` at the fixings of `date` (default today), and its FX-pending buckets with the fixings they wait for.",
  })
  async fxExposure(
    @Root() period: SettlementPeriod,
    @Ctx() context: FxContext,
    @Arg('currency', () => String, { defaultValue: 'EUR' }) currency: string,
    @Arg('date', () => DateScalar, { nullable: true }) date?: string,
  ): Promise<FxExposure> {
    if (!context.identity) throw new ClearhouseError('UNAUTHENTICATED');
    checkCurrency(currency, 'currency');
    const input = {
      currency: period.currency,
      status: period.status,
      paidNow: period.paidNow,
      payableCarryOut: period.payableCarryOut,
      fxPending: period.fxPending.map((bucket) => ({ gameCode: bucket.gameCode, currency: bucket.currency, bucketStart: isoOf(bucket.bucketStart) })),
    };
    return exposureOut(await exposureOf(context.deps.sql, [input], currency, date ?? utcDateOf(context.clock.nowMs())));
  }
}

export const fxReferenceResolvers = {
  SettlementPeriod: { __resolveReference: (reference: SettlementPeriod) => reference },
};
