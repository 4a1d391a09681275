import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { appendAll, auditPlugin } from '../audit/plugin.ts';
import { originHeader } from '../audit/record.ts';
import type { AuditStore } from '../audit/store.ts';
import type { AuthContext } from '../auth/context.ts';
import { signatureHeader } from '../auth/gateway-signature.ts';
import { ClearhouseError } from '../errors.ts';
import type { Authenticate } from './authenticate.ts';
import { errorRequestIds } from './request-ids.ts';

/**
 * Above the gateway's 16 MiB body limit (an ECB history file for importFxRates), with room for the
 * query and the envelope, so that what the gateway accepts a subgraph accepts too.
 */
export const graphqlBodyBytesMax = 20 * 1024 * 1024;

export interface HttpRoute {
  /** Handles the request and returns true, or returns false to pass it on. */
  (request: IncomingMessage, response: ServerResponse): Promise<boolean>;
}

export interface GraphQLServerOptions<TContext extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  port: number;
  host?: string;
  introspection?: boolean;
  /** Who is calling (throws UNAUTHENTICATED for a request the gateway did not sign). */
  authenticate: Authenticate;
  /** Where every mutation, every denied access and every read of the audit log is written. */
  audit: AuditStore;
  context: (identity: AuthContext | null, requestId: string) => Promise<TContext>;
  routes?: HttpRoute[];
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export async function readBody(request: IncomingMessage, bytesMax: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > bytesMax) throw new ClearhouseError('LIMIT_EXCEEDED', `request body exceeds ${bytesMax} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Expected errors keep their stable code; anything else is masked and logged with the request id. */
export function formatError(log: (entry: Record<string, unknown>) => void, requestIdOf: (error: unknown) => string | undefined = () => undefined) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown })?.originalError ?? error;
    if (original instanceof ClearhouseError) {
      return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code, ...original.details } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return { ...formatted, extensions: { code } };
    const requestId = requestIdOf(error) ?? randomUUID();
    log({ level: 'error', msg: 'unexpected error', requestId, error: String((original as Error)?.stack ?? original) });
    return { message: `Internal error (request ${requestId})`, path: formatted.path, extensions: { code: 'INTERNAL', requestId } };
  };
}

function unsignedRequestRecord(service: string, request: IncomingMessage, requestId: string, reason: string) {
  return {
    actor: null,
    roles: [],
    action: 'subgraph.request',
    object: service,
    result: 'DENIED' as const,
    // Not signed, so nothing the request says about itself is believed: only the peer's address.
    origin: request.socket.remoteAddress ?? null,
    requestId,
    details: { service, code: 'UNAUTHENTICATED', reason },
  };
}

/** @apollo/server on a bare node:http server, with extra routes (ingest endpoints) in front. */
export async function startGraphQLServer<TContext extends BaseContext>(options: GraphQLServerOptions<TContext>): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  await options.audit.ready();
  const requestIds = errorRequestIds();
  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(log, requestIds.requestIdOf),
    csrfPrevention: true,
    // Only the gateway calls a subgraph, with whole documents: no persisted-query cache to fill.
    persistedQueries: false,
    plugins: [
      // Subgraphs report no usage traces: nothing here sends them to Apollo's cloud.
      ApolloServerPluginInlineTraceDisabled(),
      requestIds.plugin,
      auditPlugin({ store: options.audit, service: options.name, log }),
    ],
  });
  await apollo.start();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof ClearhouseError && error.code === 'LIMIT_EXCEEDED' ? 413 : 500;
      if (status === 500) log({ level: 'error', msg: 'request failed', error: String((error as Error)?.stack ?? error) });
      if (!response.headersSent) sendJson(response, status, { error: { code: status === 413 ? 'LIMIT_EXCEEDED' : 'INTERNAL', message: status === 413 ? (error as Error).message : 'internal error' } });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const route of options.routes ?? []) {
      if (await route(request, response)) return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return sendJson(response, 200, { status: 'ok', service: options.name });
    if (url.pathname !== '/graphql') return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'no such path' } });
    const givenRequestId = request.headers['x-request-id'];
    const requestId = typeof givenRequestId === 'string' && /^[\w.:-]{1,128}$/.test(givenRequestId) ? givenRequestId : randomUUID();
    // An unsigned request is refused without reading its body: it could be as large as the limit.
    const signed = request.headers[signatureHeader] !== undefined;
    const body = signed && request.method === 'POST' ? (await readBody(request, graphqlBodyBytesMax)).toString('utf8') : '';
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let identity: AuthContext | null;
    try {
      identity = options.authenticate(request, body);
    } catch (error) {
      if (!(error instanceof ClearhouseError)) throw error;
      await appendAll(options.audit, [unsignedRequestRecord(options.name, request, randomUUID(), error.message)], log);
      return sendJson(response, 401, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
    // Signed by the gateway: its word on where the request came from holds; otherwise the peer's address.
    headers.set(originHeader, String(request.headers[originHeader] ?? request.socket.remoteAddress ?? 'unknown'));
    let parsedBody: unknown = undefined;
    if (body) {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        return sendJson(response, 400, { errors: [{ message: 'body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body: parsedBody },
      context: () => options.context(identity, requestId),
    });
    for (const [key, value] of result.headers) response.setHeader(key, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    server,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
