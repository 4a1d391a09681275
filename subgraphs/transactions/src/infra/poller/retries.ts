import { setTimeout as sleep } from 'node:timers/promises';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import { ProviderHttpError } from './provider-client.ts';

export interface RetryOptions {
  retriesMax: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  retryable(error: unknown): boolean;
  /** Aborting it ends a sleeping retry at once (cockatiel's own retry policy sleeps unabortably). */
  signal: AbortSignal;
}

/**
 * Runs `work`, retrying what `retryable` allows up to `retriesMax` times. The delays come from
 * cockatiel's exponential backoff with decorrelated jitter, and are never shorter than the Retry-After
 * a provider asked for.
 */
export async function withRetries<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const factory = new ExponentialBackoff({ initialDelay: options.backoffInitialMs, maxDelay: options.backoffMaxMs });
  let backoff: IBackoff<unknown> | null = null;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.retriesMax || !options.retryable(error) || options.signal.aborted) throw error;
      // The factory's own first step is a zero delay; every retry here waits.
      backoff = (backoff ?? factory.next()).next(undefined);
      const asked = error instanceof ProviderHttpError ? (error.retryAfterMs ?? 0) : 0;
      await sleep(Math.max(backoff.duration, asked), undefined, { signal: options.signal });
    }
  }
}
