import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clockStartingAt } from '@clearhouse/kernel';
import { createTokenVerifier, issueDevToken } from '@clearhouse/kernel/auth/jwt';
import type { Role } from '@clearhouse/kernel/auth/context';
import { gatewayAuthenticator } from '@clearhouse/kernel/graphql/index';
import { start as startGateway, type GatewayOptions } from '@clearhouse/gateway';
import { start as startFx } from '@clearhouse/fx';
import { start as startPartners } from '@clearhouse/partners';
import { start as startSettlements } from '@clearhouse/settlements';
import { start as startTransactions } from '@clearhouse/transactions';

export const testJwtSecret = 'test-jwt-secret-0123456789abcdef';
export const testSigningSecret = 'test-subgraph-signing-secret-0123';

export interface Stack {
  graphqlUrl: string;
  wsUrl: string;
  baseUrl: string;
  token(roles: Role[], options?: { sub?: string; partnerId?: string; ttlSeconds?: number }): Promise<string>;
  /** Runs a GraphQL operation through the gateway; throws on transport errors, returns the body. */
  request<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: any[] }>;
  /** Waits until every event committed so far reached the transactions copy and the settlements totals. */
  settle(): Promise<void>;
  transactions: Awaited<ReturnType<typeof startTransactions>>;
  /** Each subgraph's own /graphql URL, for tests that bypass the gateway. */
  subgraphUrls: Record<'partners' | 'transactions' | 'settlements' | 'fx', string>;
  stop(): Promise<void>;
}

/** The whole system in this process: four subgraphs and the gateway on loopback ports. */
export async function startStack(databaseUrl: string, options: {
    clockAt?: string;
    routes?: Parameters<typeof startTransactions>[0]['routes'];
    /** Gateway options a test needs to set (production mode, limits, rate limit). */
    gateway?: Partial<Pick<GatewayOptions, 'production' | 'introspection' | 'limits' | 'rateLimit' | 'subgraphUrls'>>;
  } = {}): Promise<Stack> {
  const authenticate = gatewayAuthenticator(testSigningSecret);
  const clock = clockStartingAt(options.clockAt);
  const log = (entry: Record<string, unknown>) => {
    if (entry.level === 'error') console.error(entry);
  };
  const partners = await startPartners({ databaseUrl, port: 0, authenticate, log });
  const transactions = await startTransactions({ databaseUrl, port: 0, authenticate, clock, log, routes: options.routes });
  const settlements = await startSettlements({ databaseUrl, port: 0, authenticate, clock, log });
  const fx = await startFx({ databaseUrl, port: 0, authenticate, log });
  const gateway = await startGateway({
    port: 0,
    supergraphSdl: readFileSync(resolve(import.meta.dirname, '../../schema/supergraph.graphql'), 'utf8'),
    ingestBaseUrl: new URL(transactions.url).origin,
    signingSecret: testSigningSecret,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: testJwtSecret } }),
    databaseUrl,
    log,
    ...options.gateway,
    subgraphUrls: { partners: partners.url, transactions: transactions.url, settlements: settlements.url, fx: fx.url, ...options.gateway?.subgraphUrls },
  });
  const baseUrl = `http://127.0.0.1:${gateway.port}`;
  return {
    graphqlUrl: `${baseUrl}/graphql`,
    wsUrl: `ws://127.0.0.1:${gateway.port}/graphql`,
    baseUrl,
    transactions,
    subgraphUrls: { partners: partners.url, transactions: transactions.url, settlements: settlements.url, fx: fx.url },
    token: (roles, tokenOptions = {}) =>
      issueDevToken({ sub: tokenOptions.sub ?? `test-${roles.join('-').toLowerCase()}`, roles, partnerId: tokenOptions.partnerId ?? null, ttlSeconds: tokenOptions.ttlSeconds }, testJwtSecret),
    async request(token, query, variables = {}) {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return response.json() as Promise<{ data?: any; errors?: any[] }>;
    },
    async settle() {
      await transactions.drainPartnerEvents();
      await settlements.drain();
    },
    async stop() {
      await gateway.stop();
      await Promise.all([partners.stop(), transactions.stop(), settlements.stop(), fx.stop()]);
    },
  };
}
