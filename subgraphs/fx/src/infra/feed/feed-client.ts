import { fetchTextBounded, retryAfterMs } from '@clearhouse/kernel/http/bounded-fetch';

/**
 * Fetches the feed document: a GET bounded in time (the whole exchange, body included, so a server
 * that stalls mid-body is cut off) and in size. Failures are typed so the poller can tell what is
 * worth a retry.
 */
export interface FeedRequest {
  url: string;
  timeoutMs: number;
  bytesMax: number;
  signal: AbortSignal;
}

/** A non-2xx answer; `retryAfterMs` from its Retry-After header (seconds or an HTTP date), when present. */
export class FeedHttpError extends Error {
  override name = 'FeedHttpError';
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
  ) {
    super(`the feed answered ${status}${retryAfterMs === null ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`}`);
  }
}

export class FeedTimeoutError extends Error {
  override name = 'FeedTimeoutError';
}

/** The request never got an answer: connection refused or reset, DNS, TLS. */
export class FeedUnreachableError extends Error {
  override name = 'FeedUnreachableError';
}

/** An answer too large or not text: retrying would fetch the same. */
export class BadFeedDocumentError extends Error {
  override name = 'BadFeedDocumentError';
}

/** Statuses worth another attempt within the same poll. */
const retryableStatuses = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isTransient(error: unknown): boolean {
  if (error instanceof FeedHttpError) return retryableStatuses.has(error.status);
  return error instanceof FeedTimeoutError || error instanceof FeedUnreachableError;
}

export { retryAfterMs };

/** The document's text. Throws the errors above; an abort of `signal` rethrows its reason. */
export async function fetchFeedText(request: FeedRequest): Promise<string> {
  const outcome = await fetchTextBounded({
    url: request.url,
    headers: { accept: 'application/xml, text/xml' },
    redirect: 'follow',
    timeoutMs: request.timeoutMs,
    bytesMax: request.bytesMax,
    signal: request.signal,
  });
  switch (outcome.kind) {
    case 'text':
      return outcome.text;
    case 'http':
      throw new FeedHttpError(outcome.status, outcome.retryAfterMs);
    case 'timeout':
      throw new FeedTimeoutError(`no complete answer within ${outcome.timeoutMs} ms`);
    case 'unreachable':
      throw new FeedUnreachableError(`the feed is unreachable: ${outcome.reason}`);
    case 'too-large':
      throw new BadFeedDocumentError(`the document is larger than ${outcome.bytesMax} bytes`);
    case 'not-utf8':
      throw new BadFeedDocumentError('the document is not valid UTF-8');
  }
}
