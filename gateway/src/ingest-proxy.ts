import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { ClearhouseError } from '@clearhouse/kernel';
import { sendJson } from '@clearhouse/kernel/graphql/index';
import { signSubgraphRequest } from './subgraph-signing.ts';

/** An allow-list: nothing else a client sends reaches the subgraph, x-clearhouse-* headers least of all. */
const forwardedHeaders = ['content-type', 'content-length', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-signature', 'x-timestamp'];

/**
 * The ingest endpoints are served on the public port beside /graphql and streamed through to the
 * transactions subgraph. Provider signatures are checked there, on the raw bytes; a user's bearer
 * token (file uploads) is verified here and passed on as a signed identity.
 */
export async function proxyIngest(
  request: IncomingMessage,
  response: ServerResponse,
  options: { ingestBaseUrl: string; signingSecret: string; identityOf(request: IncomingMessage): Promise<AuthContext | null> },
): Promise<void> {
  let identity: AuthContext | null = null;
  try {
    identity = await options.identityOf(request);
  } catch (error) {
    const limited = error instanceof ClearhouseError && error.code === 'RATE_LIMITED';
    return sendJson(response, limited ? 429 : 401, { error: { code: limited ? 'RATE_LIMITED' : 'UNAUTHENTICATED', message: error instanceof ClearhouseError ? error.message : 'invalid token' } });
  }
  const headers = new Headers();
  for (const name of forwardedHeaders) {
    const value = request.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  // The body is streamed, so the identity is signed without a body hash; it only matters for uploads,
  // and the path (partner) is part of what the subgraph checks the role against.
  for (const [name, value] of Object.entries(signSubgraphRequest(identity, null, options.signingSecret))) headers.set(name, value);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const upstream = await fetch(new URL(request.url ?? '/', options.ingestBaseUrl), {
    method: request.method,
    headers,
    body: hasBody ? (Readable.toWeb(request) as ReadableStream) : undefined,
    duplex: 'half',
  } as RequestInit);
  response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
  if (upstream.body) for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) response.write(chunk);
  response.end();
}
