import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

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

@ObjectType({ description: 'A retired currency of an ECB historical file, left out of the import.' })
export class SkippedFxCurrency {
  @Field(() => String) currency!: string;
  @Field(() => Int) fixings!: number;
  @Field(() => DateScalar) firstDate!: string;
  @Field(() => DateScalar) lastDate!: string;
  @Field(() => String) reason!: string;
}

@ObjectType()
export class FxImportResult {
  @Field(() => Int) applied!: number;
  @Field(() => Int, { description: 'Fixings already stored with the same rate.' }) unchanged!: number;
  @Field(() => [HeldFxRate], { description: 'Fixings held for confirmation (jump beyond the threshold).' }) held!: HeldFxRate[];
  @Field(() => [SkippedFxCurrency], { description: 'Currencies the ECB no longer fixes, left out (historical files).' }) skipped!: SkippedFxCurrency[];
}
