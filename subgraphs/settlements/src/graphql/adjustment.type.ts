import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '@clearhouse/kernel/graphql/index';

export enum AdjustmentStatus { PENDING = 'PENDING', APPROVED = 'APPROVED', REJECTED = 'REJECTED' }
registerEnumType(AdjustmentStatus, { name: 'AdjustmentStatus' });

export enum AdjustmentSource { MANUAL = 'MANUAL', FX_CORRECTION = 'FX_CORRECTION' }
registerEnumType(AdjustmentSource, {
  name: 'AdjustmentSource',
  valuesConfig: { FX_CORRECTION: { description: 'Proposed when a fixing used by a closed statement was corrected.' } },
});

export enum AdjustmentDecision { APPROVE = 'APPROVE', REJECT = 'REJECT' }
registerEnumType(AdjustmentDecision, { name: 'AdjustmentDecision' });

@ObjectType({ description: 'A manual adjustment of what is owed for a period; it counts once another FINANCE user approves it.' })
export class Adjustment {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: 'Null while an FX correction waits for the partner\'s next period to open.' }) periodId!: string | null;
  @Field(() => DecimalScalar, { description: 'Signed, in the contract currency, at its minor units.' }) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) reason!: string;
  @Field(() => AdjustmentSource) source!: AdjustmentSource;
  @Field(() => AdjustmentStatus) status!: AdjustmentStatus;
  @Field(() => String) authorId!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => String, { nullable: true }) decidedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt!: Date | null;
}
