import { Migration } from '@mikro-orm/migrations';

/**
 * What the settlements lifecycle keeps beside the tables of Migration0001Initial (DESIGN.md 5.5, 5.6):
 * manual and FX-correction adjustments with their maker-checker decision, the hash-chained ledger with
 * a head row (the recorded head that makes a cut-off tail visible, and the lock that keeps sequence
 * numbers gap-free; runs after Migration0003Security so the ledger's revoke holds), and prior-period adjustments of back-filled history that never had a period.
 */
export class Migration0003Settlements extends Migration {
  override name = 'Migration0003Settlements';

  override up(): void {
    this.addSql(`create table settlements.adjustments (
      id uuid primary key,
      partner_id uuid not null,
      -- Null only for an FX correction waiting for the partner's next period to open.
      period_id uuid references settlements.periods (id),
      amount numeric not null,
      currency text not null,
      reason text not null,
      source text not null default 'MANUAL' check (source in ('MANUAL', 'FX_CORRECTION')),
      author_id text not null,
      created_at timestamptz not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'REJECTED')),
      decided_by text,
      decided_at timestamptz)`);
    this.addSql(`create index adjustments_period on settlements.adjustments (period_id)`);

    this.addSql(`create table settlements.ledger_head (
      singleton boolean primary key default true check (singleton),
      last_seq bigint not null,
      last_hash text not null)`);
    this.addSql(`insert into settlements.ledger_head values (true, 0, '${'0'.repeat(64)}')`);
    this.addSql(`create table settlements.ledger_entries (
      seq bigint primary key,
      kind text not null,
      partner_id uuid not null,
      period_id uuid not null,
      currency text not null,
      reference text not null,
      posted_at text not null,
      lines jsonb not null,
      prev_hash text not null,
      hash text not null)`);
    this.addSql(`create index ledger_entries_period on settlements.ledger_entries (period_id)`);
    // The services append to the ledger and never rewrite it (Migration0003Security grants the rest).
    this.addSql(`do $$ begin
      if exists (select from pg_roles where rolname = 'clearhouse_app') then
        revoke update, delete, truncate on settlements.ledger_entries from clearhouse_app;
      end if;
    end $$`);

    this.addSql(`alter table settlements.prior_period_adjustments alter column original_period_id drop not null`);
    this.addSql(`create index prior_period_adjustments_counted on settlements.prior_period_adjustments (partner_id, counted_bucket_start)`);
    this.addSql(`create index periods_status_end on settlements.periods (status, end_at)`);
  }
}
