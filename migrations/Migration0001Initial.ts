import { Migration } from '@mikro-orm/migrations';

/**
 * One PostgreSQL schema per subgraph, plus `bus` (the internal event log every subgraph may append to
 * and read from: the one sanctioned crossing besides federation) and `audit` (append-only).
 */
export class Migration0001Initial extends Migration {
  override name = 'Migration0001Initial';

  override up(): void {
    for (const schema of ['bus', 'audit', 'partners', 'transactions', 'settlements', 'fx']) {
      this.addSql(`create schema if not exists ${schema}`);
    }

    // The event log. Appenders take the single head row's lock for the rest of their transaction, so
    // ids are handed out in commit order and without gaps: a reader following ids never skips a row
    // that commits late.
    this.addSql(`create table bus.event_head (singleton boolean primary key default true check (singleton), last_id bigint not null)`);
    this.addSql(`insert into bus.event_head values (true, 0)`);
    this.addSql(`create table bus.events (
      id bigint primary key,
      topic text not null,
      partner_id uuid,
      payload jsonb not null,
      created_at timestamptz not null default now())`);

    this.addSql(`create table partners.partners (
      id uuid primary key,
      code text not null unique,
      name text not null,
      kind text not null,
      timezone text not null,
      adapter_type text not null,
      poll_url text,
      poll_api_key text,
      poll_interval_seconds integer,
      created_at timestamptz not null default now())`);
    this.addSql(`create table partners.games (
      partner_id uuid not null references partners.partners(id),
      code text not null,
      name text not null,
      category text not null,
      declared_rtp numeric not null,
      primary key (partner_id, code))`);
    this.addSql(`create table partners.contract_versions (
      id uuid primary key,
      partner_id uuid not null references partners.partners(id),
      effective_from date not null,
      terms jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      unique (partner_id, effective_from))`);
    this.addSql(`create table partners.ingest_secrets (
      partner_id uuid not null references partners.partners(id),
      secret text not null,
      created_at timestamptz not null default now())`);

    this.addSql(`create table transactions.partners (
      partner_id uuid primary key,
      code text not null unique,
      timezone text not null,
      adapter jsonb not null,
      secrets text[] not null default '{}',
      created_at timestamptz not null)`);
    this.addSql(`create table transactions.games (
      partner_id uuid not null,
      code text not null,
      primary key (partner_id, code))`);
    this.addSql(`create table transactions.transactions (
      partner_id uuid not null,
      external_id text not null,
      round_id text not null,
      player_id text not null,
      game_code text not null,
      kind text not null,
      funding text not null,
      amount numeric not null,
      currency text not null,
      occurred_at timestamptz not null,
      refers_to text,
      status text not null,
      received_at timestamptz not null,
      source text not null,
      -- Kept only while a rollback is HELD: if its original later fails it, it is quarantined with it.
      raw text,
      line integer,
      primary key (partner_id, external_id))`);
    this.addSql(`create index transactions_held on transactions.transactions (partner_id, refers_to) where status = 'HELD'`);
    this.addSql(`create table transactions.rounds (
      partner_id uuid not null,
      round_id text not null,
      primary key (partner_id, round_id))`);
    this.addSql(`create table transactions.quarantine (
      id bigserial primary key,
      partner_id uuid not null,
      external_id text,
      reason text not null,
      detail text not null,
      raw text not null,
      line integer,
      source text not null,
      received_at timestamptz not null,
      replayed_at timestamptz,
      replay_outcome text)`);
    this.addSql(`create index quarantine_partner_reason on transactions.quarantine (partner_id, reason) where replayed_at is null`);
    this.addSql(`create table transactions.ingest_stats (
      partner_id uuid primary key,
      accepted bigint not null default 0,
      duplicates bigint not null default 0,
      quarantined bigint not null default 0)`);
    this.addSql(`create table transactions.webhook_ids (
      partner_id uuid not null,
      webhook_id text not null,
      received_at timestamptz not null default now(),
      primary key (partner_id, webhook_id))`);
    this.addSql(`create table transactions.poll_state (
      partner_id uuid primary key,
      cursor text,
      circuit text not null default 'CLOSED',
      last_error text,
      last_polled_at timestamptz,
      updated_at timestamptz not null default now())`);
    this.addSql(`create table transactions.consumer_offsets (consumer text primary key, last_event_id bigint not null)`);

    this.addSql(`create table settlements.partners (
      partner_id uuid primary key,
      code text not null,
      name text not null,
      timezone text not null)`);
    this.addSql(`create table settlements.games (
      partner_id uuid not null,
      code text not null,
      category text not null,
      primary key (partner_id, code))`);
    this.addSql(`create table settlements.contract_versions (
      partner_id uuid not null,
      effective_from date not null,
      terms jsonb not null,
      primary key (partner_id, effective_from))`);
    this.addSql(`create table settlements.fx_rates (
      date date not null,
      currency text not null,
      rate numeric not null,
      primary key (date, currency))`);
    this.addSql(`create table settlements.buckets (
      partner_id uuid not null,
      game_code text not null,
      currency text not null,
      bucket_start timestamptz not null,
      cash_stake numeric not null default 0,
      bonus_stake numeric not null default 0,
      cash_win numeric not null default 0,
      bonus_win numeric not null default 0,
      jackpot_contribution numeric not null default 0,
      jackpot_win numeric not null default 0,
      transactions bigint not null default 0,
      rounds bigint not null default 0,
      primary key (partner_id, bucket_start, game_code, currency))`);
    this.addSql(`create table settlements.periods (
      id uuid primary key,
      partner_id uuid not null,
      start_at timestamptz not null,
      end_at timestamptz not null,
      status text not null default 'OPEN',
      figures jsonb,
      statement jsonb,
      closed_by text,
      closed_at timestamptz,
      approved_by text,
      approved_at timestamptz,
      payment_reference text,
      paid_at timestamptz,
      updated_at timestamptz not null default now(),
      unique (partner_id, start_at))`);
    this.addSql(`create table settlements.partner_sequences (partner_id uuid primary key, last_seq bigint not null)`);
    this.addSql(`create table settlements.deltas (
      id bigserial primary key,
      partner_id uuid not null,
      seq bigint not null,
      period_id uuid not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      unique (partner_id, seq))`);
    this.addSql(`create table settlements.prior_period_adjustments (
      id bigserial primary key,
      partner_id uuid not null,
      original_period_id uuid not null,
      game_code text not null,
      currency text not null,
      original_bucket_start timestamptz not null,
      counted_bucket_start timestamptz not null,
      delta jsonb not null,
      created_at timestamptz not null default now())`);
    this.addSql(`create table settlements.consumer_offsets (consumer text primary key, last_event_id bigint not null)`);

    this.addSql(`create table fx.rates (
      date date not null,
      currency text not null,
      rate numeric not null,
      source text not null,
      created_at timestamptz not null default now(),
      primary key (date, currency))`);

    this.addSql(`create table fx.held_rates (
      date date not null,
      currency text not null,
      rate numeric not null,
      previous_rate numeric not null,
      jump numeric not null,
      source text not null,
      created_at timestamptz not null default now(),
      primary key (date, currency))`);

    this.addSql(`create table audit.log (
      seq bigint primary key,
      at timestamptz not null,
      actor text not null,
      roles text[] not null,
      action text not null,
      object text,
      result text not null,
      origin text,
      request_id text,
      details jsonb not null default '{}',
      prev_hash text not null,
      hash text not null)`);
    // Append-only for everyone who does not disable the trigger (only a superuser can); the hash
    // chain detects what a superuser alters anyway.
    this.addSql(`create function audit.refuse_change() returns trigger language plpgsql as $$
      begin raise exception 'audit.log is append-only'; end $$`);
    this.addSql(`create trigger audit_log_append_only before update or delete on audit.log
      for each row execute function audit.refuse_change()`);
  }
}
