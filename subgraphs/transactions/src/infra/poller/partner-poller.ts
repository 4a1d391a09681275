import { BrokenCircuitError, type BulkheadPolicy, circuitBreaker, type CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { assertUnreachable } from '@clearhouse/kernel';
import { parsePollPage } from '../../domain/index.ts';
import type { IngestPartner } from '../../app/ingest-partners.ts';
import { addOutcome, emptyOutcome, type IngestDeps, type IngestOutcome } from '../../app/ingest.ts';
import { advanceCursor, ingestPollPage, savedCursor } from '../../app/poll-ingest.ts';
import { type CircuitName, ensurePollState, recordFailure, recordSuccess, releaseLease, saveCircuit, takeLease } from './poll-state.ts';
import { BadPageError, fetchPageText, ProviderHttpError, ProviderTimeoutError, ProviderUnreachableError } from './provider-client.ts';
import { withRetries } from './retries.ts';
import type { PollerSettings } from './settings.ts';

export type PollResult =
  | { ok: true; pages: number; outcome: IngestOutcome }
  | { ok: false; skipped: 'CIRCUIT_OPEN' | 'LEASED_ELSEWHERE' | 'RETRY_AFTER' | 'STOPPED' }
  | { ok: false; error: string };

/** Thrown into a poll that `stop()` interrupted; never counted as a provider failure. */
class PollerStoppedError extends Error {
  override name = 'PollerStoppedError';
}

function circuitName(state: CircuitState): CircuitName {
  switch (state) {
    case CircuitState.Closed:
      return 'CLOSED';
    case CircuitState.HalfOpen:
      return 'HALF_OPEN';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'OPEN';
    default:
      return assertUnreachable(state);
  }
}

/**
 * Polls one REST_POLL partner (DESIGN.md 3.4) on its interval, counted from the partner's creation. A
 * poll reads pages until the provider has nothing new; each page is stored with its next cursor in one
 * transaction. A failed poll is retried with exponential backoff and jitter, never sooner than a 429's
 * Retry-After; consecutive failed polls open the circuit, which refuses polls until one trial after
 * `halfOpenAfterMs`. The circuit state and the last error are kept in transactions.poll_state.
 */
export class PartnerPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PollResult> | null = null;
  private persisting: Promise<void> = Promise.resolve();
  private notBeforeMs = 0;
  private readonly abort = new AbortController();
  private readonly breaker: CircuitBreakerPolicy;

  constructor(
    private readonly deps: IngestDeps,
    readonly partner: IngestPartner,
    private readonly settings: PollerSettings,
    private readonly bulkhead: BulkheadPolicy,
    private readonly owner: string,
    private readonly log: (entry: Record<string, unknown>) => void,
  ) {
    this.breaker = circuitBreaker(handleWhen((error) => !this.stopping(error)), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.failuresToOpen),
    });
    this.breaker.onStateChange((state) => this.persist(() => saveCircuit(this.deps.sql, this.partnerId, circuitName(state))));
  }

  get partnerId(): string {
    return this.partner.partnerId;
  }

  async start(): Promise<void> {
    await ensurePollState(this.deps.sql, this.partnerId);
    // The breaker starts closed in a new process; the stored state must say so too.
    await saveCircuit(this.deps.sql, this.partnerId, 'CLOSED');
    this.schedule();
  }

  private stopping(error: unknown): boolean {
    return error instanceof PollerStoppedError || this.abort.signal.aborted;
  }

  /** Worth another attempt within this poll: the provider may answer next time. */
  private retryable(error: unknown): boolean {
    if (this.stopping(error)) return false;
    if (error instanceof ProviderTimeoutError || error instanceof ProviderUnreachableError) return true;
    if (!(error instanceof ProviderHttpError)) return false;
    const transient = error.status >= 500 || error.status === 408 || error.status === 429;
    return transient && (error.retryAfterMs ?? 0) <= this.settings.retryAfterWaitMaxMs;
  }

  /** Waits for a poll under way, then polls once more and returns what that poll did. */
  async pollNow(): Promise<PollResult> {
    while (this.running !== null) await this.running.catch(() => undefined);
    if (this.abort.signal.aborted) return { ok: false, skipped: 'STOPPED' };
    const run = this.bulkhead.execute(() => this.poll()).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  async stop(): Promise<void> {
    this.abort.abort(new PollerStoppedError('the poller is stopping'));
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // The abort ends a request or a backoff sleep at once; a page being stored is waited for.
    await this.running?.catch(() => undefined);
    await this.persisting;
  }

  /**
   * Polls run on the grid createdAt + k × interval (real wall clock). A poller that starts (a new
   * partner, or a restart) polls at once when the grid has begun, then at the grid's next point.
   */
  private schedule(): void {
    if (this.abort.signal.aborted || this.partner.poll === null || !this.settings.scheduled) return;
    const intervalMs = this.partner.poll.intervalSeconds * 1000;
    const createdMs = this.partner.createdAt.getTime();
    const nowMs = Date.now();
    let delayMs: number;
    if (nowMs < createdMs) delayMs = createdMs - nowMs;
    else if (this.timer === null) delayMs = 0;
    else delayMs = createdMs + (Math.floor((nowMs - createdMs) / intervalMs) + 1) * intervalMs - nowMs;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running === null) {
      const result = await this.pollNow().catch((error: unknown) => ({ ok: false as const, error: String(error) }));
      if (!result.ok && 'error' in result) this.log({ level: 'warn', msg: 'poll failed', partner: this.partner.code, error: result.error });
    }
    this.schedule();
  }

  private async poll(): Promise<PollResult> {
    if (this.abort.signal.aborted) return { ok: false, skipped: 'STOPPED' };
    if (Date.now() < this.notBeforeMs) return { ok: false, skipped: 'RETRY_AFTER' };
    if (!(await takeLease(this.deps.sql, this.partnerId, this.owner, this.settings.leaseMs))) return { ok: false, skipped: 'LEASED_ELSEWHERE' };
    try {
      const result = await this.breaker.execute(() =>
        withRetries(() => this.readPages(), { ...this.settings, retryable: (error) => this.retryable(error), signal: this.abort.signal }),
      );
      await recordSuccess(this.deps.sql, this.partnerId);
      return { ok: true, ...result };
    } catch (error) {
      if (this.abort.signal.aborted) return { ok: false, skipped: 'STOPPED' };
      if (error instanceof BrokenCircuitError) return { ok: false, skipped: 'CIRCUIT_OPEN' };
      if (error instanceof ProviderHttpError && error.retryAfterMs !== null) this.notBeforeMs = Date.now() + error.retryAfterMs;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await recordFailure(this.deps.sql, this.partnerId, message);
      return { ok: false, error: message };
    } finally {
      await this.persisting;
      await releaseLease(this.deps.sql, this.partnerId, this.owner);
    }
  }

  /** Pages from the saved cursor until the provider has nothing new, at most `pagesPerPollMax`. */
  private async readPages(): Promise<{ pages: number; outcome: IngestOutcome }> {
    const poll = this.partner.poll!;
    const outcome = emptyOutcome();
    let cursor = await savedCursor(this.deps.sql, this.partnerId);
    let pages = 0;
    while (pages < this.settings.pagesPerPollMax) {
      // The lease is renewed page by page, so a poller that died holds a partner for one lease at most.
      if (pages > 0 && !(await takeLease(this.deps.sql, this.partnerId, this.owner, this.settings.leaseMs))) break;
      const text = await fetchPageText({
        baseUrl: poll.url,
        apiKey: poll.apiKey,
        cursor,
        limit: this.settings.pageItemsMax,
        timeoutMs: this.settings.requestTimeoutMs,
        bytesMax: this.settings.pageBytesMax,
        signal: this.abort.signal,
      });
      const parsed = parsePollPage(text);
      if (!parsed.ok) throw new BadPageError(parsed.problem);
      pages += 1;
      const { candidates, nextCursor } = parsed.page;
      const moved = nextCursor !== null && nextCursor !== cursor;
      if (candidates.length === 0) {
        if (!moved) break;
        await advanceCursor(this.deps, this.partnerId, nextCursor);
      } else {
        // A null next_cursor means "nothing after this page": the cursor stays, and the page is read
        // again next time (its records are then duplicates) together with whatever follows it.
        addOutcome(outcome, await ingestPollPage(this.deps, this.partnerId, candidates, moved ? nextCursor : cursor));
        if (!moved) break;
      }
      cursor = nextCursor;
    }
    return { pages, outcome };
  }

  /** Bookkeeping writes in the order their events happened. */
  private persist(write: () => Promise<void>): void {
    this.persisting = this.persisting
      .then(() => (this.abort.signal.aborted ? undefined : write()))
      .catch((error: unknown) => this.log({ level: 'error', msg: 'poll state not saved', partner: this.partner.code, error: String(error) }));
  }
}
