import { Arg, Ctx, Directive, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ClearhouseError, Decimal, isActiveCurrency, utcDateOf } from '@clearhouse/kernel';
import { requireRole } from '@clearhouse/kernel/auth/scope';
import { DateScalar, DecimalScalar, type RequestContext } from '@clearhouse/kernel/graphql/index';
import * as rates from '../app/rates.ts';
import { ConvertedTotals, FxImportResult, FxRate, HeldFxRate, SettlementPeriod, Totals } from './fx.type.ts';

export interface FxContext extends RequestContext {
  deps: rates.FxDeps;
}

const totalsFields = ['cashStake', 'bonusStake', 'cashWin', 'bonusWin', 'jackpotContribution', 'jackpotWin', 'ggr', 'ngr'] as const;

function checkCurrency(currency: string, field: string): void {
  if (!isActiveCurrency(currency)) throw new ClearhouseError('INVALID_RATE', `${field}: ${currency} is not an active ISO 4217 currency`, { field });
}

async function lookup(deps: rates.FxDeps, date: string, from: string, to: string) {
  const table = await rates.fxTableFor(deps.sql, [from, to], date);
  return table.rate(date, from, to);
}

@Resolver()
export class FxResolver {
  @Query(() => FxRate)
  async fxRate(
    @Arg('date', () => DateScalar) date: string,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Ctx() context: FxContext,
  ): Promise<FxRate> {
    if (!context.identity) throw new ClearhouseError('UNAUTHENTICATED');
    checkCurrency(from, 'from');
    checkCurrency(to, 'to');
    const found = await lookup(context.deps, date, from, to);
    return found.status === 'ok'
      ? { date, from, to, rate: found.rate.toFixed(), fixings: found.fixings.map((f) => ({ date: f.date, currency: f.currency, rate: f.rate.toFixed() })), missingCurrencies: [] }
      : { date, from, to, rate: null, fixings: [], missingCurrencies: found.missingCurrencies };
  }

  @Query(() => [HeldFxRate], { description: 'Fixings held for confirmation.' })
  async heldFxRates(@Ctx() context: FxContext): Promise<HeldFxRate[]> {
    requireRole(context.identity, 'FINANCE', 'ADMIN', 'AUDITOR');
    return rates.heldRates(context.deps.sql);
  }

  @Mutation(() => FxImportResult, { description: 'Imports an ECB eurofxref XML file (daily or historical); all or nothing.' })
  async importFxRates(@Arg('xml', () => String) xml: string, @Ctx() context: FxContext): Promise<FxImportResult> {
    requireRole(context.identity, 'FINANCE', 'ADMIN');
    return rates.importFxRates(context.deps, xml);
  }

  @Mutation(() => FxImportResult, { description: 'A manual fixing (1 EUR = rate CCY); confirm applies a jump beyond the threshold.' })
  async setFxRate(
    @Arg('date', () => DateScalar) date: string,
    @Arg('currency', () => String) currency: string,
    @Arg('rate', () => DecimalScalar) rate: string,
    @Ctx() context: FxContext,
    @Arg('confirm', () => Boolean, { defaultValue: false }) confirm: boolean,
  ): Promise<FxImportResult> {
    requireRole(context.identity, 'FINANCE');
    return rates.setFxRate(context.deps, { date, currency, rate }, confirm);
  }

  @Mutation(() => FxImportResult, { description: 'Applies a held fixing.' })
  async confirmFxRate(@Arg('date', () => DateScalar) date: string, @Arg('currency', () => String) currency: string, @Ctx() context: FxContext): Promise<FxImportResult> {
    requireRole(context.identity, 'FINANCE');
    return rates.confirmHeldRate(context.deps, date, currency);
  }
}

@Resolver(() => SettlementPeriod)
export class SettlementPeriodFxResolver {
  @Directive('@requires(fields: "currency end totals { cashStake bonusStake cashWin bonusWin jackpotContribution jackpotWin ggr ngr }")')
  @FieldResolver(() => ConvertedTotals, {
    description: "The period's totals in another currency, at the fixing of the period's last day (or the latest within 7 days before it).",
  })
  async totalsIn(@Root() period: SettlementPeriod, @Arg('currency', () => String) currency: string, @Ctx() context: FxContext): Promise<ConvertedTotals> {
    checkCurrency(currency, 'currency');
    const rateDate = utcDateOf(new Date(period.end).getTime() - 1);
    const found = await lookup(context.deps, rateDate, period.currency, currency);
    if (found.status !== 'ok') return { currency, rateDate, rate: null, pending: true, fixings: [], totals: null };
    const converted = Object.fromEntries(totalsFields.map((field) => [field, new Decimal(period.totals[field]).times(found.rate).toFixed()])) as unknown as Totals;
    return {
      currency, rateDate, rate: found.rate.toFixed(), pending: false,
      fixings: found.fixings.map((f) => ({ date: f.date, currency: f.currency, rate: f.rate.toFixed() })),
      totals: converted,
    };
  }
}

export const fxReferenceResolvers = {
  SettlementPeriod: { __resolveReference: (reference: SettlementPeriod) => reference },
};
