import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type DocumentNode, type GraphQLSchema, parse, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { bearerToken, type TokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { ClearhouseError, errorCodes } from '@clearhouse/kernel';
import { canSeePartner } from '@clearhouse/kernel/auth/scope';
import type { RecordDenial } from '../audit.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { DeltaHub } from './hub.ts';
import { planSubscription } from './rewrite.ts';

export const wsMessageBytesMax = 1_000_000;
export const subscriptionsPerConnectionMax = 20;

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  /** The gateway's API schema (from the supergraph), against which subscriptions are validated. */
  schema: () => GraphQLSchema;
  verifyToken: TokenVerifier;
  hub: DeltaHub;
  /** The whole rule list (graphql's own included); graphql's specifiedRules when omitted. */
  validationRules?: Parameters<typeof validate>[2];
  /** Checks that run before parsing (token counts and the like); returns errors to refuse with. */
  precheck?: (query: string) => readonly GraphQLError[];
  /** Checks that need the variables (page sizes), after validation and before anything runs. */
  checkDocument?: (document: DocumentNode, variables: Record<string, unknown>) => readonly GraphQLError[];
  /** Rewrites the errors sent for a refused subscription (to drop schema hints in production). */
  presentErrors?: (errors: readonly GraphQLError[]) => readonly GraphQLError[];
  recordDenial?: RecordDenial;
  limiter?: RateLimiter;
}

type ConnectionExtra = Record<PropertyKey, unknown> & {
  request: IncomingMessage;
  socket: { close(code: number, reason: string): void };
  identity?: AuthContext;
  expiryTimer?: NodeJS.Timeout;
  active?: Set<string>;
};

function refused(code: string, message: string): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code } })];
}

/** graphql-ws on the gateway's own port and path; @apollo/gateway itself cannot execute subscriptions. */
export function startSubscriptionServer(options: SubscriptionServerOptions): { close(): Promise<void> } {
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: wsMessageBytesMax });
  options.httpServer.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return socket.destroy();
    wsServer.handleUpgrade(request, socket, head, (client) => wsServer.emit('connection', client, request));
  });
  const recordDenial: RecordDenial = options.recordDenial ?? (async () => {});
  const present = options.presentErrors ?? ((errors) => errors);

  const cleanup = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const extra = ctx.extra;
        const origin = extra.request.socket.remoteAddress ?? 'unknown';
        const params = ctx.connectionParams ?? {};
        const header = (params.authorization ?? params.Authorization) as string | undefined;
        const token = bearerToken(header) ?? (typeof params.token === 'string' ? params.token : null);
        let reason = 'no bearer token';
        if (token) {
          try {
            const identity = await options.verifyToken(token);
            extra.identity = identity;
            extra.active = new Set();
            // A subscription lives no longer than the token that opened it.
            const remainingMs = Math.max(0, identity.expiresAtMs - Date.now());
            extra.expiryTimer = setTimeout(() => extra.socket.close(4403, 'Token expired'), Math.min(remainingMs, 2_147_000_000));
            return true;
          } catch (error) {
            if (!(error instanceof ClearhouseError)) throw error;
            reason = String(error.details['reason'] ?? error.message);
          }
        }
        // Past its rate limit an address is refused without a row per attempt.
        if (options.limiter?.take(`ip:${origin}`) ?? true) {
          await recordDenial({ identity: null, action: 'gateway.connect', object: null, origin, requestId: null, transport: 'ws', code: 'UNAUTHENTICATED', reason });
        }
        return false;
      },
      // Results come from the gateway already formatted (plain errors, masked where unexpected): send as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as never,
      onDisconnect: (ctx) => clearTimeout(ctx.extra.expiryTimer),
      onClose: (ctx) => clearTimeout(ctx.extra.expiryTimer),
      onComplete: (ctx, id) => void ctx.extra.active?.delete(id),
      onSubscribe: async (ctx, id, payload) => {
        const extra = ctx.extra;
        const identity = extra.identity;
        if (!identity) return refused('UNAUTHENTICATED', errorCodes.UNAUTHENTICATED);
        if (options.limiter && !options.limiter.take(identity.sub)) return refused('RATE_LIMITED', errorCodes.RATE_LIMITED);
        if ((extra.active?.size ?? 0) >= subscriptionsPerConnectionMax) {
          return refused('LIMIT_EXCEEDED', `At most ${subscriptionsPerConnectionMax} subscriptions per connection.`);
        }
        const prechecked = options.precheck?.(payload.query) ?? [];
        if (prechecked.length > 0) return [...prechecked];
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const schema = options.schema();
        const variables = payload.variables ?? {};
        const errors = validate(schema, document, options.validationRules);
        if (errors.length > 0) return [...present(errors)];
        const limited = options.checkDocument?.(document, variables) ?? [];
        if (limited.length > 0) return [...limited];
        let plan;
        try {
          plan = planSubscription(document, payload.operationName, variables);
        } catch (error) {
          return refused('BAD_USER_INPUT', (error as Error).message);
        }
        const partnerId = plan.args.partnerId as string | null | undefined;
        if (partnerId && !canSeePartner(identity, partnerId)) {
          const origin = extra.request.socket.remoteAddress ?? 'unknown';
          await recordDenial({
            identity, action: `subscription.${plan.rootField}`, object: `partner:${partnerId}`, origin, requestId: null, transport: 'ws', code: 'NOT_FOUND', reason: 'partner',
          });
          // The same error as for a partner that does not exist.
          return refused('NOT_FOUND', errorCodes.NOT_FOUND);
        }
        if (plan.args.afterSeq !== undefined && plan.args.afterSeq !== null && !partnerId) {
          return refused('BAD_USER_INPUT', 'afterSeq needs partnerId: sequence numbers are per partner');
        }
        extra.active?.add(id);
        return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue: { plan, identity } };
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
