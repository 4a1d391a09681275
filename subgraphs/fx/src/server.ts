import { connect } from '@clearhouse/kernel/db/index';
import { buildFederatedSchema, startGraphQLServer, type Authenticate, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { ratePolicy } from './domain/rate-policy.ts';
import { FxResolver, SettlementPeriodFxResolver, fxReferenceResolvers, type FxContext } from './graphql/fx.resolver.ts';

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  authenticate: Authenticate;
  /** Relative jump from the previous fixing beyond which a new fixing is held (default "0.10"). */
  jumpRatioMax?: string;
  log?: (entry: Record<string, unknown>) => void;
}

export async function buildSchema() {
  return buildFederatedSchema({ resolvers: [FxResolver, SettlementPeriodFxResolver], referenceResolvers: fxReferenceResolvers });
}

export async function start(options: StartOptions): Promise<RunningServer> {
  const sql = connect(options.databaseUrl, { max: 5, application: 'clearhouse-fx' });
  const deps = { sql, policy: ratePolicy(options.jumpRatioMax) };
  const running = await startGraphQLServer<FxContext>({
    name: 'fx',
    schema: await buildSchema(),
    port: options.port,
    host: options.host,
    log: options.log,
    authenticate: options.authenticate,
    context: async (identity, requestId) => ({ identity, requestId, deps }),
  });
  return { ...running, stop: async () => { await running.stop(); await sql.end(); } };
}
