import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';
import { FxFixingUsed } from './fx.type.ts';

/**
 * The settlements subgraph's period, as far as FX needs it: the fields FX @requires are @external
 * (resolved by settlements and handed over by the gateway); FX adds converted views and exposure.
 */
export enum PeriodStatus { OPEN = 'OPEN', CLOSING = 'CLOSING', CLOSED = 'CLOSED', APPROVED = 'APPROVED', PAID = 'PAID' }
registerEnumType(PeriodStatus, { name: 'PeriodStatus' });

@Directive('@shareable')
@ObjectType()
export class Totals {
  @Field(() => DecimalScalar) cashStake!: string;
  @Field(() => DecimalScalar) bonusStake!: string;
  @Field(() => DecimalScalar) cashWin!: string;
  @Field(() => DecimalScalar) bonusWin!: string;
  @Field(() => DecimalScalar) jackpotContribution!: string;
  @Field(() => DecimalScalar) jackpotWin!: string;
  @Field(() => DecimalScalar) ggr!: string;
  @Field(() => DecimalScalar) ngr!: string;
}

@ObjectType()
export class FxPendingBucket {
  @Directive('@external')
  @Field(() => String) gameCode!: string;
  @Directive('@external')
  @Field(() => String) currency!: string;
  @Directive('@external')
  @Field(() => DateTimeScalar) bucketStart!: Date;
}

@ObjectType({ description: "A period's totals converted into another currency, with the rate and the date it is of." })
export class ConvertedTotals {
  @Field(() => String) currency!: string;
  @Field(() => DateScalar) rateDate!: string;
  @Field(() => DecimalScalar, { nullable: true }) rate!: string | null;
  @Field(() => Boolean, { description: 'True when no usable fixing exists: the amounts are null.' }) pending!: boolean;
  @Field(() => [FxFixingUsed]) fixings!: FxFixingUsed[];
  @Field(() => Totals, { nullable: true }) totals!: Totals | null;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class SettlementPeriod {
  @Field(() => ID) id!: string;
  @Directive('@external')
  @Field(() => String) currency!: string;
  @Directive('@external')
  @Field(() => DateTimeScalar) end!: Date;
  @Directive('@external')
  @Field(() => Totals) totals!: Totals;
  @Directive('@external')
  @Field(() => PeriodStatus) status!: PeriodStatus;
  @Directive('@external')
  @Field(() => DecimalScalar) paidNow!: string;
  @Directive('@external')
  @Field(() => DecimalScalar) payableCarryOut!: string;
  @Directive('@external')
  @Field(() => [FxPendingBucket]) fxPending!: FxPendingBucket[];
}
