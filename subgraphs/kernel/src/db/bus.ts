import type postgres from 'postgres';
import type { Topic } from '../events.ts';
import type { Sql } from './connect.ts';

export interface BusEvent<T = unknown> {
  id: number;
  topic: Topic;
  partnerId: string | null;
  payload: T;
  createdAt: Date;
}

export interface NewBusEvent {
  topic: Topic;
  partnerId: string | null;
  payload: unknown;
}

export const busChannel = 'clearhouse_bus';
export const busReadBatchMax = 1000;

export type Tx = Sql | postgres.TransactionSql<Record<string, never>>;

/**
 * Runs one SQL text with `?` placeholders inside the caller's transaction: the `postgres` client and a
 * MikroORM EntityManager both provide one, so the bus needs no second connection.
 */
export type SqlExecutor = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export function postgresExecutor(tx: Tx): SqlExecutor {
  return async (text, params) => {
    let index = 0;
    const numbered = text.replace(/\?/g, () => `$${++index}`);
    return (await tx.unsafe(numbered, params as postgres.ParameterOrJSON<never>[])) as unknown as Record<string, unknown>[];
  };
}

/**
 * Appends events inside the caller's transaction. The head row's lock is held until that transaction
 * ends, so ids are handed out in commit order and without gaps: a reader following ids never skips a
 * row that commits late. NOTIFY is only a wake-up, delivered at commit.
 */
export async function appendEvents(execute: SqlExecutor, events: NewBusEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  // One JSON parameter rather than arrays: MikroORM's executor expands array parameters into lists.
  // Each row carries its place in the list; its id is the head's new last id less what follows it.
  const rows = events.map((event, index) => ({ place: index + 1, topic: event.topic, partner_id: event.partnerId, payload: event.payload }));
  // One statement, one round trip, however busy the caller's event loop: the head row stays locked from
  // here to the end of the transaction, and every round trip in between would hold up all other writers.
  const [head] = await execute(
    `with head as (update bus.event_head set last_id = last_id + ? returning last_id),
       added as (
         insert into bus.events (id, topic, partner_id, payload)
         select head.last_id - ? + r.place, r.topic, r.partner_id, r.payload
         from head, jsonb_to_recordset(?::text::jsonb) as r(place bigint, topic text, partner_id uuid, payload jsonb))
     select last_id, pg_notify(?, last_id::text) from head`,
    [events.length, events.length, JSON.stringify(rows), busChannel],
  );
  const lastId = Number(head!.last_id);
  const firstId = lastId - events.length + 1;
  return events.map((_, index) => firstId + index);
}

/** Reads committed events after `afterId`, in id order, at most `limit`. */
export async function readEvents(sql: Tx, afterId: number, topics: readonly Topic[] | null, limit = busReadBatchMax): Promise<BusEvent[]> {
  const rows = topics
    ? await sql`
        select id, topic, partner_id, payload, created_at from bus.events
        where id > ${afterId} and topic = any(${topics as string[]})
        order by id limit ${limit}`
    : await sql`
        select id, topic, partner_id, payload, created_at from bus.events
        where id > ${afterId} order by id limit ${limit}`;
  return rows.map((row) => ({
    id: Number(row.id),
    topic: row.topic as Topic,
    partnerId: row.partner_id as string | null,
    payload: row.payload,
    createdAt: row.created_at as Date,
  }));
}

/** The id of the last event appended so far (committed or not yet visible). */
export async function lastEventId(sql: Tx): Promise<number> {
  const [row] = await sql`select last_id from bus.event_head`;
  return Number(row!.last_id);
}
