import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';
import { PeriodStatus } from './period.type.ts';

export enum StatementSection {
  ACTIVITY = 'ACTIVITY', OVERRIDE_GROUP = 'OVERRIDE_GROUP', TIERED = 'TIERED', FEE = 'FEE', ADJUSTMENT = 'ADJUSTMENT',
  PAYABLE = 'PAYABLE', CARRY = 'CARRY', FX_RATE = 'FX_RATE', FX_PENDING = 'FX_PENDING', PRIOR_PERIOD = 'PRIOR_PERIOD',
}
registerEnumType(StatementSection, { name: 'StatementSection' });

@ObjectType({ description: 'One line of a statement (DESIGN.md 5.4), in statement order.' })
export class StatementLine {
  @Field(() => StatementSection) section!: StatementSection;
  @Field(() => String, { description: 'A stable key for programs: cashStake, group, tierBand, computedFee, fee, adjustment, payable, fxRate, priorPeriod, …' })
  item!: string;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'The base a rate applies to (a group base, a tier band slice).' }) base!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'A fee rate, or for an FX line the fixing: 1 EUR = rate of `currency`.' }) rate!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Exact; rounded only where the figure itself is (fee, payable, paid now).' }) amount!: string | null;
  @Field(() => String, { nullable: true }) currency!: string | null;
}

@ObjectType()
export class StatementTotals {
  @Field(() => DecimalScalar) computedFee!: string;
  @Field(() => DecimalScalar) minimumFeeTopUp!: string;
  @Field(() => DecimalScalar, { description: 'The fee before approved adjustments.' }) fee!: string;
  @Field(() => DecimalScalar) adjustmentsTotal!: string;
  @Field(() => DecimalScalar) payableCarryIn!: string;
  @Field(() => DecimalScalar, { description: 'Fee, approved adjustments and what earlier periods left unpaid.' }) payable!: string;
  @Field(() => DecimalScalar) paidNow!: string;
  @Field(() => DecimalScalar) payableCarryOut!: string;
  @Field(() => DecimalScalar, { description: 'What the operator pays the partner for this statement.' }) amountDueNow!: string;
}

@ObjectType()
export class StatementPartner {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
}

@ObjectType({ description: 'A period statement: frozen at close, built live (and provisional) while the period is open.' })
export class Statement {
  @Field(() => ID) periodId!: string;
  @Field(() => StatementPartner) partner!: StatementPartner;
  @Field(() => DateTimeScalar) periodStart!: Date;
  @Field(() => DateTimeScalar) periodEnd!: Date;
  @Field(() => PeriodStatus) status!: PeriodStatus;
  @Field(() => String) currency!: string;
  @Field(() => DateTimeScalar, { description: 'When the statement was built: the close for a frozen one.' }) generatedAt!: Date;
  @Field(() => Boolean, { description: 'True while buckets wait for an FX rate: such a statement cannot be approved.' }) provisional!: boolean;
  @Field(() => [StatementLine]) lines!: StatementLine[];
  @Field(() => StatementTotals) totals!: StatementTotals;
}

@ObjectType({ description: 'Late data of a frozen period, counted in this one at its arrival (DESIGN.md 5.5).' })
export class PriorPeriodAdjustment {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: 'The frozen period it belonged to; null for back-filled history of a cycle without a period.' })
  originalPeriodId!: string | null;
  @Field(() => String) gameCode!: string;
  @Field(() => String, { description: 'The transactions\' own currency.' }) currency!: string;
  @Field(() => DateTimeScalar) originalBucketStart!: Date;
  @Field(() => DateTimeScalar, { description: 'The bucket of its arrival, in which it counts.' }) countedBucketStart!: Date;
  @Field(() => Int, { description: 'Net transaction count of the late delta.' }) transactions!: number;
  @Field(() => DecimalScalar, { description: 'GGR of the late delta, in `currency`.' }) ggr!: string;
}
