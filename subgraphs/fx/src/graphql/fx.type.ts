import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

@ObjectType({ description: 'rate(from → to) for a date, from the fixings of that date or the latest within 7 days before it.' })
export class FxRate {
  @Field(() => DateScalar) date!: string;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Null while a fixing is missing (pending).' }) rate!: string | null;
  @Field(() => [FxFixingUsed]) fixings!: FxFixingUsed[];
  @Field(() => [String], { description: 'Currencies without a usable fixing.' }) missingCurrencies!: string[];
}

@ObjectType()
export class FxFixingUsed {
  @Field(() => DateScalar) date!: string;
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar, { description: '1 EUR = rate CCY.' }) rate!: string;
}

@ObjectType()
export class HeldFxRate {
  @Field(() => DateScalar) date!: string;
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar) rate!: string;
  @Field(() => DecimalScalar) previousRate!: string;
  @Field(() => DecimalScalar, { description: 'Relative change from the previous fixing.' }) jump!: string;
}

@ObjectType()
export class FxImportResult {
  @Field(() => Int) applied!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => [HeldFxRate], { description: 'Fixings held for confirmation (jump beyond the threshold).' }) held!: HeldFxRate[];
}

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
}
