import type { IncomingMessage } from 'node:http';
import type { AuthContext } from '../auth/context.ts';
import { verifyGatewayRequest } from '../auth/gateway-signature.ts';
import { ClearhouseError } from '../errors.ts';

export type Authenticate = (request: IncomingMessage, body: string) => AuthContext | null;

/**
 * Subgraphs accept only requests the gateway signed: anything unsigned, stale or tampered is refused
 * (401) before any resolver runs. Signature freshness uses the real wall clock.
 */
export function gatewayAuthenticator(secrets: string | readonly string[]): Authenticate {
  return (request, body) => {
    const verdict = verifyGatewayRequest(request.headers, body, secrets, Date.now());
    switch (verdict.kind) {
      case 'user':
        return verdict.context;
      case 'anonymous-service':
        return null;
      case 'error':
        throw new ClearhouseError('UNAUTHENTICATED', `request not signed by the gateway (${verdict.reason})`);
    }
  };
}
