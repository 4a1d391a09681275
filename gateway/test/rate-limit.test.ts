import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limit.ts';

describe('the per-user rate limit', () => {
  it('allows a burst, refuses beyond it, and refills with time', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 3, refillPerSecond: 2, keysMax: 10 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('alice'))).toEqual([true, true, true, false]);
    expect(limiter.retryAfterSeconds('alice')).toBe(1);
    now += 499;
    expect(limiter.take('alice')).toBe(false);
    now += 1;
    expect(limiter.take('alice')).toBe(true);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('alice'))).toEqual([true, true, true, false]);
  });

  it('keeps each key to itself', () => {
    const limiter = createRateLimiter({ burst: 1, refillPerSecond: 1, keysMax: 10 }, () => 0);
    expect(limiter.take('alice')).toBe(true);
    expect(limiter.take('alice')).toBe(false);
    expect(limiter.take('bob')).toBe(true);
  });

  it('remembers at most keysMax keys, forgetting the least recently used', () => {
    const limiter = createRateLimiter({ burst: 1, refillPerSecond: 0.001, keysMax: 2 }, () => 0);
    limiter.take('a');
    limiter.take('b');
    limiter.take('a');
    limiter.take('c');
    // b was least recently used: forgotten, so it starts full again; a is still empty.
    expect(limiter.take('b')).toBe(true);
    expect(limiter.take('c')).toBe(false);
  });

  it('refuses a configuration that would never allow a request', () => {
    expect(() => createRateLimiter({ burst: 0 })).toThrow();
    expect(() => createRateLimiter({ refillPerSecond: 0 })).toThrow();
  });
});
