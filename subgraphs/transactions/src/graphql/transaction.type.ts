import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

export enum TransactionKindEnum { BET = 'BET', WIN = 'WIN', ROLLBACK = 'ROLLBACK', JACKPOT_CONTRIBUTION = 'JACKPOT_CONTRIBUTION', JACKPOT_WIN = 'JACKPOT_WIN' }
export enum FundingEnum { CASH = 'CASH', BONUS = 'BONUS' }
export enum TransactionStatus { APPLIED = 'APPLIED', HELD = 'HELD', CANCELLED = 'CANCELLED' }
export enum QuarantineReasonEnum {
  MALFORMED = 'MALFORMED', UNKNOWN_CURRENCY = 'UNKNOWN_CURRENCY', NEGATIVE_AMOUNT = 'NEGATIVE_AMOUNT', UNKNOWN_GAME = 'UNKNOWN_GAME',
  FUTURE_TIMESTAMP = 'FUTURE_TIMESTAMP', TOO_OLD = 'TOO_OLD', DUPLICATE_CONFLICT = 'DUPLICATE_CONFLICT',
  ROLLBACK_OF_ROLLBACK = 'ROLLBACK_OF_ROLLBACK', ALREADY_ROLLED_BACK = 'ALREADY_ROLLED_BACK', ROLLBACK_MISMATCH = 'ROLLBACK_MISMATCH',
}
registerEnumType(TransactionKindEnum, { name: 'TransactionKind' });
registerEnumType(FundingEnum, { name: 'Funding' });
registerEnumType(TransactionStatus, { name: 'TransactionStatus', description: 'APPLIED counts; HELD is a rollback waiting for its original; CANCELLED was rolled back.' });
registerEnumType(QuarantineReasonEnum, { name: 'QuarantineReason' });

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Partner')
export class PartnerRef {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class Transaction {
  @Field(() => PartnerRef) partner!: PartnerRef;
  @Field(() => String) externalId!: string;
  @Field(() => String) roundId!: string;
  @Field(() => String) playerId!: string;
  @Field(() => String) gameCode!: string;
  @Field(() => TransactionKindEnum) kind!: TransactionKindEnum;
  @Field(() => FundingEnum) funding!: FundingEnum;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => DateTimeScalar) occurredAt!: Date;
  @Field(() => String, { nullable: true }) refersTo!: string | null;
  @Field(() => TransactionStatus) status!: TransactionStatus;
  @Field(() => DateTimeScalar) receivedAt!: Date;
  @Field(() => String) source!: string;
}

@ObjectType()
export class QuarantinedTransaction {
  @Field(() => ID) id!: string;
  @Field(() => PartnerRef) partner!: PartnerRef;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => QuarantineReasonEnum) reason!: QuarantineReasonEnum;
  @Field(() => String) detail!: string;
  @Field(() => String, { description: 'The record exactly as received.' }) raw!: string;
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => String) source!: string;
  @Field(() => DateTimeScalar) receivedAt!: Date;
}

@ObjectType()
export class RejectedRecord {
  @Field(() => Int, { nullable: true, description: 'Index in the request, or line number in a file.' }) line!: number | null;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => QuarantineReasonEnum) reason!: QuarantineReasonEnum;
  @Field(() => String) detail!: string;
}

@ObjectType()
export class IngestResult {
  @Field(() => Int, { description: 'Records stored (held rollbacks included).' }) accepted!: number;
  @Field(() => Int, { description: 'Identical re-sends, ignored.' }) duplicates!: number;
  @Field(() => Int) quarantined!: number;
  @Field(() => Int, { description: 'Rollbacks of this batch held for their original.' }) held!: number;
  @Field(() => [RejectedRecord]) rejected!: RejectedRecord[];
}

@ObjectType()
export class IngestStats {
  @Field(() => Int) accepted!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => Int) quarantined!: number;
  @Field(() => Int, { description: 'Rollbacks held now, waiting for their original.' }) heldRollbacks!: number;
}

@ObjectType()
export class QuarantineCount {
  @Field(() => QuarantineReasonEnum) reason!: QuarantineReasonEnum;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class ReplayOutcome {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'ACCEPTED, DUPLICATE, HELD or the new quarantine reason.' }) outcome!: string;
}

@ObjectType()
export class PollerStatus {
  @Field(() => String, { description: 'CLOSED (healthy), OPEN (failing, paused) or HALF_OPEN (trying again).' }) circuit!: string;
  @Field(() => String, { nullable: true }) cursor!: string | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastPolledAt!: Date | null;
}

@InputType()
export class TransactionInput {
  @Field(() => String) externalId!: string;
  @Field(() => String) roundId!: string;
  @Field(() => String) playerId!: string;
  @Field(() => String) gameCode!: string;
  @Field(() => TransactionKindEnum) kind!: TransactionKindEnum;
  @Field(() => FundingEnum) funding!: FundingEnum;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => DateTimeScalar) occurredAt!: Date;
  @Field(() => String, { nullable: true }) refersTo?: string | null;
}
