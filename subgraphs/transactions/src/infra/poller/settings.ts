/** Every bound of the REST poller (DESIGN.md 3.4). Tests shrink the delays. */
export interface PollerSettings {
  /** Polls on each partner's interval; tests that drive every poll with `pollNow` turn it off. */
  scheduled: boolean;
  /** The `limit` asked of the provider. */
  pageItemsMax: number;
  /** Pages read in one poll; the rest waits for the next interval. */
  pagesPerPollMax: number;
  /** One whole request, answer body included. */
  requestTimeoutMs: number;
  pageBytesMax: number;
  /** Retries of a failed poll (so at most retriesMax + 1 attempts), with exponential backoff and jitter. */
  retriesMax: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** A Retry-After up to this is waited for within the poll; a longer one skips polls until it passes. */
  retryAfterWaitMaxMs: number;
  /** Consecutive failed polls that open the circuit. */
  failuresToOpen: number;
  /** How long an open circuit refuses polls before one trial (HALF_OPEN). */
  halfOpenAfterMs: number;
  /** Polls running at once over all partners. */
  pollsConcurrentMax: number;
  partnersMax: number;
  /** Fallback re-read of the REST_POLL partners, besides the wake-up from partner events. */
  refreshIntervalMs: number;
  /** A poll holds its partner's lease (several replicas) this long past its last page. */
  leaseMs: number;
}

export const pollerDefaults: PollerSettings = {
  scheduled: true,
  pageItemsMax: 500,
  pagesPerPollMax: 100,
  requestTimeoutMs: 10_000,
  pageBytesMax: 16 * 1024 * 1024,
  retriesMax: 3,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  retryAfterWaitMaxMs: 60_000,
  failuresToOpen: 5,
  halfOpenAfterMs: 60_000,
  pollsConcurrentMax: 8,
  partnersMax: 10_000,
  refreshIntervalMs: 30_000,
  leaseMs: 60_000,
};
