import type postgres from 'postgres';
import type { Topic } from '../events.ts';
import { type BusEvent, busChannel, readEvents } from './bus.ts';
import type { Sql } from './connect.ts';

export type TransactionSql = postgres.TransactionSql<Record<string, never>>;

export interface ConsumerOptions {
  sql: Sql;
  /** Consumer name, the key of its offset row. */
  name: string;
  /** Table (schema-qualified) holding this subgraph's offsets: (consumer text primary key, last_event_id bigint). */
  offsetsTable: string;
  topics: readonly Topic[];
  /** Applies a batch inside the transaction that also stores the new offset: exactly once. */
  handle: (tx: TransactionSql, events: BusEvent[]) => Promise<void>;
  /** Runs after each committed batch (publish what the batch announced). */
  afterCommit?: (events: BusEvent[]) => void | Promise<void>;
  batchMax?: number;
  /** Fallback poll when no NOTIFY arrives (a NOTIFY sent while disconnected is lost). */
  pollIntervalMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningConsumer {
  /** Resolves once every event committed before the call has been applied. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows the bus. The offset row is locked for the batch's transaction, so two instances of one
 * consumer never apply the same events; the offset commits with the state it produced.
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const batchMax = options.batchMax ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const log = options.log ?? (() => {});
  await options.sql.unsafe(`insert into ${options.offsetsTable} (consumer, last_event_id) values ($1, 0) on conflict do nothing`, [options.name]);

  let stopped = false;
  let wake: (() => void) | null = null;
  let running: Promise<void> = Promise.resolve();
  const waiters: { target: number; resolve: () => void }[] = [];
  let appliedThrough = 0;

  const listener = await options.sql.listen(busChannel, () => wake?.());

  async function step(): Promise<number> {
    const previous = appliedThrough;
    let applied: BusEvent[] = [];
    let reachedId = 0;
    await options.sql.begin(async (tx) => {
      const [offset] = await tx.unsafe(`select last_event_id from ${options.offsetsTable} where consumer = $1 for update`, [options.name]);
      const afterId = Number(offset!.last_event_id);
      // Every topic is read (and the offset moves past all of them) so drain() can tell when it is
      // caught up; only this consumer's topics are handled.
      const read = await readEvents(tx, afterId, null, batchMax);
      const events = read.filter((event) => options.topics.includes(event.topic));
      reachedId = read.at(-1)?.id ?? afterId;
      if (events.length > 0) await options.handle(tx, events);
      if (reachedId > afterId) await tx.unsafe(`update ${options.offsetsTable} set last_event_id = $2 where consumer = $1`, [options.name, reachedId]);
      applied = events;
    });
    appliedThrough = Math.max(appliedThrough, reachedId);
    if (applied.length > 0) await options.afterCommit?.(applied);
    for (const waiter of waiters.splice(0)) {
      if (waiter.target <= appliedThrough) waiter.resolve();
      else waiters.push(waiter);
    }
    return reachedId > previous ? 1 : 0;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let count = 0;
      try {
        count = await step();
      } catch (error) {
        log({ level: 'error', msg: 'consumer batch failed; retrying', consumer: options.name, error: String((error as Error)?.stack ?? error) });
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
        continue;
      }
      if (count > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  running = loop();

  return {
    async drain() {
      const [head] = await options.sql`select last_id from bus.event_head`;
      const target = Number(head!.last_id);
      if (target <= appliedThrough) return;
      await new Promise<void>((resolve) => {
        waiters.push({ target, resolve });
        wake?.();
      });
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await listener.unlisten();
    },
  };
}
