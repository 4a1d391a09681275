import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';
import { FxFixingUsed } from './fx.type.ts';

@ObjectType({ description: 'What is owed in one currency and not yet paid, valued in the report currency.' })
export class FxPayableExposure {
  @Field(() => String, { description: 'The contract currency the partners are paid in.' }) currency!: string;
  @Field(() => DecimalScalar, { description: 'paidNow of every period not yet PAID: what their statements will pay.' }) openPayable!: string;
  @Field(() => DecimalScalar, { description: 'payableCarryOut: owed below the minimum payout, passed on to the next period.' }) carriedPayable!: string;
  @Field(() => Int) periods!: number;
  @Field(() => Int, { description: 'FX-pending buckets of these periods: the payable is provisional while any remain.' }) pendingBuckets!: number;
  @Field(() => DecimalScalar, { nullable: true, description: '1 unit of currency in the report currency; null while a fixing is missing.' }) rate!: string | null;
  @Field(() => [FxFixingUsed]) fixings!: FxFixingUsed[];
  @Field(() => DecimalScalar, { nullable: true, description: 'openPayable in the report currency, exact (not rounded).' }) openPayableConverted!: string | null;
}

@ObjectType()
export class FxMissingFixing {
  @Field(() => DateScalar) date!: string;
  @Field(() => String) currency!: string;
}

@ObjectType({ description: 'Buckets of one currency left out of the totals for want of a fixing (DESIGN.md 5.3).' })
export class FxPendingExposure {
  @Field(() => String, { description: 'The currency of the buckets.' }) currency!: string;
  @Field(() => Int) buckets!: number;
  @Field(() => DateTimeScalar) firstBucketStart!: Date;
  @Field(() => DateTimeScalar) lastBucketStart!: Date;
  @Field(() => [FxMissingFixing], {
    description: 'Fixings still missing (a fixing of that date, or at most 7 days before it, clears each); empty when all have arrived and the re-rating is under way.',
  })
  missingFixings!: FxMissingFixing[];
}

@ObjectType({ description: 'Open payables per currency valued in a report currency, and what is still FX-pending.' })
export class FxExposure {
  @Field(() => String, { description: 'The report currency.' }) currency!: string;
  @Field(() => DateScalar, { description: 'The date whose fixings value the payables (or the latest within 7 days before it).' }) date!: string;
  @Field(() => [FxPayableExposure]) payables!: FxPayableExposure[];
  @Field(() => [FxPendingExposure]) pending!: FxPendingExposure[];
  @Field(() => DecimalScalar, { nullable: true, description: 'Σ openPayableConverted; null while any of them lacks a fixing.' }) openPayableTotal!: string | null;
}
