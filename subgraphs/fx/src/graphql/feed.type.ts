import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '@clearhouse/kernel/graphql/index';

export enum FxFeedCircuit { CLOSED = 'CLOSED', OPEN = 'OPEN', HALF_OPEN = 'HALF_OPEN', ISOLATED = 'ISOLATED' }
registerEnumType(FxFeedCircuit, {
  name: 'FxFeedCircuit',
  description: 'CLOSED (healthy), OPEN (failing: polls paused), HALF_OPEN (one trial poll allowed), ISOLATED (held open by hand).',
});

@ObjectType({ description: 'What the last successful poll imported.' })
export class FxFeedOutcome {
  @Field(() => Int) applied!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) held!: number;
  @Field(() => Int) skipped!: number;
}

@ObjectType({ description: 'The ECB feed poller (FX_FEED_URL).' })
export class FxFeedStatus {
  @Field(() => String, { description: 'The feed URL, without credentials or query.' }) url!: string;
  @Field(() => Int) intervalSeconds!: number;
  @Field(() => FxFeedCircuit) circuit!: FxFeedCircuit;
  @Field(() => Int) consecutiveFailures!: number;
  @Field(() => DateTimeScalar, { nullable: true }) lastPolledAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastSuccessAt!: Date | null;
  @Field(() => FxFeedOutcome, { nullable: true }) lastOutcome!: FxFeedOutcome | null;
  @Field(() => String, { nullable: true, description: 'HTTP_<status>, TIMEOUT, UNREACHABLE, BAD_DOCUMENT, BAD_INPUT, INVALID_RATE or IMPORT_FAILED.' })
  lastErrorCode!: string | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastErrorAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'A Retry-After the feed asked for: no poll before this.' }) retryNotBefore!: Date | null;
}
