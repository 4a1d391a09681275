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

export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

/** The page's text. Throws the errors above; an abort of `signal` rethrows its reason. */
export async function fetchPageText(request: PageRequest): Promise<string> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  try {
    const response = await fetch(pageUrl(request.baseUrl, request.cursor, request.limit), {
      headers: { authorization: `Bearer ${request.apiKey}`, accept: 'application/json' },
      signal,
      redirect: 'error',
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ProviderHttpError(response.status, retryAfterMs(response.headers.get('retry-after'), Date.now()));
    }
    return await readTextAtMost(response, request.bytesMax);
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (timeout.aborted) throw new ProviderTimeoutError(`no complete answer within ${request.timeoutMs} ms`);
    if (error instanceof ProviderHttpError || error instanceof BadPageError) throw error;
    throw new ProviderUnreachableError(`the provider is unreachable: ${String((error as Error)?.cause ?? error)}`);
  }
}

async function readTextAtMost(response: Response, bytesMax: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > bytesMax) throw new BadPageError(`the page is larger than ${bytesMax} bytes`);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BadPageError('the page is not valid UTF-8');
  }
}
