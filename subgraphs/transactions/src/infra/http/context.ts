import type { IncomingMessage, ServerResponse } from 'node:http';
import { assert, ClearhouseError } from '@clearhouse/kernel';
import { type GatewayIdentity, verifyGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import type { Authenticate } from '@clearhouse/kernel/graphql/index';
import type { IngestDeps, IngestOutcome } from '../../app/ingest.ts';
import { csvImportDefaults, type CsvImportOptions } from '../../app/csv-import.ts';
import { sendRejection } from './errors.ts';
import { type RateLimit, TokenBuckets } from './rate-limit.ts';

export interface IngestHttpOptions {
  /**
   * How a file upload's user identity, which the gateway signs over the EMPTY body, is verified: with
   * SUBGRAPH_SIGNING_SECRET (current and previous during a rotation), or else with the server's own
   * gateway authenticator (start() passes it).
   */
  gatewaySecrets?: string | readonly string[];
  authenticate?: Authenticate;
  /** Requests per partner (all three endpoints share the bucket). */
  rateLimit?: RateLimit;
  webhookBytesMax?: number;
  batchBytesMax?: number;
  /** A whole uploaded file; it is streamed, so this bounds time and disk, not memory. */
  fileBytesMax?: number;
  /** Uploads streaming at once, over all partners; more are answered 429. */
  fileUploadsConcurrentMax?: number;
  csv?: CsvImportOptions;
  log?: (entry: Record<string, unknown>) => void;
}

export const ingestHttpDefaults = {
  rateLimit: { burst: 1_000, perSecond: 500 },
  webhookBytesMax: 64 * 1024,
  batchBytesMax: 16 * 1024 * 1024,
  fileBytesMax: 8 * 1024 * 1024 * 1024,
  fileUploadsConcurrentMax: 4,
  csv: csvImportDefaults,
} as const;

/** Who uploads a file, as the gateway signed it. */
export type IdentifyUploader = (request: IncomingMessage) => GatewayIdentity;

export interface RouteContext {
  deps: IngestDeps;
  identifyUploader: IdentifyUploader;
  webhookBytesMax: number;
  batchBytesMax: number;
  fileBytesMax: number;
  fileUploadsConcurrentMax: number;
  csv: CsvImportOptions;
  buckets: TokenBuckets;
  uploadsInProgress: { count: number };
  log: (entry: Record<string, unknown>) => void;
}

function uploaderIdentity(options: IngestHttpOptions): IdentifyUploader {
  const { gatewaySecrets, authenticate } = options;
  if (gatewaySecrets !== undefined) return (request) => verifyGatewayRequest(request.headers, '', gatewaySecrets, Date.now());
  assert(authenticate !== undefined, 'the ingest endpoints need gatewaySecrets or an authenticate function');
  return (request) => {
    try {
      const user = authenticate(request, '');
      return user === null ? { kind: 'anonymous-service' } : { kind: 'user', context: user };
    } catch (error) {
      if (error instanceof ClearhouseError) return { kind: 'error', reason: 'bad signature' };
      throw error;
    }
  };
}

export function routeContext(deps: IngestDeps, options: IngestHttpOptions): RouteContext {
  return {
    deps,
    identifyUploader: uploaderIdentity(options),
    webhookBytesMax: options.webhookBytesMax ?? ingestHttpDefaults.webhookBytesMax,
    batchBytesMax: options.batchBytesMax ?? ingestHttpDefaults.batchBytesMax,
    fileBytesMax: options.fileBytesMax ?? ingestHttpDefaults.fileBytesMax,
    fileUploadsConcurrentMax: options.fileUploadsConcurrentMax ?? ingestHttpDefaults.fileUploadsConcurrentMax,
    csv: options.csv ?? ingestHttpDefaults.csv,
    buckets: new TokenBuckets(options.rateLimit ?? ingestHttpDefaults.rateLimit),
    uploadsInProgress: { count: 0 },
    log: options.log ?? (() => {}),
  };
}

/** Takes a token of the partner's bucket, or answers 429 and returns false. Real wall clock. */
export function admit(context: RouteContext, partnerId: string, response: ServerResponse): boolean {
  const admission = context.buckets.take(partnerId, Date.now());
  if (admission.ok) return true;
  sendRejection(response, 'RATE_LIMITED', `too many requests for this partner; retry in ${admission.retryAfterSeconds} s`, {
    headers: { 'retry-after': String(admission.retryAfterSeconds) },
  });
  return false;
}

/** The counts of a batch or file answer; quarantined records are listed with their line and reason. */
export function report(outcome: IngestOutcome): Record<string, unknown> {
  return {
    accepted: outcome.accepted,
    duplicates: outcome.duplicates,
    held: outcome.held,
    quarantined: { count: outcome.quarantined, malformed: outcome.malformed, records: outcome.rejected },
  };
}
