import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { bearerToken, type TokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { ClearhouseError, errorCodes } from '@clearhouse/kernel';
import { readBody, sendJson } from '@clearhouse/kernel/graphql/index';
import type { RecordDenial } from './audit.ts';
import { clientHeaders, originOf } from './client-request.ts';
import { bodyBytesMax, type OperationLimits } from './limits/index.ts';
import { precheckDocument } from './operation-limits.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { GatewayContext } from './subgraph-source.ts';

export interface HttpGraphQLDeps {
  apollo: ApolloServer<GatewayContext>;
  verifyToken: TokenVerifier;
  limiter: RateLimiter;
  recordDenial: RecordDenial;
  limits: OperationLimits;
}

export type Authenticated = { ok: true; identity: AuthContext } | { ok: false; status: 401 | 429; body: unknown; headers?: Record<string, string> };

function refusal(code: 'UNAUTHENTICATED' | 'RATE_LIMITED', message: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/**
 * Every request to the API carries a valid bearer token (DESIGN.md 6). A missing or refused one is
 * written to the audit log, unless the address has already spent its rate limit on such attempts:
 * a flood is refused without a row per attempt.
 */
export async function authenticateRequest(
  request: IncomingMessage,
  deps: Pick<HttpGraphQLDeps, 'verifyToken' | 'limiter' | 'recordDenial'>,
  context: { requestId: string; transport: 'http' | 'ingest' },
): Promise<Authenticated> {
  const origin = originOf(request);
  const token = bearerToken(request.headers.authorization);
  let reason = 'no bearer token';
  if (token !== null) {
    try {
      const identity = await deps.verifyToken(token);
      if (deps.limiter.take(identity.sub)) return { ok: true, identity };
      const retryAfter = String(deps.limiter.retryAfterSeconds(identity.sub));
      return { ok: false, status: 429, body: refusal('RATE_LIMITED', errorCodes.RATE_LIMITED, context.requestId), headers: { 'retry-after': retryAfter } };
    } catch (error) {
      if (!(error instanceof ClearhouseError)) throw error;
      reason = String(error.details['reason'] ?? error.message);
    }
  }
  const key = `ip:${origin}`;
  if (!deps.limiter.take(key)) {
    const retryAfter = String(deps.limiter.retryAfterSeconds(key));
    return { ok: false, status: 429, body: refusal('RATE_LIMITED', errorCodes.RATE_LIMITED, context.requestId), headers: { 'retry-after': retryAfter } };
  }
  await deps.recordDenial({ identity: null, action: 'gateway.authenticate', object: null, origin, requestId: context.requestId, transport: context.transport, code: 'UNAUTHENTICATED', reason });
  const message = token === null ? 'A bearer token is required.' : `The bearer token was refused: ${reason}.`;
  return { ok: false, status: 401, body: refusal('UNAUTHENTICATED', message, context.requestId), headers: { 'www-authenticate': 'Bearer' } };
}

/** POST (or GET) /graphql: authenticate, bound the body and the document's text, then let Apollo run it. */
export async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, deps: HttpGraphQLDeps): Promise<void> {
  const requestId = randomUUID();
  response.setHeader('x-request-id', requestId);
  // A browser opening the endpoint gets Apollo's landing page (none in production); nothing executes.
  const landingPage = request.method === 'GET' && !url.searchParams.has('query') && !request.headers.authorization;
  let identity: AuthContext | null = null;
  if (!landingPage) {
    const authenticated = await authenticateRequest(request, deps, { requestId, transport: 'http' });
    if (!authenticated.ok) {
      for (const [name, value] of Object.entries(authenticated.headers ?? {})) response.setHeader(name, value);
      return sendJson(response, authenticated.status, authenticated.body);
    }
    identity = authenticated.identity;
  }
  const body = request.method === 'POST' ? (await readBody(request, bodyBytesMax)).toString('utf8') : '';
  let parsedBody: unknown;
  if (body) {
    try {
      parsedBody = JSON.parse(body);
    } catch {
      return sendJson(response, 400, { errors: [{ message: 'body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
    }
  }
  const query = request.method === 'POST' ? (parsedBody as { query?: unknown } | undefined)?.query : url.searchParams.get('query');
  if (typeof query === 'string') {
    const refused = precheckDocument(query, deps.limits);
    if (refused.length > 0) return sendJson(response, 400, { errors: refused.map((error) => error.toJSON()) });
  }
  const result = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers: clientHeaders(request.headers), search: url.search, body: parsedBody },
    context: async () => ({ identity, requestId, origin: originOf(request) }),
  });
  for (const [key, value] of result.headers) response.setHeader(key, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') return void response.end(result.body.string);
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}
