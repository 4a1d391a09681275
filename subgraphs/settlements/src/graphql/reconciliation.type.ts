import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

export enum ReconciliationDifferenceKind {
  MISSING_OURS = 'MISSING_OURS', MISSING_THEIRS = 'MISSING_THEIRS', AMOUNT_MISMATCH = 'AMOUNT_MISMATCH', ROUND_COUNT_MISMATCH = 'ROUND_COUNT_MISMATCH',
}
registerEnumType(ReconciliationDifferenceKind, {
  name: 'ReconciliationDifferenceKind',
  valuesConfig: {
    MISSING_OURS: { description: 'In the provider\'s report, not in our buckets.' },
    MISSING_THEIRS: { description: 'In our buckets, not in the provider\'s report.' },
    AMOUNT_MISMATCH: { description: 'Bets or wins differ by more than the tolerance.' },
    ROUND_COUNT_MISMATCH: { description: 'The round counts differ.' },
  },
});

@ObjectType({ description: 'One side\'s figures of a game and currency for the day; a mismatch gives only the field that differs.' })
export class ReconciliationFigures {
  @Field(() => DecimalScalar, { nullable: true, description: 'Stakes, cash and bonus.' }) bets!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Wins, cash and bonus.' }) wins!: string | null;
  @Field(() => Int, { nullable: true }) rounds!: number | null;
}

@ObjectType()
export class ReconciliationDifference {
  @Field(() => ReconciliationDifferenceKind) kind!: ReconciliationDifferenceKind;
  @Field(() => String) gameCode!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { nullable: true, description: 'bets, wins or rounds: what differs in a mismatch.' }) field!: string | null;
  @Field(() => Int, { nullable: true, description: 'The provider report line, where there is one.' }) line!: number | null;
  @Field(() => ReconciliationFigures, { nullable: true }) ours!: ReconciliationFigures | null;
  @Field(() => ReconciliationFigures, { nullable: true }) theirs!: ReconciliationFigures | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'ours − theirs of the mismatching field.' }) difference!: string | null;
}

@ObjectType()
export class ReconciliationKindCount {
  @Field(() => ReconciliationDifferenceKind) kind!: ReconciliationDifferenceKind;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class RejectedReportLine {
  @Field(() => Int) line!: number;
  @Field(() => String) reason!: string;
}

@ObjectType({ description: 'The provider\'s daily report against our buckets of that UTC day (DESIGN.md 5.6).' })
export class ReconciliationResult {
  @Field(() => ID) partnerId!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => Int) providerRows!: number;
  @Field(() => Int) ourRows!: number;
  @Field(() => [ReconciliationDifference], { description: 'Ordered by game, currency and kind.' }) differences!: ReconciliationDifference[];
  @Field(() => [ReconciliationKindCount], { description: 'How many differences of each kind (kinds without any are left out).' }) byKind!: ReconciliationKindCount[];
  @Field(() => [RejectedReportLine], { description: 'Report lines that could not be read; the rest were compared.' }) rejectedLines!: RejectedReportLine[];
}
