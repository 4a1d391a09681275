/**
 * A token bucket per key (partner): `burst` requests at once, refilled at `perSecond`. In memory, per
 * process: with several replicas each allows the rate, which is acceptable for a guard against a
 * runaway sender (the database, not this limiter, protects correctness).
 */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys are partners; the bound only guards against a bug that would key by something unbounded. */
export const rateLimitKeysMax = 100_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  take(key: string, nowMs: number, cost = 1): Admission {
    const { burst, perSecond } = this.limit;
    const bucket = this.buckets.get(key) ?? { tokens: burst, atMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.atMs) / 1000) * perSecond);
    bucket.atMs = nowMs;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= rateLimitKeysMax) this.buckets.delete(this.buckets.keys().next().value!);
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / perSecond)) };
  }
}
