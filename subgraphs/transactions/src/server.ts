import { createAuditStore } from '@clearhouse/kernel/audit/index';
import { buildFederatedSchema, startGraphQLServer, type Authenticate, type HttpRoute, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { connect, startConsumer } from '@clearhouse/kernel/db/index';
import { type Clock, topics } from '@clearhouse/kernel';
import { pruneWebhookIds, webhookIdRetentionMsDefault } from './app/webhook-ingest.ts';
import type { IngestDeps } from './app/ingest.ts';
import { retentionDaysDefault } from './domain/index.ts';
import type { IngestHttpOptions } from './infra/http/context.ts';
import { ingestRoutes } from './infra/http/ingest-routes.ts';
import { type PollerControl, startPoller } from './infra/poller/poller.ts';
import type { PollerSettings } from './infra/poller/settings.ts';
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
  /** A rollback held longer than this is reported by overdueHeldRollbacks (default 4 h). */
  heldRollbackOverdueMs?: number;
  /** Extra HTTP routes, given the ingest dependencies (served before the ingest endpoints). */
  routes?: (deps: IngestDeps) => HttpRoute[];
  /**
   * POST /ingest/{partnerCode}/webhook|batch|file (DESIGN.md 3.1–3.3), served unless `false`. File
   * uploads are verified with `ingest.gatewaySecrets` when given, else with `authenticate`.
   */
  ingest?: false | IngestHttpOptions;
  /** The REST poller of DESIGN.md 3.4, on unless `false`; settings override its bounds and delays. */
  poller?: false | Partial<PollerSettings>;
  /** Webhook-ids older than this are forgotten (default `webhookIdRetentionMsDefault`, 30 days), checked hourly. */
  webhookIdRetentionMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

/** How often the webhook-ids past their retention are deleted. */
const webhookIdPruneIntervalMs = 3_600_000;

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
  /** The REST poller (null when disabled): `pollNow(partnerId)` runs and awaits one poll. */
  poller: PollerControl | null;
}

export async function start(options: StartOptions): Promise<RunningTransactions> {
  const sql = connect(options.databaseUrl, { max: 10, application: 'clearhouse-transactions' });
  const deps: IngestDeps = { sql, clock: options.clock, retentionDays: options.retentionDays ?? retentionDaysDefault, heldRollbackOverdueMs: options.heldRollbackOverdueMs };
  const log = options.log ?? (() => {});
  let poller: PollerControl | null = null;
  const consumer = await startConsumer({
    sql,
    name: 'transactions.partner-copy',
    offsetsTable: 'transactions.consumer_offsets',
    topics: partnerTopics,
    handle: applyPartnerEvents,
    // A partner created or changed after start gets its poller now, without a restart.
    afterCommit: (events) => {
      if (poller === null || !events.some((event) => event.topic === topics.partnerUpserted)) return;
      poller.refresh().catch((error: unknown) => log({ level: 'error', msg: 'poller refresh failed', error: String(error) }));
    },
    log: options.log,
  });
  if (options.poller !== false) poller = await startPoller(deps, options.poller ?? {}, log);
  const retentionMs = options.webhookIdRetentionMs ?? webhookIdRetentionMsDefault;
  const prune = () =>
    pruneWebhookIds(sql, retentionMs).catch((error: unknown) => log({ level: 'error', msg: 'webhook-id pruning failed', error: String(error) }));
  let pruning = prune();
  const pruneTimer = setInterval(() => void (pruning = pruning.then(prune)), webhookIdPruneIntervalMs);
  pruneTimer.unref();
  const ingest = options.ingest === false ? [] : ingestRoutes({ log, authenticate: options.authenticate, ...options.ingest })(deps);
  const routes = [...(options.routes?.(deps) ?? []), ...ingest];
  const running = await startGraphQLServer<TransactionsContext>({
    name: 'transactions',
    schema: await buildSchema(),
    port: options.port,
    host: options.host,
    log: options.log,
    routes,
    authenticate: options.authenticate,
    audit: createAuditStore(sql),
    context: async (identity, requestId) => ({ identity, requestId, deps }),
  });
  return {
    ...running,
    deps,
    drainPartnerEvents: () => consumer.drain(),
    poller,
    stop: async () => {
      clearInterval(pruneTimer);
      await running.stop();
      await pruning;
      await poller?.stop();
      await consumer.stop();
      await sql.end();
    },
  };
}
