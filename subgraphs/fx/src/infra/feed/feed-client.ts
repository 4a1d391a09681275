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

export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

/** The document's text. Throws the errors above; an abort of `signal` rethrows its reason. */
export async function fetchFeedText(request: FeedRequest): Promise<string> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  try {
    const response = await fetch(request.url, { headers: { accept: 'application/xml, text/xml' }, signal, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel();
      throw new FeedHttpError(response.status, retryAfterMs(response.headers.get('retry-after'), Date.now()));
    }
    return await readTextAtMost(response, request.bytesMax);
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (timeout.aborted) throw new FeedTimeoutError(`no complete answer within ${request.timeoutMs} ms`);
    if (error instanceof FeedHttpError || error instanceof BadFeedDocumentError) throw error;
    throw new FeedUnreachableError(`the feed is unreachable: ${String((error as Error)?.cause ?? error)}`);
  }
}

async function readTextAtMost(response: Response, bytesMax: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > bytesMax) throw new BadFeedDocumentError(`the document is larger than ${bytesMax} bytes`);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BadFeedDocumentError('the document is not valid UTF-8');
  }
}
