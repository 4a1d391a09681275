import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdapterType } from '@clearhouse/kernel';
import type { HttpRoute } from '@clearhouse/kernel/graphql/index';
import { findPartnerByCode, partnerCodeCharsMax, type IngestPartner } from '../../app/ingest-partners.ts';
import type { IngestDeps } from '../../app/ingest.ts';
import { handleBatch } from './batch-route.ts';
import { type IngestHttpOptions, routeContext, type RouteContext } from './context.ts';
import { sendRejection } from './errors.ts';
import { handleFile } from './file-route.ts';
import { handleWebhook } from './webhook-route.ts';

type Handler = (context: RouteContext, partner: IngestPartner, request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The three push endpoints of DESIGN.md 3.1–3.3 and the adapter each serves. */
const endpoints: Record<string, { adapter: AdapterType; handle: Handler }> = {
  webhook: { adapter: 'JSON_WEBHOOK', handle: handleWebhook },
  batch: { adapter: 'NDJSON_BATCH', handle: handleBatch },
  file: { adapter: 'CSV_REPORT', handle: handleFile },
};

const ingestPath = /^\/ingest\/([^/]+)\/([^/]+)$/;

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The ingest endpoints, for `start({ ingest })` or `start({ routes })`: POST /ingest/{partnerCode}/{webhook|batch|file}.
 * Checks common to all three come first (method, path, partner, adapter); each handler then
 * authenticates before it stores anything. Nothing escapes as a 5xx but an unexpected error, which is
 * masked and logged with a request id.
 */
export function ingestRoutes(options: IngestHttpOptions): (deps: IngestDeps) => HttpRoute[] {
  return (deps) => {
    const context = routeContext(deps, options);
    const route: HttpRoute = async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith('/ingest/')) return false;
      try {
        await dispatch(context, url.pathname, request, response);
      } catch (error) {
        const requestId = randomUUID();
        context.log({ level: 'error', msg: 'ingest request failed', requestId, path: url.pathname, error: String((error as Error)?.stack ?? error) });
        if (!response.destroyed) sendRejection(response, 'INTERNAL', `internal error (request ${requestId})`);
      }
      return true;
    };
    return [route];
  };
}

async function dispatch(context: RouteContext, pathname: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const match = ingestPath.exec(pathname);
  const endpoint = match === null ? undefined : endpoints[match[2]!];
  if (match === null || endpoint === undefined) return sendRejection(response, 'NOT_FOUND', 'ingest endpoints are /ingest/{partnerCode}/webhook, /batch and /file');
  if (request.method !== 'POST') {
    response.setHeader('allow', 'POST');
    return sendRejection(response, 'METHOD_NOT_ALLOWED', 'use POST');
  }
  const code = decodeSegment(match[1]!);
  const partner = code === null || code.length > partnerCodeCharsMax ? null : await findPartnerByCode(context.deps.sql, code);
  if (partner === null) return sendRejection(response, 'PARTNER_NOT_FOUND', 'no partner has this code');
  if (partner.adapterType !== endpoint.adapter) {
    return sendRejection(response, 'ADAPTER_MISMATCH', `partner ${partner.code} is configured for ${partner.adapterType ?? 'no known adapter'}, not ${endpoint.adapter}`);
  }
  await endpoint.handle(context, partner, request, response);
}
