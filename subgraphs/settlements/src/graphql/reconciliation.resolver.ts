import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { assertUnreachable } from '@clearhouse/kernel';
import { assertPartnerVisible, requireRole } from '@clearhouse/kernel/auth/scope';
import { DateScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';
import { reconcileProviderReport } from '../app/reconciliation.ts';
import type { DailyDifference } from '../domain/statement/index.ts';
import type { SettlementsContext } from './context.ts';
import { ReconciliationDifference, ReconciliationDifferenceKind, ReconciliationResult } from './reconciliation.type.ts';

function toDifference(difference: DailyDifference): ReconciliationDifference {
  const base = { kind: difference.kind as ReconciliationDifferenceKind, gameCode: difference.gameCode, currency: difference.currency };
  switch (difference.kind) {
    case 'MISSING_OURS':
      return { ...base, field: null, line: difference.line, ours: null, theirs: difference.theirs, difference: null };
    case 'MISSING_THEIRS': {
      const { stake, win, rounds } = difference.ours;
      return { ...base, field: null, line: null, ours: { bets: stake, wins: win, rounds }, theirs: null, difference: null };
    }
    case 'AMOUNT_MISMATCH': {
      const side = (value: string) => ({ bets: difference.field === 'bets' ? value : null, wins: difference.field === 'wins' ? value : null, rounds: null });
      return { ...base, field: difference.field, line: null, ours: side(difference.ours), theirs: side(difference.theirs), difference: difference.difference };
    }
    case 'ROUND_COUNT_MISMATCH': {
      const side = (rounds: number) => ({ bets: null, wins: null, rounds });
      return { ...base, field: 'rounds', line: null, ours: side(difference.ours), theirs: side(difference.theirs), difference: String(difference.difference) };
    }
    default:
      return assertUnreachable(difference);
  }
}

@Resolver()
export class ReconciliationResolver {
  @Mutation(() => ReconciliationResult, {
    description: 'Compares the provider\'s daily report (CSV "GameID;Currency;Bets;Wins;Rounds", one row per game and currency, ' +
      'amounts in the row\'s currency with "." as decimal point) with our buckets of that UTC day, and lists every difference ' +
      '(FINANCE, ADMIN, AUDITOR). Nothing is stored. Errors: NOT_FOUND, BAD_INPUT (date, tolerance, header), LIMIT_EXCEEDED.',
  })
  async reconcileProviderReport(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('date', () => DateScalar) date: string,
    @Arg('csv', () => String) csv: string,
    @Ctx() context: SettlementsContext,
    @Arg('tolerance', () => DecimalScalar, { nullable: true, description: 'Largest amount difference that is not a mismatch; default 0.01.' }) tolerance?: string,
  ): Promise<ReconciliationResult> {
    requireRole(context.identity, 'FINANCE', 'ADMIN', 'AUDITOR');
    assertPartnerVisible(context.identity, partnerId);
    const result = await reconcileProviderReport(context.sql, { partnerId, date, csv, tolerance });
    const counts = new Map<string, number>();
    for (const difference of result.differences) counts.set(difference.kind, (counts.get(difference.kind) ?? 0) + 1);
    return {
      ...result,
      differences: result.differences.map(toDifference),
      byKind: [...counts].map(([kind, count]) => ({ kind: kind as ReconciliationDifferenceKind, count })),
    };
  }
}
