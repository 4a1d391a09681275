import { fetchTextBounded, retryAfterMs } from '@clearhouse/kernel/http/bounded-fetch';

/**
 * The provider side of DESIGN.md 3.4: GET {baseUrl}/transactions?cursor=&limit= with a bearer key.
 * Every request is bounded in time (the whole exchange, body included, so a provider that stalls
 * mid-body is cut off) and in size. Failures are typed so the poller can tell what is worth a retry.
 */
export interface PageRequest {
  baseUrl: string;
  apiKey: string;
  /** null for the first request, which has no cursor. */
  cursor: string | null;
  limit: number;
  timeoutMs: number;
  bytesMax: number;
  signal: AbortSignal;
}

/** A non-2xx answer; `retryAfterMs` from its Retry-After header (seconds or an HTTP date), when present. */
export class ProviderHttpError extends Error {
  override name = 'ProviderHttpError';
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
  ) {
    super(`the provider answered ${status}${retryAfterMs === null ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`}`);
  }
}

export class ProviderTimeoutError extends Error {
  override name = 'ProviderTimeoutError';
}

/** The request never got an answer: connection refused or reset, DNS, TLS. */
export class ProviderUnreachableError extends Error {
  override name = 'ProviderUnreachableError';
}

/** An answer that is not a page of the documented shape (or is too large to be one). */
export class BadPageError extends Error {
  override name = 'BadPageError';
}

export function pageUrl(baseUrl: string, cursor: string | null, limit: number): URL {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/transactions`;
  if (cursor !== null) url.searchParams.set('cursor', cursor);
  url.searchParams.set('limit', String(limit));
  return url;
}

export { retryAfterMs };

/** The page's text. Throws the errors above; an abort of `signal` rethrows its reason. */
export async function fetchPageText(request: PageRequest): Promise<string> {
  const outcome = await fetchTextBounded({
    url: pageUrl(request.baseUrl, request.cursor, request.limit),
    headers: { authorization: `Bearer ${request.apiKey}`, accept: 'application/json' },
    redirect: 'error',
    timeoutMs: request.timeoutMs,
    bytesMax: request.bytesMax,
    signal: request.signal,
  });
  switch (outcome.kind) {
    case 'text':
      return outcome.text;
    case 'http':
      throw new ProviderHttpError(outcome.status, outcome.retryAfterMs);
    case 'timeout':
      throw new ProviderTimeoutError(`no complete answer within ${outcome.timeoutMs} ms`);
    case 'unreachable':
      throw new ProviderUnreachableError(`the provider is unreachable: ${outcome.reason}`);
    case 'too-large':
      throw new BadPageError(`the page is larger than ${outcome.bytesMax} bytes`);
    case 'not-utf8':
      throw new BadPageError('the page is not valid UTF-8');
  }
}
