import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { originHeader } from '@clearhouse/kernel/audit/index';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { signSubgraphRequest } from './subgraph-signing.ts';

export interface GatewayContext {
  identity: AuthContext | null;
  requestId: string;
  /** The client's address, for the audit records subgraphs write; null for the gateway's own calls. */
  origin: string | null;
}

const pendingIdentityHeader = 'x-clearhouse-pending-identity';

/**
 * Every subgraph request is signed over its exact body. The identity travels from willSendRequest to
 * the fetcher in a header the fetcher removes, because only the fetcher sees the serialised body.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, signingSecret: string) {
    super({
      url,
      fetcher: async (input, init) => {
        const headers = new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]);
        const identity = headers.get(pendingIdentityHeader);
        headers.delete(pendingIdentityHeader);
        const body = typeof init?.body === 'string' ? init.body : '';
        for (const [name, value] of Object.entries(signSubgraphRequest(identity ? (JSON.parse(identity) as AuthContext) : null, body, signingSecret))) {
          headers.set(name, value);
        }
        return fetch(input as string, { ...(init as RequestInit), headers }) as never;
      },
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const ctx = context as Partial<GatewayContext>;
    if (ctx.identity) request.http?.headers.set(pendingIdentityHeader, JSON.stringify(ctx.identity));
    if (ctx.requestId) request.http?.headers.set('x-request-id', ctx.requestId);
    if (ctx.origin) request.http?.headers.set(originHeader, ctx.origin);
  }
}
