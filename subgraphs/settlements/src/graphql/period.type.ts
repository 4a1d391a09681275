import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

export enum PeriodStatus { OPEN = 'OPEN', CLOSING = 'CLOSING', CLOSED = 'CLOSED', APPROVED = 'APPROVED', PAID = 'PAID' }
registerEnumType(PeriodStatus, { name: 'PeriodStatus' });

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Partner')
export class PartnerRef {
  @Field(() => ID) id!: string;
}

@Directive('@shareable')
@ObjectType({ description: 'Sums in the contract currency, unrounded exact decimals.' })
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
export class OverrideGroup {
  @Field(() => String) override!: string;
  @Field(() => DecimalScalar) base!: string;
  @Field(() => DecimalScalar) fee!: string;
}

@ObjectType()
export class TierBand {
  @Field(() => DecimalScalar) from!: string;
  @Field(() => DecimalScalar, { nullable: true }) upTo!: string | null;
  @Field(() => DecimalScalar) slice!: string;
  @Field(() => DecimalScalar) rate!: string;
}

@ObjectType()
export class FxPendingBucket {
  @Field(() => String) gameCode!: string;
  @Field(() => String) currency!: string;
  @Field(() => DateTimeScalar) bucketStart!: Date;
}

@ObjectType()
export class FxRateUsed {
  @Field(() => DateScalar) date!: string;
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar, { description: '1 EUR = rate CCY.' }) rate!: string;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class SettlementPeriod {
  @Field(() => ID) id!: string;
  @Field(() => PartnerRef) partner!: PartnerRef;
  @Field(() => DateTimeScalar) start!: Date;
  @Field(() => DateTimeScalar) end!: Date;
  @Field(() => PeriodStatus) status!: PeriodStatus;
  @Directive('@shareable')
  @Field(() => String, { description: 'The contract currency.' }) currency!: string;
  @Directive('@shareable')
  @Field(() => Totals) totals!: Totals;
  @Field(() => [OverrideGroup]) groups!: OverrideGroup[];
  @Field(() => DecimalScalar) tieredBase!: string;
  @Field(() => [TierBand]) tierBands!: TierBand[];
  @Field(() => DecimalScalar) computedFee!: string;
  @Field(() => DecimalScalar, { description: 'Rounded once, half-even, to the currency minor units.' }) fee!: string;
  @Field(() => DecimalScalar) minimumFeeTopUp!: string;
  @Field(() => DecimalScalar) carryIn!: string;
  @Field(() => DecimalScalar) carryOut!: string;
  @Field(() => DecimalScalar) payableCarryIn!: string;
  @Field(() => DecimalScalar) payable!: string;
  @Field(() => DecimalScalar) paidNow!: string;
  @Field(() => DecimalScalar) payableCarryOut!: string;
  @Field(() => [FxPendingBucket]) fxPending!: FxPendingBucket[];
  @Field(() => [FxRateUsed]) fxRatesUsed!: FxRateUsed[];
  @Field(() => Boolean, { description: 'True while figures may still change (open, or FX-pending).' }) provisional!: boolean;
  @Field(() => String, { nullable: true }) closedBy!: string | null;
  @Field(() => String, { nullable: true }) approvedBy!: string | null;
  @Field(() => String, { nullable: true }) paymentReference!: string | null;
}

@ObjectType({ description: 'What one applied batch changed in a period.' })
export class DeltaChange {
  @Field(() => Int) transactions!: number;
  @Field(() => DecimalScalar, { description: 'Change of GGR in the contract currency.' }) ggr!: string;
  @Field(() => DecimalScalar, { description: 'Change of the fee so far.' }) fee!: string;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class SettlementDelta {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Per partner, from 1, without gaps.' }) seq!: number;
  @Field(() => PartnerRef) partner!: PartnerRef;
  @Field(() => SettlementPeriod) period!: SettlementPeriod;
  @Field(() => DeltaChange) change!: DeltaChange;
  @Field(() => Totals) totals!: Totals;
  @Field(() => DecimalScalar) fee!: string;
  @Field(() => DecimalScalar) payable!: string;
  @Field(() => DateTimeScalar) at!: Date;
}

@ObjectType({ description: 'Gateway use: which deltas exist after an id (no figures).' })
export class DeltaPointer {
  @Field(() => ID) id!: string;
  @Field(() => ID) partnerId!: string;
  @Field(() => Int) seq!: number;
}
