import { systemClock, type Clock } from '@clearhouse/kernel';
import { createAuditStore } from '@clearhouse/kernel/audit/index';
import { connect } from '@clearhouse/kernel/db/index';
import { buildFederatedSchema, startGraphQLServer, type Authenticate, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { ratePolicy } from './domain/rate-policy.ts';
import type { FxContext } from './graphql/context.ts';
import { FxFeedResolver } from './graphql/feed.resolver.ts';
import { FxResolver } from './graphql/fx.resolver.ts';
import { SettlementPeriodFxResolver, fxReferenceResolvers } from './graphql/settlement-period.resolver.ts';
import { SettlementPeriod } from './graphql/settlement-period.type.ts';
import { startFxFeed, type FxFeed, type FxFeedOptions } from './infra/feed/fx-feed.ts';

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  authenticate: Authenticate;
  /** Relative jump from the previous fixing beyond which a new fixing is held (default "0.10"). */
  jumpRatioMax?: string;
  /** An ECB-format feed to poll; none unless configured (FX_FEED_URL). */
  feed?: Omit<FxFeedOptions, 'log'>;
  /** "Today" for exposure valuations (default: the system clock). */
  clock?: Clock;
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningFx extends RunningServer {
  /** The feed poller, when one is configured. */
  feed: FxFeed | null;
}

export async function buildSchema() {
  // SettlementPeriod is reached through no FX query, only through federation: name it, or it is left out.
  return buildFederatedSchema({
    resolvers: [FxResolver, FxFeedResolver, SettlementPeriodFxResolver],
    orphanedTypes: [SettlementPeriod],
    referenceResolvers: fxReferenceResolvers,
  });
}

export async function start(options: StartOptions): Promise<RunningFx> {
  const sql = connect(options.databaseUrl, { max: 5, application: 'clearhouse-fx' });
  const deps = { sql, policy: ratePolicy(options.jumpRatioMax) };
  const clock = options.clock ?? systemClock;
  const running = await startGraphQLServer<FxContext>({
    name: 'fx',
    schema: await buildSchema(),
    port: options.port,
    host: options.host,
    log: options.log,
    authenticate: options.authenticate,
    audit: createAuditStore(sql),
    context: async (identity, requestId) => ({ identity, requestId, deps, clock }),
  });
  const feed = options.feed ? await startFxFeed(deps, { ...options.feed, log: options.log }) : null;
  return {
    ...running,
    feed,
    stop: async () => {
      await feed?.stop();
      await running.stop();
      await sql.end();
    },
  };
}
