import { ecbXmlCharsMax } from '../../domain/ecb-xml.ts';

/** Every bound of the ECB feed poller. Tests shrink the delays. */
export interface FeedSettings {
  /** One whole request, answer body included. */
  requestTimeoutMs: number;
  /** Room for the ECB historical file, so the feed can also point at it for a first load. */
  documentBytesMax: number;
  /** Retries of a failed request within one poll (so at most retriesMax + 1 attempts), exponential backoff with jitter. */
  retriesMax: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** A Retry-After up to this is waited for within the poll; a longer one skips polls until it passes. */
  retryAfterWaitMaxMs: number;
  /** Consecutive failed polls that open the circuit. */
  failuresToOpen: number;
  /** How long an open circuit refuses polls before one trial (HALF_OPEN). */
  halfOpenAfterMs: number;
}

export const feedDefaults: FeedSettings = {
  requestTimeoutMs: 30_000,
  documentBytesMax: ecbXmlCharsMax,
  retriesMax: 3,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  retryAfterWaitMaxMs: 120_000,
  failuresToOpen: 5,
  halfOpenAfterMs: 10 * 60_000,
};

/** The poll interval's bounds: the ECB publishes once a working day, so a week is the most that makes sense. */
export const feedIntervalSecondsMin = 1;
export const feedIntervalSecondsMax = 7 * 24 * 3600;
