import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

@ObjectType({ description: 'The outcome of checking the ledger\'s hash chain from its first entry to its recorded head.' })
export class LedgerVerification {
  @Field(() => Boolean) ok!: boolean;
  @Field(() => Int, { nullable: true, description: 'The first sequence number at which the chain breaks.' }) firstBrokenSeq!: number | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int, { description: 'The sequence number of the last verified entry (0 for an empty ledger).' }) headSeq!: number;
}

@ObjectType()
export class LedgerLine {
  @Field(() => String, { description: 'FEE_EXPENSE, PAYABLE_TO_PARTNER or CASH.' }) account!: string;
  @Field(() => String, { description: 'DEBIT or CREDIT.' }) side!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) memo!: string;
}

@ObjectType({ description: 'One hash-chained double-entry posting.' })
export class LedgerEntry {
  @Field(() => Int) seq!: number;
  @Field(() => String, { description: 'STATEMENT_APPROVED or PAYMENT.' }) kind!: string;
  @Field(() => ID) partnerId!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { description: 'The period id for a statement, the payment reference for a payment.' }) reference!: string;
  @Field(() => DateTimeScalar) postedAt!: Date;
  @Field(() => [LedgerLine]) lines!: LedgerLine[];
  @Field(() => String) prevHash!: string;
  @Field(() => String) hash!: string;
}
