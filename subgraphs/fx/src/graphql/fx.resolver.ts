import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ClearhouseError, decimalToString, isActiveCurrency, type FxFixingUsed as KernelFixingUsed } from '@clearhouse/kernel';
import { requireRole } from '@clearhouse/kernel/auth/scope';
import { DateScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';
import * as rates from '../app/rates.ts';
import type { FxContext } from './context.ts';
import { FxFixingUsed, FxImportResult, FxRate, HeldFxRate } from './fx.type.ts';

/** Errors: INVALID_RATE naming the argument, for a code that is not an active ISO 4217 currency. */
export function checkCurrency(currency: string, field: string): void {
  if (!isActiveCurrency(currency)) {
    throw new ClearhouseError('INVALID_RATE', `${field}: ${JSON.stringify(currency)} is not an active ISO 4217 currency.`, { field, currency });
  }
}

export function fixingsOut(fixings: readonly KernelFixingUsed[]): FxFixingUsed[] {
  return fixings.map((fixing) => ({ date: fixing.date, currency: fixing.currency, rate: decimalToString(fixing.rate) }));
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
    const found = (await rates.fxTableFor(context.deps.sql, [from, to], [date])).rate(date, from, to);
    return found.status === 'ok'
      ? { date, from, to, rate: decimalToString(found.rate), fixings: fixingsOut(found.fixings), missingCurrencies: [] }
      : { date, from, to, rate: null, fixings: [], missingCurrencies: found.missingCurrencies };
  }

  @Query(() => [HeldFxRate], { description: `Fixings held for confirmation, oldest first (at most ${rates.heldRatesListedMax}).` })
  async heldFxRates(@Ctx() context: FxContext): Promise<HeldFxRate[]> {
    requireRole(context.identity, 'FINANCE', 'ADMIN', 'AUDITOR');
    return rates.heldRates(context.deps.sql);
  }

  @Mutation(() => FxImportResult, {
    description: 'Imports an ECB eurofxref XML file (daily or historical). All or nothing: errors BAD_INPUT or INVALID_RATE name the date and currency.',
  })
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

  @Mutation(() => FxImportResult, { description: 'Applies a held fixing as it was held. Errors: NOT_FOUND.' })
  async confirmFxRate(@Arg('date', () => DateScalar) date: string, @Arg('currency', () => String) currency: string, @Ctx() context: FxContext): Promise<FxImportResult> {
    requireRole(context.identity, 'FINANCE');
    return rates.confirmHeldRate(context.deps, date, currency);
  }
}
