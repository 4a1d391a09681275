import { buildFederatedSchema, startGraphQLServer, type Authenticate, type HttpRoute, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { connect, startConsumer } from '@clearhouse/kernel/db/index';
import type { Clock } from '@clearhouse/kernel';
import type { IngestDeps } from './app/ingest.ts';
import { applyPartnerEvents, partnerTopics } from './infra/partner-copy.ts';
import type { TransactionsContext } from './graphql/context.ts';
import { TransactionResolver } from './graphql/transaction.resolver.ts';
import { PartnerRef } from './graphql/transaction.type.ts';

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  authenticate: Authenticate;
  clock: Clock;
  retentionDays?: number;
  /** Extra HTTP routes (ingest endpoints), given the ingest dependencies. */
  routes?: (deps: IngestDeps) => HttpRoute[];
  log?: (entry: Record<string, unknown>) => void;
}

export async function buildSchema() {
  return buildFederatedSchema({
    resolvers: [TransactionResolver],
    orphanedTypes: [PartnerRef],
  });
}

export interface RunningTransactions extends RunningServer {
  deps: IngestDeps;
  /** Resolves once every partner event committed so far has reached this subgraph's copy. */
  drainPartnerEvents(): Promise<void>;
}

export async function start(options: StartOptions): Promise<RunningTransactions> {
  const sql = connect(options.databaseUrl, { max: 10, application: 'clearhouse-transactions' });
  const deps: IngestDeps = { sql, clock: options.clock, retentionDays: options.retentionDays ?? 400 };
  const consumer = await startConsumer({
    sql,
    name: 'transactions.partner-copy',
    offsetsTable: 'transactions.consumer_offsets',
    topics: partnerTopics,
    handle: applyPartnerEvents,
    log: options.log,
  });
  const running = await startGraphQLServer<TransactionsContext>({
    name: 'transactions',
    schema: await buildSchema(),
    port: options.port,
    host: options.host,
    log: options.log,
    routes: options.routes?.(deps),
    authenticate: options.authenticate,
    context: async (identity, requestId) => ({ identity, requestId, deps }),
  });
  return {
    ...running,
    deps,
    drainPartnerEvents: () => consumer.drain(),
    stop: async () => {
      await running.stop();
      await consumer.stop();
      await sql.end();
    },
  };
}
