import type { ServerResponse } from 'node:http';
import { sendJson } from '@clearhouse/kernel/graphql/index';

/**
 * Every refusal of the ingest endpoints, with its HTTP status. Integrators rely on the codes: they are
 * stable, and each answer is `{ error: { code, reason } }` (plus the counts of what was kept, for the
 * line-based formats).
 */
export const ingestErrors = {
  SIGNATURE_MISSING: { status: 401, description: 'A signature header (webhook-id/-timestamp/-signature, or x-signature/x-timestamp) is missing.' },
  TIMESTAMP_INVALID: { status: 401, description: 'The signature timestamp is not a number of unix seconds.' },
  TIMESTAMP_STALE: { status: 401, description: 'The signature timestamp is more than 300 s from now (real wall clock).' },
  SIGNATURE_INVALID: { status: 401, description: "No presented signature matches one of the partner's ingest secrets." },
  UNAUTHENTICATED: { status: 401, description: 'A file upload carries no valid user identity from the gateway.' },
  FORBIDDEN: { status: 403, description: 'The user may not upload files (OPS or ADMIN is required).' },
  NOT_FOUND: { status: 404, description: 'No ingest endpoint at this path (webhook, batch or file).' },
  PARTNER_NOT_FOUND: { status: 404, description: 'No partner has the code in the path.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'Ingest endpoints accept POST only.' },
  ADAPTER_MISMATCH: { status: 409, description: "The partner's adapter is not the one this path serves." },
  INVALID_HEADER: { status: 400, description: 'A header is present but unusable (for example a webhook-id over 256 characters).' },
  MALFORMED: { status: 400, description: 'The body, or some of its lines, cannot be parsed; each is kept as a MALFORMED quarantine record.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than the endpoint allows (bytes, or lines per batch).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'A file upload must be text/csv.' },
  RATE_LIMITED: { status: 429, description: "Over the partner's request rate; retry after the Retry-After seconds." },
  INTERNAL: { status: 500, description: 'An unexpected error; the request id identifies it in the logs.' },
} as const;

export type IngestErrorCode = keyof typeof ingestErrors;

export function sendRejection(
  response: ServerResponse,
  code: IngestErrorCode,
  reason: string,
  extra: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  // An answer sent before the request body was read to its end closes the connection after it, so the
  // unread rest is never read (see request-body.ts).
  if (!response.req.complete) response.setHeader('connection', 'close');
  for (const [name, value] of Object.entries(extra.headers ?? {})) response.setHeader(name, value);
  sendJson(response, ingestErrors[code].status, { error: { code, reason }, ...extra.body });
}
