import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGatewayRuntime, useCustomFetch, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import type { Transport } from '@graphql-mesh/transport-common';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import { bearerToken, createTokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { benchJwtSecret, benchSigningSecret } from './config.ts';

/**
 * The runtime loads subgraph transports by package name, and `@graphql-mesh/transport-http` (a
 * dependency of the `@graphql-hive/gateway` CLI, not of the runtime) is not installed. This is what
 * that package does for a plain HTTP subgraph: the HTTP executor on the entry's location, with the
 * runtime's fetch (so plugins' onFetch hooks, our signing among them, still apply).
 */
function httpTransport(deduplicate: boolean): Transport {
  return {
    getSubgraphExecutor: ({ transportEntry, fetch, getDisposeReason }) =>
      buildHTTPExecutor({
        endpoint: transportEntry.location!,
        fetch: fetch as never,
        getDisposeReason,
        ...transportEntry.options,
        deduplicateInflightRequests: deduplicate,
        // The in-flight key is URL, body and these headers; the identity is only added by the signing
        // fetch, so without this header requests of different users would be merged.
        headers: deduplicate ? (request) => ({ 'x-bench-identity': String((request?.context as { identity?: AuthContext | null })?.identity?.sub ?? '') }) : undefined,
      }),
  };
}

/**
 * Hive Gateway (router runtime: the Rust query planner) over the same supergraph, doing the same
 * per-request work as ours: the bearer JWT is verified with the same verifier, and every subgraph
 * request is signed over its exact body with the same identity and secret (kernel/auth/gateway-signature).
 *
 * `deduplicate` is Hive's default: identical subgraph queries in flight at once are sent once and the
 * answer shared. Ours has no such thing, so the compared figure runs Hive without it (the same
 * subgraph requests for the same client requests); with it, it is keyed per identity.
 */
export async function startHiveGateway(supergraphSdl: string, subgraphUrls: Record<string, string>, options: { deduplicate: boolean }) {
  const verifyToken = createTokenVerifier({ key: { kind: 'secret', secret: benchJwtSecret } });
  // The supergraph names docker-compose hosts; point each subgraph at the running process instead.
  const sdl = supergraphSdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (whole, name: string) =>
    subgraphUrls[name] ? `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")` : whole,
  );

  const authenticate: GatewayPlugin = {
    async onContextBuilding({ context, extendContext }) {
      const header = (context as { request?: Request }).request?.headers.get('authorization') ?? undefined;
      const token = bearerToken(header);
      extendContext({ identity: token ? await verifyToken(token) : null } as never);
    },
  };

  const signedFetch = (url: string, init?: { body?: unknown; headers?: Record<string, string> } & Record<string, unknown>, context?: { identity?: AuthContext | null }) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const headers = { ...init?.headers, ...signGatewayRequest(context?.identity ?? null, body, benchSigningSecret, Date.now()) };
    return fetch(url, { ...(init as RequestInit), headers });
  };

  const runtime = createGatewayRuntime({
    transports: { http: httpTransport(options.deduplicate) },
    supergraph: sdl,
    unifiedGraphHandler,
    logging: process.env.BENCH_HIVE_LOG ? 'debug' : false,
    maskedErrors: !process.env.BENCH_HIVE_LOG,
    landingPage: false,
    graphiql: false,
    plugins: () => [authenticate, useCustomFetch(signedFetch as never)],
  });
  return {
    requestListener: runtime as unknown as (request: IncomingMessage, response: ServerResponse) => void,
    dispose: () => runtime[Symbol.asyncDispose](),
  };
}
