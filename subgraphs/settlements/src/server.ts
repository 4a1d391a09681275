import type { Clock } from '@clearhouse/kernel';
import { connect, startConsumer } from '@clearhouse/kernel/db/index';
import { buildFederatedSchema, startGraphQLServer, type Authenticate, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { applySettlementEvents, settlementTopics } from './app/apply-events.ts';
import type { SettlementsContext } from './graphql/context.ts';
import { createLoaders } from './graphql/loaders.ts';
import { PeriodResolver, periodReferenceResolvers } from './graphql/period.resolver.ts';
import { PartnerRef } from './graphql/period.type.ts';

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  authenticate: Authenticate;
  clock: Clock;
  /** Bus events applied per consumer transaction. */
  consumerBatchMax?: number;
  log?: (entry: Record<string, unknown>) => void;
}

/** The gateway serves these from the bus-fed delta log; the subgraph only declares them. */
const subscriptionTypeDefs = `
type Subscription {
  "Settlement deltas, per partner gap-free from 1; afterSeq (with partnerId) replays what a client missed."
  settlementDeltas(partnerId: ID, afterSeq: Int): SettlementDelta!
}`;

export async function buildSchema() {
  return buildFederatedSchema({
    resolvers: [PeriodResolver],
    orphanedTypes: [PartnerRef],
    referenceResolvers: periodReferenceResolvers,
    extraTypeDefs: subscriptionTypeDefs,
  });
}

export interface RunningSettlements extends RunningServer {
  /** Resolves once every bus event committed so far has been applied. */
  drain(): Promise<void>;
}

export async function start(options: StartOptions): Promise<RunningSettlements> {
  const sql = connect(options.databaseUrl, { max: 10, application: 'clearhouse-settlements' });
  const consumer = await startConsumer({
    sql,
    name: 'settlements.ledger',
    offsetsTable: 'settlements.consumer_offsets',
    topics: settlementTopics,
    batchMax: options.consumerBatchMax ?? 500,
    handle: (tx, events) => applySettlementEvents(tx, events, options.clock.nowMs()),
    log: options.log,
  });
  const running = await startGraphQLServer<SettlementsContext>({
    name: 'settlements',
    schema: await buildSchema(),
    port: options.port,
    host: options.host,
    log: options.log,
    authenticate: options.authenticate,
    context: async (identity, requestId) => ({ identity, requestId, sql, clock: options.clock, loaders: createLoaders(sql, () => options.clock.nowMs()) }),
  });
  return {
    ...running,
    drain: () => consumer.drain(),
    stop: async () => {
      await running.stop();
      await consumer.stop();
      await sql.end();
    },
  };
}
