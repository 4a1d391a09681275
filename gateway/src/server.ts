import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { createAuditStore } from '@clearhouse/kernel/audit/index';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { bearerToken, type TokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { ClearhouseError } from '@clearhouse/kernel';
import { connect } from '@clearhouse/kernel/db/index';
import { errorRequestIds, sendJson } from '@clearhouse/kernel/graphql/index';
import { gatewayDenialRecorder } from './audit.ts';
import { dashboardHtml } from './dashboard.ts';
import { formatGatewayError } from './errors.ts';
import { authenticateRequest, handleGraphQL, type HttpGraphQLDeps } from './http-graphql.ts';
import { proxyIngest } from './ingest-proxy.ts';
import { checkDocument, resolveLimits, type OperationLimits } from './limits/index.ts';
import { limitsPlugin, limitValidationRules, precheckDocument, subscriptionValidationRules, withoutSuggestions } from './operation-limits.ts';
import { createRateLimiter, unlimited, type RateLimitOptions } from './rate-limit.ts';
import { SignedDataSource, type GatewayContext } from './subgraph-source.ts';
import { DeltaHub } from './subscriptions/hub.ts';
import { startSubscriptionServer } from './subscriptions/server.ts';

export const deltaChannel = 'settlement_deltas';
/** Feed poll when no wake-up arrives: NOTIFY is lost while the listener is disconnected. */
export const deltaPollIntervalMs = 1000;

export interface GatewayOptions {
  port: number;
  host?: string;
  supergraphSdl: string;
  /** Subgraph name → URL; overrides the URLs written in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Base URL (no path) of the transactions subgraph's ingest endpoints. */
  ingestBaseUrl: string;
  signingSecret: string;
  verifyToken: TokenVerifier;
  /** For LISTEN (wake-ups of the delta feed) and the audit log; the feed itself is read through the settlements subgraph. */
  databaseUrl: string;
  /** Production: no introspection, no field suggestions in errors, no landing page. */
  production?: boolean;
  /** Defaults to !production. */
  introspection?: boolean;
  limits?: Partial<OperationLimits>;
  /** Per-user (and, for requests without a valid token, per-address) request rate; null for none. */
  rateLimit?: Partial<RateLimitOptions> | null;
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningGateway {
  url: string;
  port: number;
  hub: DeltaHub;
  stop(): Promise<void>;
}

/** The identity the gateway itself uses to read the delta feed. */
const serviceIdentity: AuthContext = { sub: 'service:gateway', roles: ['ADMIN'], partnerId: null, expiresAtMs: Number.MAX_SAFE_INTEGER };

export async function start(options: GatewayOptions): Promise<RunningGateway> {
  const log = options.log ?? (() => {});
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => new SignedDataSource(options.subgraphUrls[name] ?? url!, options.signingSecret),
  });
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    apiSchema = schema;
  });
  const production = options.production ?? false;
  const introspection = options.introspection ?? !production;
  const limits = resolveLimits(options.limits);
  const requestIds = errorRequestIds();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError: formatGatewayError(log, requestIds.requestIdOf),
    csrfPrevention: true,
    // Whole documents only: the token count runs on the text before Apollo sees it, and a
    // persisted-query cache would be one more thing a client could fill.
    persistedQueries: false,
    parseOptions: { maxTokens: limits.tokensMax },
    validationRules: limitValidationRules(limits),
    plugins: [requestIds.plugin, limitsPlugin(limits), ...(production ? [ApolloServerPluginLandingPageDisabled()] : [])],
  });
  await apollo.start();

  const auditSql = connect(options.databaseUrl, { max: 2, application: 'clearhouse-gateway-audit' });
  const auditStore = createAuditStore(auditSql);
  await auditStore.ready();
  const recordDenial = gatewayDenialRecorder(auditStore, log);
  const limiter = options.rateLimit === null ? unlimited : createRateLimiter(options.rateLimit);
  const httpDeps: HttpGraphQLDeps = { apollo, verifyToken: options.verifyToken, limiter, recordDenial, limits };

  async function execute(query: string, variables: Record<string, unknown>, identity: AuthContext): Promise<ExecutionResult> {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: { identity, requestId: randomUUID(), origin: null } });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental result');
    return response.body.singleResult as ExecutionResult;
  }

  async function feed<T>(query: string, variables: Record<string, unknown>, field: string): Promise<T> {
    const result = await execute(query, variables, serviceIdentity);
    if (result.errors?.length) throw new Error(`delta feed: ${result.errors[0]!.message}`);
    return (result.data as Record<string, T>)[field]!;
  }

  const hub = new DeltaHub({
    execute,
    log,
    pointersAfter: (afterId, limit) =>
      feed('query Feed($afterId: ID, $limit: Int!) { settlementDeltaFeed(afterId: $afterId, limit: $limit) { id partnerId seq } }', { afterId, limit }, 'settlementDeltaFeed'),
    partnerPointersAfter: (partnerId, afterSeq, limit) =>
      feed(
        'query Replay($partnerId: ID!, $afterSeq: Int!, $limit: Int!) { settlementDeltaPointers(partnerId: $partnerId, afterSeq: $afterSeq, limit: $limit) { id partnerId seq } }',
        { partnerId, afterSeq, limit },
        'settlementDeltaPointers',
      ),
  });

  /** Ingest endpoints: provider webhooks carry no bearer token (their signature is checked there); an upload's token must be valid. */
  async function ingestIdentity(request: IncomingMessage): Promise<AuthContext | null> {
    if (bearerToken(request.headers.authorization) === null) return null;
    const authenticated = await authenticateRequest(request, httpDeps, { requestId: randomUUID(), transport: 'ingest' });
    if (authenticated.ok) return authenticated.identity;
    throw new ClearhouseError(authenticated.status === 429 ? 'RATE_LIMITED' : 'UNAUTHENTICATED');
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return handleGraphQL(request, response, url, httpDeps);
    if (url.pathname.startsWith('/ingest/')) return proxyIngest(request, response, { ingestBaseUrl: options.ingestBaseUrl, identityOf: ingestIdentity, signingSecret: options.signingSecret });
    if (url.pathname === '/health') return sendJson(response, 200, { status: 'ok', service: 'gateway', subscribers: hub.subscriberCount });
    if (url.pathname === '/' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void response.end(dashboardHtml);
    }
    sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'no such path' } });
  }

  const httpServer = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const limit = error instanceof ClearhouseError && error.code === 'LIMIT_EXCEEDED';
      if (!limit) log({ level: 'error', msg: 'request failed', error: String((error as Error)?.stack ?? error) });
      if (response.headersSent) return void response.end();
      // The rest of an over-long body is never read: the connection cannot carry another request.
      if (limit) response.setHeader('connection', 'close');
      sendJson(response, limit ? 413 : 500, { error: { code: limit ? 'LIMIT_EXCEEDED' : 'INTERNAL', message: limit ? (error as Error).message : 'internal error' } });
    });
  });

  const subscriptions = startSubscriptionServer({
    httpServer,
    path: '/graphql',
    schema: () => {
      if (!apiSchema) throw new Error('gateway schema not loaded');
      return apiSchema;
    },
    verifyToken: options.verifyToken,
    hub,
    precheck: (query) => precheckDocument(query, limits),
    validationRules: subscriptionValidationRules(limits, introspection),
    checkDocument: (document, variables) => checkDocument(document, { schema: apiSchema ?? undefined, variables, limits }),
    presentErrors: production ? withoutSuggestions : undefined,
    recordDenial,
    limiter,
  });

  await hub.start();
  const listenSql = connect(options.databaseUrl, { max: 1, application: 'clearhouse-gateway-listen' });
  // The NOTIFY payload announces the delta (a hint: see DeltaHub.wake).
  const listener = await listenSql.listen(deltaChannel, (payload) => void hub.wake(payload));
  const poll = setInterval(() => void hub.wake(), deltaPollIntervalMs);

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    hub,
    stop: async () => {
      clearInterval(poll);
      await listener.unlisten();
      await listenSql.end();
      await subscriptions.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await apollo.stop();
      await auditSql.end();
    },
  };
}
