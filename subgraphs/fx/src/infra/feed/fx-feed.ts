import { randomUUID } from 'node:crypto';
import {
  BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, handleWhen, retry,
  type CircuitBreakerPolicy, type RetryPolicy,
} from 'cockatiel';
import { assert, ClearhouseError } from '@clearhouse/kernel';
import { importEcbDocument, type FxDeps, type ImportOutcome } from '../../app/rates.ts';
import { parseEcbXml, type EcbDocument } from '../../domain/ecb-xml.ts';
import { RetryAfterBackoff } from './backoff.ts';
import { BadFeedDocumentError, FeedHttpError, FeedTimeoutError, FeedUnreachableError, fetchFeedText, isTransient } from './feed-client.ts';
import * as state from '../../app/feed-state.ts';
import { ecbFeedName } from '../../app/feed-state.ts';
import { feedDefaults, feedIntervalSecondsMax, feedIntervalSecondsMin, type FeedSettings } from './settings.ts';

/**
 * Polls a URL serving the ECB eurofxref format (the daily file, or the historical one for a first load)
 * and imports what it reads, with the resilience of a provider poller: each request bounded in time,
 * transient failures retried with exponential backoff and jitter (never sooner than a Retry-After), a
 * circuit breaker that stops polling a feed that keeps failing, and the state kept in fx.feed_state for
 * the fxFeedStatus query. A document that fails validation changes nothing (the import is all or
 * nothing) and counts as a failed poll: a feed serving garbage is broken, not "up".
 */
export interface FxFeedOptions {
  url: string;
  intervalSeconds: number;
  settings?: Partial<FeedSettings>;
  /** The first poll runs this long after start (default at once); tests drive polls with pollOnce. */
  firstPollDelayMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export type PollResult =
  | { kind: 'IMPORTED'; outcome: ImportOutcome }
  | { kind: 'FAILED'; code: string; message: string }
  | { kind: 'SKIPPED'; reason: 'NOT_DUE' | 'CIRCUIT_OPEN' | 'STOPPED' };

export interface FxFeed {
  /** Polls now, after any poll still running; the timer's polls go through here too. */
  pollOnce(): Promise<PollResult>;
  stop(): Promise<void>;
}

const circuitNames: Record<CircuitState, state.FeedCircuit> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'ISOLATED',
};

/** Shown in the API: the URL without credentials or query (an API key may hide in either). */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

export async function startFxFeed(deps: FxDeps, options: FxFeedOptions): Promise<FxFeed> {
  const settings: FeedSettings = { ...feedDefaults, ...options.settings };
  const log = options.log ?? (() => {});
  assert(Number.isInteger(options.intervalSeconds), 'the feed interval is whole seconds');
  assert(options.intervalSeconds >= feedIntervalSecondsMin && options.intervalSeconds <= feedIntervalSecondsMax, 'the feed interval is within bounds');
  const url = new URL(options.url).toString();
  const intervalMs = options.intervalSeconds * 1000;
  const owner = randomUUID();
  const pollDurationMaxMs = (settings.retriesMax + 1) * settings.requestTimeoutMs + settings.retriesMax * Math.max(settings.backoffMaxMs, settings.retryAfterWaitMaxMs);
  const leaseMs = Math.max(intervalMs, pollDurationMaxMs);
  await state.registerFeed(deps.sql, ecbFeedName, redactedUrl(url), options.intervalSeconds);

  const retryPolicy: RetryPolicy = retry(
    handleWhen((error) => isTransient(error) && !(error instanceof FeedHttpError && (error.retryAfterMs ?? 0) > settings.retryAfterWaitMaxMs)),
    { maxAttempts: settings.retriesMax, backoff: RetryAfterBackoff.exponential(settings.backoffInitialMs, settings.backoffMaxMs) },
  );
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.failuresToOpen),
  });
  let circuitSaves = state.saveCircuit(deps.sql, ecbFeedName, circuitNames[breaker.state]);
  breaker.onStateChange((circuit) => {
    circuitSaves = circuitSaves.then(() => state.saveCircuit(deps.sql, ecbFeedName, circuitNames[circuit])).catch((error: unknown) => {
      log({ level: 'error', msg: 'fx feed: saving the circuit state failed', error: String(error) });
    });
  });

  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();

  async function read(): Promise<EcbDocument> {
    return breaker.execute(async ({ signal }) => {
      const text = await retryPolicy.execute(
        ({ signal: attemptSignal }) => fetchFeedText({ url, timeoutMs: settings.requestTimeoutMs, bytesMax: settings.documentBytesMax, signal: attemptSignal }),
        signal,
      );
      return parseEcbXml(text);
    }, stopping.signal);
  }

  async function poll(): Promise<PollResult> {
    if (stopping.signal.aborted) return { kind: 'SKIPPED', reason: 'STOPPED' };
    if (!(await state.takeLease(deps.sql, ecbFeedName, owner, leaseMs))) return { kind: 'SKIPPED', reason: 'NOT_DUE' };
    let document: EcbDocument;
    try {
      document = await read();
    } catch (error) {
      if (error instanceof BrokenCircuitError) return { kind: 'SKIPPED', reason: 'CIRCUIT_OPEN' };
      if (stopping.signal.aborted) return { kind: 'SKIPPED', reason: 'STOPPED' };
      const failure = describe(error);
      await state.recordFailure(deps.sql, ecbFeedName, failure.code, failure.message, failure.retryNotBeforeMs);
      log({ level: 'warn', msg: 'fx feed: poll failed', code: failure.code, error: failure.message });
      return { kind: 'FAILED', code: failure.code, message: failure.message };
    }
    try {
      const outcome = await importEcbDocument(deps, document, 'ECB_FEED');
      await state.recordSuccess(deps.sql, ecbFeedName, { applied: outcome.applied, unchanged: outcome.unchanged, held: outcome.held.length, skipped: outcome.skipped.length });
      if (outcome.held.length > 0) log({ level: 'warn', msg: 'fx feed: fixings held for confirmation', held: outcome.held });
      return { kind: 'IMPORTED', outcome };
    } catch (error) {
      // Our own side failed (the database): the feed is not to blame, so the circuit is left alone.
      const message = error instanceof ClearhouseError ? error.message : 'the import failed; see the logs';
      log({ level: 'error', msg: 'fx feed: import failed', error: String((error as Error)?.stack ?? error) });
      await state.recordFailure(deps.sql, ecbFeedName, 'IMPORT_FAILED', message, null);
      return { kind: 'FAILED', code: 'IMPORT_FAILED', message };
    }
  }

  function pollOnce(): Promise<PollResult> {
    const next = running.then(poll, poll).then(async (result) => {
      await circuitSaves;
      return result;
    });
    running = next.catch(() => undefined);
    return next;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      pollOnce()
        .catch((error: unknown) => log({ level: 'error', msg: 'fx feed: poll crashed', error: String((error as Error)?.stack ?? error) }))
        .finally(() => {
          if (!stopping.signal.aborted) schedule(intervalMs);
        });
    }, delayMs);
  }
  schedule(options.firstPollDelayMs ?? 0);

  return {
    pollOnce,
    async stop() {
      stopping.abort(new Error('the fx feed is stopping'));
      if (timer !== null) clearTimeout(timer);
      await running;
      await circuitSaves;
      await state.releaseLease(deps.sql, ecbFeedName, owner);
    },
  };
}

interface Failure {
  code: string;
  message: string;
  retryNotBeforeMs: number | null;
}

function describe(error: unknown): Failure {
  if (error instanceof FeedHttpError) {
    const retryNotBeforeMs = error.retryAfterMs === null ? null : Date.now() + error.retryAfterMs;
    return { code: `HTTP_${error.status}`, message: error.message, retryNotBeforeMs };
  }
  if (error instanceof FeedTimeoutError) return { code: 'TIMEOUT', message: error.message, retryNotBeforeMs: null };
  if (error instanceof FeedUnreachableError) return { code: 'UNREACHABLE', message: error.message, retryNotBeforeMs: null };
  if (error instanceof BadFeedDocumentError) return { code: 'BAD_DOCUMENT', message: error.message, retryNotBeforeMs: null };
  if (error instanceof ClearhouseError) return { code: error.code, message: error.message, retryNotBeforeMs: null };
  return { code: 'UNEXPECTED', message: String((error as Error)?.message ?? error), retryNotBeforeMs: null };
}
