import { createAuditStore } from '@clearhouse/kernel/audit/index';
import { connect } from '@clearhouse/kernel/db/index';
import { buildFederatedSchema, startGraphQLServer, type Authenticate, type RunningServer } from '@clearhouse/kernel/graphql/index';
import { createOrm } from './infra/orm.ts';
import { createLoaders } from './graphql/loaders.ts';
import { AuditResolver } from './graphql/audit.resolver.ts';
import { PartnerResolver, partnerReferenceResolvers } from './graphql/partner.resolver.ts';
import type { PartnersContext } from './graphql/context.ts';

export interface StartOptions {
  databaseUrl: string;
  port: number;
  host?: string;
  authenticate: Authenticate;
  log?: (entry: Record<string, unknown>) => void;
}

export async function buildSchema() {
  return buildFederatedSchema({ resolvers: [PartnerResolver, AuditResolver], referenceResolvers: partnerReferenceResolvers });
}

export async function start(options: StartOptions): Promise<RunningServer> {
  const orm = await createOrm(options.databaseUrl, 10);
  // The audit log is read and appended through the `postgres` client, as the restricted role.
  const auditSql = connect(options.databaseUrl, { max: 3, application: 'clearhouse-partners-audit' });
  const audit = createAuditStore(auditSql);
  const running = await startGraphQLServer<PartnersContext>({
    name: 'partners',
    schema: await buildSchema(),
    port: options.port,
    host: options.host,
    log: options.log,
    authenticate: options.authenticate,
    audit,
    context: async (identity, requestId) => {
      const em = orm.em.fork();
      return { identity, requestId, em, loaders: createLoaders(em), audit };
    },
  });
  return { ...running, stop: async () => { await running.stop(); await orm.close(); await auditSql.end(); } };
}
