import { appendAll, type AuditStore } from '@clearhouse/kernel/audit/index';
import type { AuthContext } from '@clearhouse/kernel/auth/context';

/**
 * Denials the gateway decides itself, before any subgraph sees the request: a missing or refused
 * token (HTTP, WebSocket connection, ingest upload) and a refused subscription. Subgraphs write the
 * denials of their resolvers.
 */
export interface GatewayDenial {
  /** Null when no token was verified: an unverified token's claims are not believed, not even its sub. */
  identity: AuthContext | null;
  action: 'gateway.authenticate' | 'gateway.connect' | `subscription.${string}`;
  object: string | null;
  origin: string;
  requestId: string | null;
  transport: 'http' | 'ws' | 'ingest';
  code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
  reason: string;
}

export type RecordDenial = (denial: GatewayDenial) => Promise<void>;

export function gatewayDenialRecorder(store: AuditStore, log: (entry: Record<string, unknown>) => void): RecordDenial {
  return async (denial) => {
    await appendAll(
      store,
      [
        {
          actor: denial.identity?.sub ?? null,
          roles: denial.identity?.roles ?? [],
          action: denial.action,
          object: denial.object,
          result: 'DENIED',
          origin: denial.origin,
          requestId: denial.requestId,
          details: { service: 'gateway', transport: denial.transport, code: denial.code, reason: denial.reason.slice(0, 200) },
        },
      ],
      log,
    );
  };
}
