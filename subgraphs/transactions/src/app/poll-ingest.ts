import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import type { Candidate } from '../domain/index.ts';
import { ingestWithHooks, type IngestDeps, type IngestOutcome } from './ingest.ts';

export const pollSource = 'REST_POLL';

async function saveCursor(tx: Sql | TransactionSql, partnerId: string, cursor: string | null): Promise<void> {
  await tx`
    insert into transactions.poll_state (partner_id, cursor, last_polled_at, updated_at) values (${partnerId}, ${cursor}, now(), now())
    on conflict (partner_id) do update set cursor = excluded.cursor, last_polled_at = now(), updated_at = now()`;
}

/**
 * DESIGN.md 3.4: a page is stored and its next cursor saved in ONE transaction. The cursor can then
 * never be ahead of what is stored (a crash before the commit re-reads the page: its records are
 * duplicates), nor behind it.
 */
export async function ingestPollPage(deps: IngestDeps, partnerId: string, candidates: readonly Candidate[], nextCursor: string | null): Promise<IngestOutcome> {
  const outcome = await ingestWithHooks(deps, partnerId, candidates, pollSource, { beforeCommit: (tx) => saveCursor(tx, partnerId, nextCursor) });
  return outcome!;
}

/** An empty page that moves the cursor on: nothing to store with it. */
export async function advanceCursor(deps: IngestDeps, partnerId: string, nextCursor: string): Promise<void> {
  await saveCursor(deps.sql, partnerId, nextCursor);
}

export async function savedCursor(sql: Sql, partnerId: string): Promise<string | null> {
  const [row] = await sql`select cursor from transactions.poll_state where partner_id = ${partnerId}`;
  return (row?.cursor as string | null | undefined) ?? null;
}
