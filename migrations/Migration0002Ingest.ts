import { Migration } from '@mikro-orm/migrations';

/**
 * What the ingest endpoints and the REST poller keep beside the tables of Migration0001Initial: the
 * poller's failure bookkeeping (shown by pollerStatus with the circuit state) and its lease (with
 * several replicas of the transactions subgraph, one polls a partner at a time).
 */
export class Migration0002Ingest extends Migration {
  override name = 'Migration0002Ingest';

  override up(): void {
    this.addSql(`alter table transactions.poll_state
      add column consecutive_failures integer not null default 0,
      add column last_error_at timestamptz,
      add column last_success_at timestamptz,
      add column lease_owner text,
      add column leased_until timestamptz`);
  }
}
