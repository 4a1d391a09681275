import type { Server } from 'node:http';
import { GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { bearerToken, type TokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { ClearhouseError } from '@clearhouse/kernel';
import { canSeePartner } from '@clearhouse/kernel/auth/scope';
import type { DeltaHub } from './hub.ts';
import { planSubscription } from './rewrite.ts';

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  /** The gateway's API schema (from the supergraph), against which subscriptions are validated. */
  schema: () => GraphQLSchema;
  verifyToken: TokenVerifier;
  hub: DeltaHub;
  validationRules?: Parameters<typeof validate>[2];
  /** Checks that run before parsing (token counts and the like); returns errors to refuse with. */
  precheck?: (query: string) => readonly GraphQLError[];
}

type ConnectionExtra = Record<PropertyKey, unknown> & {
  identity?: AuthContext;
  expiryTimer?: NodeJS.Timeout;
};

/** graphql-ws on the gateway's own port and path; @apollo/gateway itself cannot execute subscriptions. */
export function startSubscriptionServer(options: SubscriptionServerOptions): { close(): Promise<void> } {
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  options.httpServer.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return socket.destroy();
    wsServer.handleUpgrade(request, socket, head, (client) => wsServer.emit('connection', client, request));
  });

  const cleanup = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (params.authorization ?? params.Authorization) as string | undefined;
        const token = bearerToken(header) ?? (typeof params.token === 'string' ? params.token : null);
        if (!token) return false;
        try {
          const identity = await options.verifyToken(token);
          (ctx.extra as ConnectionExtra).identity = identity;
          // A subscription lives no longer than the token that opened it.
          const remainingMs = Math.max(0, identity.expiresAtMs - Date.now());
          (ctx.extra as ConnectionExtra).expiryTimer = setTimeout(() => (ctx.extra as unknown as { socket: { close(code: number, reason: string): void } }).socket.close(4403, 'Token expired'), Math.min(remainingMs, 2_147_000_000));
          return true;
        } catch {
          return false;
        }
      },
      // Results come from the gateway already formatted (plain errors, masked where unexpected): send as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as never,
      onDisconnect: (ctx) => clearTimeout((ctx.extra as ConnectionExtra).expiryTimer),
      onClose: (ctx) => clearTimeout((ctx.extra as ConnectionExtra).expiryTimer),
      onSubscribe: (ctx, _id, payload) => {
        const identity = (ctx.extra as ConnectionExtra).identity;
        if (!identity) return [new GraphQLError('Unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const prechecked = options.precheck?.(payload.query) ?? [];
        if (prechecked.length > 0) return prechecked;
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const schema = options.schema();
        const errors = validate(schema, document, options.validationRules);
        if (errors.length > 0) return errors;
        let plan;
        try {
          plan = planSubscription(document, payload.operationName, payload.variables ?? {});
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        const partnerId = plan.args.partnerId as string | null | undefined;
        if (partnerId && !canSeePartner(identity, partnerId)) return [new GraphQLError('no such partner', { extensions: { code: 'NOT_FOUND' } })];
        if (plan.args.afterSeq !== undefined && plan.args.afterSeq !== null && !partnerId) {
          return [new GraphQLError('afterSeq needs partnerId: sequence numbers are per partner', { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: { plan, identity } };
      },
      subscribe: (args) => {
        const { plan, identity } = args.contextValue as { plan: ReturnType<typeof planSubscription>; identity: AuthContext };
        if (plan.rootField !== 'settlementDeltas') throw new ClearhouseError('BAD_INPUT', `${plan.rootField} is not served yet`);
        return options.hub.subscribe(plan, identity);
      },
    },
    wsServer,
  );

  return {
    close: async () => {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
