import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { isReservedHeader } from '@clearhouse/kernel/auth/gateway-signature';

/**
 * A client's headers as the gateway passes them on to Apollo, without any x-clearhouse-* header:
 * those carry the identity, signature and origin the gateway vouches for to subgraphs, so a client
 * must never be able to set one, whatever a later change forwards to subgraphs.
 */
export function clientHeaders(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || isReservedHeader(key)) continue;
    map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** Where a request came from: the peer's address (no proxy in front is trusted to say otherwise). */
export function originOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}
