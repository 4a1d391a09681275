import type { Sql } from '@clearhouse/kernel/db/index';

/**
 * The poller's bookkeeping in transactions.poll_state, read by the pollerStatus query: the circuit
 * state, the last error, and a lease so that with several replicas of this subgraph one polls a
 * partner at a time. (The cursor itself is written with its page, app/poll-ingest.ts.)
 */
export type CircuitName = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Error texts are cut to this: they come from outside and are shown in the API. */
export const lastErrorCharsMax = 500;

export async function ensurePollState(sql: Sql, partnerId: string): Promise<void> {
  await sql`insert into transactions.poll_state (partner_id) values (${partnerId}) on conflict do nothing`;
}

export async function saveCircuit(sql: Sql, partnerId: string, circuit: CircuitName): Promise<void> {
  await sql`update transactions.poll_state set circuit = ${circuit}, updated_at = now() where partner_id = ${partnerId}`;
}

export async function recordSuccess(sql: Sql, partnerId: string): Promise<void> {
  await sql`
    update transactions.poll_state set consecutive_failures = 0, last_success_at = now(), last_polled_at = now(), updated_at = now()
    where partner_id = ${partnerId}`;
}

export async function recordFailure(sql: Sql, partnerId: string, message: string): Promise<void> {
  await sql`
    update transactions.poll_state set consecutive_failures = consecutive_failures + 1, last_error = ${message.slice(0, lastErrorCharsMax)},
      last_error_at = now(), last_polled_at = now(), updated_at = now()
    where partner_id = ${partnerId}`;
}

/** Takes (or renews) the partner's lease for `ttlMs`; false when another instance holds it. */
export async function takeLease(sql: Sql, partnerId: string, owner: string, ttlMs: number): Promise<boolean> {
  const rows = await sql`
    update transactions.poll_state set lease_owner = ${owner}, leased_until = now() + ${ttlMs} * interval '1 millisecond'
    where partner_id = ${partnerId} and (leased_until is null or leased_until < now() or lease_owner = ${owner})
    returning partner_id`;
  return rows.length === 1;
}

export async function releaseLease(sql: Sql, partnerId: string, owner: string): Promise<void> {
  await sql`update transactions.poll_state set leased_until = null where partner_id = ${partnerId} and lease_owner = ${owner}`;
}
