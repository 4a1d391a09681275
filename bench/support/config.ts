import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { issueDevToken } from '@clearhouse/kernel/auth/jwt';
import type { Role } from '@clearhouse/kernel/auth/context';

/** Secrets of the benchmark's own throw-away system; nothing outside 127.0.0.1 ever sees them. */
export const benchJwtSecret = 'bench-jwt-secret-0123456789abcdef';
export const benchSigningSecret = 'bench-subgraph-signing-secret-0123';

export const supergraphPath = resolve(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql');
export const supergraphSdl = (): string => readFileSync(supergraphPath, 'utf8');

export type SubgraphName = 'partners' | 'transactions' | 'settlements' | 'fx';
export const subgraphNames: readonly SubgraphName[] = ['partners', 'transactions', 'settlements', 'fx'];

export type ServiceSpec =
  | { kind: SubgraphName; databaseUrl: string }
  | { kind: 'gateway'; databaseUrl: string; supergraphSdl: string; subgraphUrls: Record<string, string> }
  | { kind: 'hive'; supergraphSdl: string; subgraphUrls: Record<string, string>; deduplicate: boolean }
  | { kind: 'bare-ws' };

export function benchToken(roles: Role[], sub = `bench-${roles.join('-').toLowerCase()}`): Promise<string> {
  return issueDevToken({ sub, roles, partnerId: null, ttlSeconds: 3600 }, benchJwtSecret);
}
