import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, JSONScalar, DateScalar } from '@clearhouse/kernel/graphql/index';

export enum PartnerKind { GAME_PROVIDER = 'GAME_PROVIDER', AGGREGATOR = 'AGGREGATOR', AFFILIATE = 'AFFILIATE' }
export enum AdapterType { JSON_WEBHOOK = 'JSON_WEBHOOK', NDJSON_BATCH = 'NDJSON_BATCH', CSV_REPORT = 'CSV_REPORT', REST_POLL = 'REST_POLL' }
export enum GameCategory { SLOT = 'SLOT', LIVE_CASINO = 'LIVE_CASINO', TABLE = 'TABLE', CRASH = 'CRASH', OTHER = 'OTHER' }
registerEnumType(PartnerKind, { name: 'PartnerKind' });
registerEnumType(AdapterType, { name: 'AdapterType' });
registerEnumType(GameCategory, { name: 'GameCategory' });

@ObjectType({ description: 'How a partner delivers its transactions. The poll API key is never returned.' })
export class AdapterConfig {
  @Field(() => AdapterType) type!: AdapterType;
  @Field(() => String, { nullable: true }) pollUrl!: string | null;
  @Field(() => Int, { nullable: true }) pollIntervalSeconds!: number | null;
}

@ObjectType()
export class Game {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => GameCategory) category!: GameCategory;
  @Field(() => DecimalScalar, { description: 'Declared return to player, a percentage such as "96.50".' }) declaredRtp!: string;
}

@ObjectType()
export class ContractVersion {
  @Field(() => ID) id!: string;
  @Field(() => DateScalar) effectiveFrom!: string;
  @Field(() => JSONScalar) terms!: unknown;
  @Field(() => String) createdBy!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class Partner {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => PartnerKind) kind!: PartnerKind;
  @Field(() => String) timezone!: string;
  @Field(() => AdapterConfig) adapter!: AdapterConfig;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@InputType()
export class AdapterInput {
  @Field(() => AdapterType) type!: AdapterType;
  @Field(() => String, { nullable: true }) pollUrl?: string | null;
  @Field(() => String, { nullable: true }) pollApiKey?: string | null;
  @Field(() => Int, { nullable: true }) pollIntervalSeconds?: number | null;
}

@InputType()
export class CreatePartnerInput {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => PartnerKind) kind!: PartnerKind;
  @Field(() => String) timezone!: string;
  @Field(() => AdapterInput) adapter!: AdapterInput;
}

@InputType()
export class GameInput {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => GameCategory) category!: GameCategory;
  @Field(() => DecimalScalar) declaredRtp!: string;
}
