import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';

/**
 * Signature headers for a subgraph request. A streamed upload (body null) is signed over the empty
 * body: the identity still cannot be forged, and the ingest path it is sent to is what it authorises.
 */
export function signSubgraphRequest(identity: AuthContext | null, body: string | null, secret: string): Record<string, string> {
  return signGatewayRequest(identity, body ?? '', secret, Date.now());
}
