import { Field, ID, ObjectType } from 'type-graphql';
import { DecimalScalar } from '@clearhouse/kernel/graphql/index';
import { FxPendingBucket, FxRateUsed, OverrideGroup, TierBand, Totals } from './period.type.ts';

@ObjectType({ description: 'A period\'s figures under draft terms (rateWhatIf); nothing is saved.' })
export class WhatIfRating {
  @Field(() => ID) periodId!: string;
  @Field(() => String, { description: 'The draft\'s contract currency.' }) currency!: string;
  @Field(() => Totals) totals!: Totals;
  @Field(() => [OverrideGroup]) groups!: OverrideGroup[];
  @Field(() => DecimalScalar) tieredBase!: string;
  @Field(() => [TierBand]) tierBands!: TierBand[];
  @Field(() => DecimalScalar) computedFee!: string;
  @Field(() => DecimalScalar) minimumFeeTopUp!: string;
  @Field(() => DecimalScalar) fee!: string;
  @Field(() => DecimalScalar) carryIn!: string;
  @Field(() => DecimalScalar) carryOut!: string;
  @Field(() => DecimalScalar) payableCarryIn!: string;
  @Field(() => DecimalScalar) payable!: string;
  @Field(() => DecimalScalar) paidNow!: string;
  @Field(() => DecimalScalar) payableCarryOut!: string;
  @Field(() => [FxPendingBucket]) fxPending!: FxPendingBucket[];
  @Field(() => [FxRateUsed]) fxRatesUsed!: FxRateUsed[];
  @Field(() => Boolean) provisional!: boolean;
  @Field(() => DecimalScalar, { description: 'The fee the period has now, for comparison.' }) currentFee!: string;
}
