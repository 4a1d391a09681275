import { Migration } from '@mikro-orm/migrations';

/**
 * The state of the ECB feed poller (subgraphs/fx/src/infra/feed), one row per configured feed: what
 * fxFeedStatus shows, whichever replica answers, and a lease so that with several replicas of the FX
 * subgraph one polls at a time.
 */
export class Migration0004Fx extends Migration {
  override name = 'Migration0004Fx';

  override up(): void {
    this.addSql(`create table fx.feed_state (
      feed text primary key,
      url text not null,
      interval_seconds integer not null check (interval_seconds > 0),
      circuit text not null default 'CLOSED' check (circuit in ('CLOSED', 'OPEN', 'HALF_OPEN', 'ISOLATED')),
      consecutive_failures integer not null default 0,
      last_polled_at timestamptz,
      last_success_at timestamptz,
      last_outcome jsonb,
      last_error text,
      last_error_code text,
      last_error_at timestamptz,
      retry_not_before timestamptz,
      lease_owner text,
      leased_until timestamptz,
      updated_at timestamptz not null default now())`);
  }
}
