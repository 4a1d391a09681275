import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { ClearhouseError } from '@clearhouse/kernel';
import { assertPartnerVisible, canSeePartner, requireRole } from '@clearhouse/kernel/auth/scope';
import { DateTimeScalar } from '@clearhouse/kernel/graphql/index';
import { isId } from '../app/period-access.ts';
import * as queries from '../app/queries.ts';
import type { SettlementsContext } from './context.ts';
import { toDelta, toPeriod } from './period.mapper.ts';
import { DeltaPointer, SettlementDelta, SettlementPeriod } from './period.type.ts';

@Resolver()
export class PeriodResolver {
  @Query(() => [SettlementPeriod], { description: "A partner's periods overlapping [from, to), oldest first." })
  async settlementPeriods(
    @Arg('partnerId', () => ID) partnerId: string,
    @Ctx() context: SettlementsContext,
    @Arg('from', () => DateTimeScalar, { nullable: true }) from?: Date,
    @Arg('to', () => DateTimeScalar, { nullable: true }) to?: Date,
  ): Promise<SettlementPeriod[]> {
    assertPartnerVisible(context.identity, partnerId);
    if (!isId(partnerId)) return [];
    const rows = await queries.periodsOverlapping(context.sql, partnerId, from ?? null, to ?? null, context.clock.nowMs());
    for (const row of rows) context.loaders.period.prime(row.id, row);
    return rows.map(toPeriod);
  }

  @Query(() => SettlementPeriod, { nullable: true })
  async settlementPeriod(@Arg('id', () => ID) id: string, @Ctx() context: SettlementsContext): Promise<SettlementPeriod | null> {
    if (!isId(id)) return null;
    const row = await context.loaders.period.load(id);
    if (!row || !canSeePartner(context.identity, row.partnerId)) return null;
    return toPeriod(row);
  }

  @Query(() => SettlementDelta, { nullable: true, description: 'One settlement delta (the gateway resolves subscription events with it).' })
  async settlementDelta(@Arg('id', () => ID) id: string, @Ctx() context: SettlementsContext): Promise<SettlementDelta | null> {
    const row = await context.loaders.delta.load(id);
    if (!row || !canSeePartner(context.identity, row.partnerId)) return null;
    const period = await context.loaders.period.load(row.periodId);
    return period ? toDelta(row, toPeriod(period)) : null;
  }

  @Query(() => [DeltaPointer], { description: 'Gateway use: deltas after a global id; with no id, the newest one.' })
  async settlementDeltaFeed(
    @Ctx() context: SettlementsContext,
    @Arg('limit', () => Int) limit: number,
    @Arg('afterId', () => ID, { nullable: true }) afterId?: string,
  ): Promise<DeltaPointer[]> {
    requireRole(context.identity, 'ADMIN');
    if (limit < 1 || limit > queries.deltaPageMax) throw new ClearhouseError('LIMIT_EXCEEDED', `limit must be 1 to ${queries.deltaPageMax}`);
    return queries.deltaFeed(context.sql, afterId ?? null, limit);
  }

  @Query(() => [DeltaPointer], { description: "A partner's deltas after a sequence number (resuming a subscription)." })
  async settlementDeltaPointers(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('afterSeq', () => Int) afterSeq: number,
    @Arg('limit', () => Int) limit: number,
    @Ctx() context: SettlementsContext,
  ): Promise<DeltaPointer[]> {
    assertPartnerVisible(context.identity, partnerId);
    if (limit < 1 || limit > queries.deltaPageMax) throw new ClearhouseError('LIMIT_EXCEEDED', `limit must be 1 to ${queries.deltaPageMax}`);
    return queries.partnerDeltaPointers(context.sql, partnerId, afterSeq, limit);
  }
}

export const periodReferenceResolvers = {
  SettlementPeriod: {
    __resolveReference: async (reference: { id: string }, context: SettlementsContext) => {
      if (!isId(reference.id)) return null;
      const row = await context.loaders.period.load(reference.id);
      if (!row) return null;
      assertPartnerVisible(context.identity, row.partnerId);
      return toPeriod(row);
    },
  },
  SettlementDelta: {
    __resolveReference: async (reference: { id: string }, context: SettlementsContext) => {
      const row = await context.loaders.delta.load(reference.id);
      if (!row) return null;
      assertPartnerVisible(context.identity, row.partnerId);
      const period = await context.loaders.period.load(row.periodId);
      return period ? toDelta(row, toPeriod(period)) : null;
    },
  },
};
