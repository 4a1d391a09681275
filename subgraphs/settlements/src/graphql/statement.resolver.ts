import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { ClearhouseError } from '@clearhouse/kernel';
import { canSeePartner } from '@clearhouse/kernel/auth/scope';
import { isId } from '../app/period-access.ts';
import { statementForDisplay } from '../app/statement-of.ts';
import { toCsv, toPdf, type Statement as DomainStatement } from '../domain/statement/index.ts';
import { priorPeriodsCountedIn } from '../infra/prior-period-store.ts';
import { Adjustment } from './adjustment.type.ts';
import type { SettlementsContext } from './context.ts';
import { SettlementPeriod } from './period.type.ts';
import { toAdjustment, toPriorPeriodAdjustment, toStatement } from './statement.mapper.ts';
import { PriorPeriodAdjustment, Statement } from './statement.type.ts';

/** The statement of a visible period, as the API shows it (NOT_FOUND for anything else). */
async function statementOf(context: SettlementsContext, periodId: string): Promise<DomainStatement> {
  const record = isId(periodId) ? await context.loaders.periodRecord.load(periodId) : null;
  if (record === null || !canSeePartner(context.identity, record.partnerId)) throw new ClearhouseError('NOT_FOUND', 'no such period');
  const row = (await context.loaders.period.load(periodId))!;
  return statementForDisplay(context.sql, record, row.status as DomainStatement['status'], context.clock.nowMs());
}

@Resolver(() => SettlementPeriod)
export class StatementResolver {
  @FieldResolver(() => Statement, {
    description: 'Every line of the statement: activity, override groups, tier bands, carries, minimum-fee top-up, fee, ' +
      'approved adjustments, payable, FX rates used, FX-pending buckets and prior-period adjustments. Frozen at close.',
  })
  async statement(@Root() period: SettlementPeriod, @Ctx() context: SettlementsContext): Promise<Statement> {
    return toStatement(await statementOf(context, period.id));
  }

  @FieldResolver(() => [Adjustment], { description: 'Manual and FX-correction adjustments of the period, oldest first, whatever their status.' })
  async adjustments(@Root() period: SettlementPeriod, @Ctx() context: SettlementsContext): Promise<Adjustment[]> {
    return (await context.loaders.adjustments.load(period.id)).map(toAdjustment);
  }

  @FieldResolver(() => [PriorPeriodAdjustment], { description: 'Late data of frozen periods that counts in this one.' })
  async priorPeriodAdjustments(@Root() period: SettlementPeriod, @Ctx() context: SettlementsContext): Promise<PriorPeriodAdjustment[]> {
    return (await priorPeriodsCountedIn(context.sql, period.partner.id, period.start.getTime(), period.end.getTime())).map(toPriorPeriodAdjustment);
  }
}

@Resolver()
export class StatementExportResolver {
  @Query(() => String, {
    description: 'The statement as RFC 4180 CSV (CRLF, header row, one row per statement line, exact amounts). ' +
      'Staff, or the partner\'s own users. Errors: NOT_FOUND.',
  })
  async statementCsv(@Arg('periodId', () => ID) periodId: string, @Ctx() context: SettlementsContext): Promise<string> {
    return toCsv(await statementOf(context, periodId));
  }

  @Query(() => String, {
    description: 'The statement as a PDF document, base64-encoded (decode and save as application/pdf). ' +
      'Staff, or the partner\'s own users. Errors: NOT_FOUND.',
  })
  async statementPdf(@Arg('periodId', () => ID) periodId: string, @Ctx() context: SettlementsContext): Promise<string> {
    return (await toPdf(await statementOf(context, periodId))).toString('base64');
  }
}
