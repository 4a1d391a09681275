/**
 * A GET bounded in time (the whole exchange, body included, so a server that stalls mid-body is
 * cut off) and in size, whose body must be UTF-8 text. It throws nothing of its own: every failure
 * comes back as a typed outcome, which each caller maps to its own errors and messages. The one
 * exception is an abort of the caller's `signal`, which rethrows that signal's reason.
 */
export interface BoundedFetchRequest {
  url: string | URL;
  /** Request headers, as the caller wants them (accept, authorization, ...). */
  headers?: Record<string, string>;
  /** The caller's redirect policy. */
  redirect: RequestRedirect;
  timeoutMs: number;
  bytesMax: number;
  signal: AbortSignal;
}

export type BoundedFetchOutcome =
  /** A 2xx answer whose body is valid UTF-8 within `bytesMax`. */
  | { kind: 'text'; text: string }
  /** A non-2xx answer; `retryAfterMs` from its Retry-After header (seconds or an HTTP date), when present. */
  | { kind: 'http'; status: number; retryAfterMs: number | null }
  /** No complete answer within `timeoutMs`. */
  | { kind: 'timeout'; timeoutMs: number }
  /** The request never got an answer: connection refused or reset, DNS, TLS. `reason` is the underlying cause, as text. */
  | { kind: 'unreachable'; reason: string; error: unknown }
  /** The body went over `bytesMax`. */
  | { kind: 'too-large'; bytesMax: number }
  /** The body is not valid UTF-8. */
  | { kind: 'not-utf8' };

export type BoundedFetchFailure = Exclude<BoundedFetchOutcome, { kind: 'text' }>;

/** Milliseconds to wait from a Retry-After header: delay-seconds or an HTTP date (never negative); null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

/** Carries an outcome decided inside the try block through the catch, which must still check aborts first. */
class Settled extends Error {
  constructor(readonly outcome: BoundedFetchFailure) {
    super(outcome.kind);
  }
}

/** The body's text, or why there is none. An abort of `request.signal` rethrows its reason. */
export async function fetchTextBounded(request: BoundedFetchRequest): Promise<BoundedFetchOutcome> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  try {
    const response = await fetch(request.url, { headers: request.headers, signal, redirect: request.redirect });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Settled({ kind: 'http', status: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()) });
    }
    return { kind: 'text', text: await readTextAtMost(response, request.bytesMax) };
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (timeout.aborted) return { kind: 'timeout', timeoutMs: request.timeoutMs };
    if (error instanceof Settled) return error.outcome;
    return { kind: 'unreachable', reason: String((error as Error)?.cause ?? error), error };
  }
}

async function readTextAtMost(response: Response, bytesMax: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > bytesMax) throw new Settled({ kind: 'too-large', bytesMax });
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new Settled({ kind: 'not-utf8' });
  }
}
