import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { bearerToken, type TokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { ClearhouseError } from '@clearhouse/kernel';
import { connect } from '@clearhouse/kernel/db/index';
import { formatError, readBody, sendJson } from '@clearhouse/kernel/graphql/index';
import { dashboardHtml } from './dashboard.ts';
import { proxyIngest } from './ingest-proxy.ts';
import { SignedDataSource, type GatewayContext } from './subgraph-source.ts';
import { DeltaHub } from './subscriptions/hub.ts';
import { startSubscriptionServer } from './subscriptions/server.ts';

export const gatewayBodyBytesMax = 1_000_000;
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
  /** For LISTEN (wake-ups of the delta feed); the feed itself is read through the settlements subgraph. */
  databaseUrl: string;
  introspection?: boolean;
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
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(log),
    csrfPrevention: true,
  });
  await apollo.start();

  async function execute(query: string, variables: Record<string, unknown>, identity: AuthContext): Promise<ExecutionResult> {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: { identity, requestId: randomUUID() } });
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

  async function identityOf(request: IncomingMessage): Promise<AuthContext | null> {
    const token = bearerToken(request.headers.authorization);
    return token ? options.verifyToken(token) : null;
  }

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const requestId = randomUUID();
    let identity: AuthContext | null;
    try {
      identity = await identityOf(request);
    } catch (error) {
      const message = error instanceof ClearhouseError ? error.message : 'invalid token';
      return sendJson(response, 401, { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    const body = request.method === 'POST' ? (await readBody(request, gatewayBodyBytesMax)).toString('utf8') : '';
    let parsedBody: unknown;
    if (body) {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        return sendJson(response, 400, { errors: [{ message: 'body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body: parsedBody },
      context: async () => ({ identity, requestId }),
    });
    for (const [key, value] of result.headers) response.setHeader(key, value);
    response.setHeader('x-request-id', requestId);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') return void response.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return handleGraphQL(request, response, url);
    if (url.pathname.startsWith('/ingest/')) return proxyIngest(request, response, { ingestBaseUrl: options.ingestBaseUrl, identityOf, signingSecret: options.signingSecret });
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
      if (!response.headersSent) sendJson(response, limit ? 413 : 500, { error: { code: limit ? 'LIMIT_EXCEEDED' : 'INTERNAL', message: limit ? (error as Error).message : 'internal error' } });
      else response.end();
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
  });

  await hub.start();
  const listenSql = connect(options.databaseUrl, { max: 1, application: 'clearhouse-gateway-listen' });
  const listener = await listenSql.listen(deltaChannel, () => void hub.wake());
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
    },
  };
}
