import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireRole } from '@clearhouse/kernel/auth/scope';
import { DecimalScalar } from '@clearhouse/kernel/graphql/index';
import * as adjustments from '../app/adjustments.ts';
import * as lifecycle from '../app/period-lifecycle.ts';
import type { Actor } from '../domain/statement/index.ts';
import { Adjustment, AdjustmentDecision } from './adjustment.type.ts';
import type { SettlementsContext } from './context.ts';
import { toPeriod } from './period.mapper.ts';
import { SettlementPeriod } from './period.type.ts';
import { toAdjustment } from './statement.mapper.ts';

/** Every step of the period lifecycle (DESIGN.md 5.5) is FINANCE work. */
function financeActor(context: SettlementsContext): Actor {
  const identity = requireRole(context.identity, 'FINANCE');
  return { id: identity.sub, roles: identity.roles };
}

async function freshPeriod(context: SettlementsContext, id: string): Promise<SettlementPeriod> {
  context.loaders.period.clear(id);
  context.loaders.periodRecord.clear(id);
  return toPeriod((await context.loaders.period.load(id))!);
}

@Resolver()
export class LifecycleResolver {
  @Mutation(() => SettlementPeriod, {
    description: 'Closes a CLOSING period and freezes its statement (FINANCE). Periods close oldest first. ' +
      'Errors: NOT_FOUND, FORBIDDEN, CONFLICT (not CLOSING, adjustments undecided, an earlier period still open).',
  })
  async closePeriod(@Arg('id', () => ID) id: string, @Ctx() context: SettlementsContext): Promise<SettlementPeriod> {
    await lifecycle.closePeriod(context.sql, id, financeActor(context), context.clock.nowMs());
    return freshPeriod(context, id);
  }

  @Mutation(() => SettlementPeriod, {
    description: 'Approves a CLOSED statement and posts it to the ledger (FINANCE, not the user who closed it). ' +
      'Errors: NOT_FOUND, FORBIDDEN, SELF_APPROVAL, CONFLICT (not CLOSED, or FX-pending: provisional figures).',
  })
  async approveStatement(@Arg('id', () => ID) id: string, @Ctx() context: SettlementsContext): Promise<SettlementPeriod> {
    await lifecycle.approveStatement(context.sql, id, financeActor(context), context.clock.nowMs());
    return freshPeriod(context, id);
  }

  @Mutation(() => SettlementPeriod, {
    description: 'Records the payment of an APPROVED statement and posts it to the ledger (FINANCE). ' +
      'Errors: NOT_FOUND, FORBIDDEN, CONFLICT (not APPROVED), BAD_INPUT (empty or over-long reference).',
  })
  async markPaid(@Arg('id', () => ID) id: string, @Arg('reference', () => String) reference: string, @Ctx() context: SettlementsContext): Promise<SettlementPeriod> {
    await lifecycle.markPaid(context.sql, id, reference, financeActor(context), context.clock.nowMs());
    return freshPeriod(context, id);
  }

  @Mutation(() => Adjustment, {
    description: 'Proposes a manual adjustment (signed, contract currency) of an OPEN or CLOSING period (FINANCE); it counts once approved. ' +
      'Errors: NOT_FOUND, FORBIDDEN, CONFLICT (period closed), BAD_INPUT (amount, reason), LIMIT_EXCEEDED.',
  })
  async addAdjustment(
    @Arg('periodId', () => ID) periodId: string,
    @Arg('amount', () => DecimalScalar) amount: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() context: SettlementsContext,
  ): Promise<Adjustment> {
    return toAdjustment(await adjustments.addAdjustment(context.sql, { periodId, amount, reason }, financeActor(context), context.clock.nowMs()));
  }

  @Mutation(() => Adjustment, {
    description: 'Approves or rejects a PENDING adjustment (FINANCE, not its author). An approval re-rates the period and pushes a delta. ' +
      'Errors: NOT_FOUND, FORBIDDEN, SELF_APPROVAL, CONFLICT (already decided).',
  })
  async decideAdjustment(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => AdjustmentDecision) decision: AdjustmentDecision,
    @Ctx() context: SettlementsContext,
  ): Promise<Adjustment> {
    return toAdjustment(await adjustments.decideAdjustment(context.sql, id, decision, financeActor(context), context.clock.nowMs()));
  }
}
