import { ExponentialBackoff, type IBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import { FeedHttpError } from './feed-client.ts';

type Context = IRetryBackoffContext<unknown>;

/**
 * cockatiel's exponential backoff with decorrelated jitter, never shorter than the Retry-After the feed
 * asked for (429, 503). A Retry-After longer than the poller waits within one poll makes the error
 * non-retryable instead (fx-feed.ts), so this never sleeps longer than the caller allows.
 */
export class RetryAfterBackoff implements IBackoffFactory<Context> {
  constructor(private readonly inner: IBackoffFactory<unknown>) {}

  static exponential(initialDelay: number, maxDelay: number): RetryAfterBackoff {
    return new RetryAfterBackoff(new ExponentialBackoff({ initialDelay, maxDelay }));
  }

  next(context: Context): IBackoff<Context> {
    const step = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = error instanceof FeedHttpError ? (error.retryAfterMs ?? 0) : 0;
    return { duration: Math.max(step.duration, asked), next: (later: Context) => new RetryAfterBackoff(step).next(later) };
  }
}
