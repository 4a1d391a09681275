/**
 * A token bucket per key: a verified caller's `sub`, or `ip:<address>` for requests without a valid
 * token, so a flood of bad tokens is refused before each one costs a verification and an audit row.
 * Buckets live in memory, per gateway process: a bound against one client exhausting the service,
 * not an exact quota across replicas.
 */
export interface RateLimitOptions {
  /** Requests a key may make at once, after being idle. */
  burst: number;
  /** Requests per second a key regains, up to `burst`. */
  refillPerSecond: number;
  /** Keys remembered; beyond it the least recently used is forgotten (it starts again full). */
  keysMax: number;
}

export const rateLimitDefault: Readonly<RateLimitOptions> = Object.freeze({ burst: 600, refillPerSecond: 100, keysMax: 50_000 });

export interface RateLimiter {
  /** Takes one request from `key`'s bucket; false when it is empty. */
  take(key: string): boolean;
  /** Seconds until `key` may make a request again (for Retry-After). */
  retryAfterSeconds(key: string): number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export function createRateLimiter(options: Partial<RateLimitOptions> = {}, nowMs: () => number = Date.now): RateLimiter {
  const { burst, refillPerSecond, keysMax } = { ...rateLimitDefault, ...options };
  if (!(burst >= 1 && refillPerSecond > 0 && keysMax >= 1)) throw new Error('rate limit: burst >= 1, refillPerSecond > 0 and keysMax >= 1');
  const buckets = new Map<string, Bucket>();

  function refreshed(key: string): Bucket {
    const now = nowMs();
    const bucket = buckets.get(key);
    // Re-inserted on every use, so the Map's first key is always the least recently used.
    if (bucket !== undefined) buckets.delete(key);
    const current = bucket === undefined ? { tokens: burst, atMs: now } : { tokens: Math.min(burst, bucket.tokens + ((now - bucket.atMs) / 1000) * refillPerSecond), atMs: now };
    buckets.set(key, current);
    while (buckets.size > keysMax) buckets.delete(buckets.keys().next().value as string);
    return current;
  }

  return {
    take(key) {
      const bucket = refreshed(key);
      if (!(bucket.tokens >= 1)) return false;
      bucket.tokens -= 1;
      return true;
    },
    retryAfterSeconds(key) {
      const bucket = refreshed(key);
      return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / refillPerSecond);
    },
  };
}

/** For tests and trusted deployments that bound clients elsewhere. */
export const unlimited: RateLimiter = { take: () => true, retryAfterSeconds: () => 0 };
