import { createAuditStore } from '@clearhouse/kernel/audit/index';
import type { Clock } from '@clearhouse/kernel';
import { connect, startConsumer } from '@clearhouse/kernel/db/index';
import { buildFederatedSchema, startGraphQLServer, type Authenticate, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { applySettlementEvents, settlementTopics } from './app/apply-events.ts';
import type { SettlementsContext } from './graphql/context.ts';
import { createLoaders } from './graphql/loaders.ts';
import { autoCloseDuePeriods } from './app/auto-close.ts';
import { LedgerResolver } from './graphql/ledger.resolver.ts';
import { LifecycleResolver } from './graphql/lifecycle.resolver.ts';
import { PeriodResolver, periodReferenceResolvers } from './graphql/period.resolver.ts';
import { PartnerRef } from './graphql/period.type.ts';
import { ReconciliationResolver } from './graphql/reconciliation.resolver.ts';
import { StatementExportResolver, StatementResolver } from './graphql/statement.resolver.ts';
import { WhatIfResolver } from './graphql/what-if.resolver.ts';

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  authenticate: Authenticate;
  clock: Clock;
  /** Bus events applied per consumer transaction. */
  consumerBatchMax?: number;
  /** How often periods whose contract sets autoCloseAfterHours are closed by the clock; 0 turns the tick off. */
  autoCloseIntervalMs?: number;
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
    resolvers: [PeriodResolver, StatementResolver, StatementExportResolver, LifecycleResolver, LedgerResolver, ReconciliationResolver, WhatIfResolver],
    orphanedTypes: [PartnerRef],
    referenceResolvers: periodReferenceResolvers,
    extraTypeDefs: subscriptionTypeDefs,
  });
}

export interface RunningSettlements extends RunningServer {
  /** Resolves once every bus event committed so far has been applied. */
  drain(): Promise<void>;
  /** Runs one tick of the automatic close now (tests); returns how many periods it closed. */
  autoClose(): Promise<number>;
}

export const autoCloseIntervalMsDefault = 60_000;

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
    audit: createAuditStore(sql),
    context: async (identity, requestId) => ({ identity, requestId, sql, clock: options.clock, loaders: createLoaders(sql, () => options.clock.nowMs()) }),
  });
  const autoClose = () => autoCloseDuePeriods(sql, options.clock.nowMs());
  const intervalMs = options.autoCloseIntervalMs ?? autoCloseIntervalMsDefault;
  let ticking: Promise<unknown> = Promise.resolve();
  const timer = intervalMs > 0
    ? setInterval(() => {
      // One tick at a time: a slow tick is not overlapped by the next.
      ticking = ticking.then(autoClose).catch((error: unknown) => options.log?.({ level: 'error', msg: 'auto-close tick failed', error: String((error as Error)?.stack ?? error) }));
    }, intervalMs)
    : null;
  timer?.unref();
  return {
    ...running,
    drain: () => consumer.drain(),
    autoClose,
    stop: async () => {
      if (timer !== null) clearInterval(timer);
      await ticking;
      await running.stop();
      await consumer.stop();
      await sql.end();
    },
  };
}
