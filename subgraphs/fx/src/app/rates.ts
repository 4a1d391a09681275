import { ClearhouseError, FxTable, fxFallbackDaysMax, topics, type FxRateSetEvent } from '@clearhouse/kernel';
import { appendEvents, postgresExecutor, type Sql, type TransactionSql } from '@clearhouse/kernel/db/index';
import { parseEcbXml, type EcbDocument } from '../domain/ecb-xml.ts';
import { judgeBatch, type HeldFixing } from '../domain/fixing-batch.ts';
import type { FxFixing } from '../domain/fixing.ts';
import type { RatePolicy } from '../domain/rate-policy.ts';
import type { SkippedCurrency } from '../domain/retired-currencies.ts';

export type { HeldFixing } from '../domain/fixing-batch.ts';

export interface FxDeps {
  sql: Sql;
  policy: RatePolicy;
}

export interface ImportOutcome {
  applied: number;
  unchanged: number;
  held: HeldFixing[];
  /** Retired currencies of a historical file, left out (ECB XML only). */
  skipped: SkippedCurrency[];
}

/** Where a fixing came from, stored beside it. */
export type FixingSource = 'ECB_XML' | 'ECB_FEED' | 'MANUAL';

/** One lock for every writer of fx.rates, so two imports never judge against each other's half. */
const ratesLockKey = 'clearhouse.fx.rates';

/**
 * What a batch is judged against: per currency, every stored fixing from the batch's first date on,
 * and the latest one before it. Bounded by the batch's span, not by the whole history.
 */
async function storedAround(tx: TransactionSql, fixings: readonly FxFixing[]): Promise<FxFixing[]> {
  const currencies = [...new Set(fixings.map((fixing) => fixing.currency))];
  const firstDate = fixings.reduce((first, fixing) => (fixing.date < first ? fixing.date : first), fixings[0]!.date);
  const rows = await tx`
    select date::text as date, currency, rate::text as rate from fx.rates where currency = any(${currencies}::text[]) and date >= ${firstDate}
    union all
    (select distinct on (currency) date::text as date, currency, rate::text as rate from fx.rates
     where currency = any(${currencies}::text[]) and date < ${firstDate} order by currency, date desc)`;
  return rows.map((row) => ({ date: row.date as string, currency: row.currency as string, rate: row.rate as string }));
}

/**
 * Judges a batch (domain/fixing-batch.ts) and writes the outcome in the caller's transaction: applied
 * fixings are stored and announced on the bus (the settlements subgraph keeps its own copy and re-rates
 * what they touch) in this same transaction; jumps beyond the policy are held for confirmation.
 */
async function applyFixings(tx: TransactionSql, fixings: FxFixing[], source: string, policy: RatePolicy, confirmed: boolean): Promise<Omit<ImportOutcome, 'skipped'>> {
  if (fixings.length === 0) return { applied: 0, unchanged: 0, held: [] };
  await tx`select pg_advisory_xact_lock(hashtext(${ratesLockKey}))`;
  const decision = judgeBatch(fixings, await storedAround(tx, fixings), policy, confirmed);
  const { apply, hold } = decision;
  if (hold.length > 0) {
    await tx`
      insert into fx.held_rates (date, currency, rate, previous_rate, jump, source)
      select date, currency, rate::numeric, previous_rate::numeric, jump::numeric, ${source}
      from unnest(${hold.map((f) => f.date)}::date[], ${hold.map((f) => f.currency)}::text[], ${hold.map((f) => f.rate)}::text[],
                  ${hold.map((f) => f.previousRate)}::text[], ${hold.map((f) => f.jump)}::text[]) as h(date, currency, rate, previous_rate, jump)
      on conflict (date, currency) do update set rate = excluded.rate, previous_rate = excluded.previous_rate, jump = excluded.jump, source = excluded.source, created_at = now()`;
  }
  if (apply.length > 0) {
    const dates = apply.map((f) => f.date);
    const currencies = apply.map((f) => f.currency);
    await tx`
      insert into fx.rates (date, currency, rate, source)
      select date, currency, rate::numeric, ${source} from unnest(${dates}::date[], ${currencies}::text[], ${apply.map((f) => f.rate)}::text[]) as a(date, currency, rate)
      on conflict (date, currency) do update set rate = excluded.rate, source = excluded.source, created_at = now()`;
    await tx`
      delete from fx.held_rates h using unnest(${dates}::date[], ${currencies}::text[]) as a(date, currency)
      where h.date = a.date and h.currency = a.currency`;
    const events = apply.map((fixing) => ({ topic: topics.fxRateSet, partnerId: null, payload: { ...fixing, source } satisfies FxRateSetEvent }));
    await appendEvents(postgresExecutor(tx), events);
  }
  return { applied: apply.length, unchanged: decision.unchanged, held: hold };
}

/**
 * An ECB eurofxref XML file (daily or historical). All or nothing: one bad entry rejects the file and
 * changes nothing. Errors: BAD_INPUT (malformed document, bad date), INVALID_RATE (unknown currency,
 * malformed, zero or negative rate), each naming the date and currency.
 */
export async function importFxRates(deps: FxDeps, xml: string): Promise<ImportOutcome> {
  return importEcbDocument(deps, parseEcbXml(xml), 'ECB_XML');
}

/** An ECB document already read (the feed reads it within its circuit breaker). */
export async function importEcbDocument(deps: FxDeps, document: EcbDocument, source: FixingSource): Promise<ImportOutcome> {
  const outcome = await deps.sql.begin((tx) => applyFixings(tx, document.fixings, source, deps.policy, false));
  return { ...outcome, skipped: document.skipped };
}

/** A manual fixing (FINANCE); `confirm` applies it even beyond the jump threshold. Errors: BAD_INPUT, INVALID_RATE. */
export async function setFxRate(deps: FxDeps, fixing: FxFixing, confirm: boolean): Promise<ImportOutcome> {
  const outcome = await deps.sql.begin((tx) => applyFixings(tx, [fixing], 'MANUAL', deps.policy, confirm));
  return { ...outcome, skipped: [] };
}

/** Applies a held fixing as it was held. Errors: NOT_FOUND. */
export async function confirmHeldRate(deps: FxDeps, date: string, currency: string): Promise<ImportOutcome> {
  const outcome = await deps.sql.begin(async (tx) => {
    const [held] = await tx`select date::text as date, currency, rate::text as rate, source from fx.held_rates where date = ${date} and currency = ${currency}`;
    if (!held) throw new ClearhouseError('NOT_FOUND', `No fixing of ${currency} on ${date} is held.`, { date, currency });
    const fixing = { date: held.date as string, currency: held.currency as string, rate: held.rate as string };
    return applyFixings(tx, [fixing], `${held.source as string}+CONFIRMED`, deps.policy, true);
  });
  return { ...outcome, skipped: [] };
}

/** Held fixings listed at once: far more than a day's feed can hold, and each needs a person's look anyway. */
export const heldRatesListedMax = 1000;

/** The held fixings, oldest first, at most heldRatesListedMax. */
export async function heldRates(sql: Sql): Promise<HeldFixing[]> {
  const rows = await sql`
    select date::text as date, currency, rate::text as rate, previous_rate::text as previous_rate, jump::text as jump
    from fx.held_rates order by date, currency limit ${heldRatesListedMax}`;
  return rows.map((row) => ({ date: row.date, currency: row.currency, rate: row.rate, previousRate: row.previous_rate, jump: row.jump }) as HeldFixing);
}

/** The fixings of the given currencies dated within the fallback window up to the latest of `dates`. */
export async function fxTableFor(sql: Sql, currencies: string[], dates: string[]): Promise<FxTable> {
  const first = dates.reduce((a, b) => (a < b ? a : b));
  const last = dates.reduce((a, b) => (a > b ? a : b));
  const rows = await sql`
    select date::text as date, currency, rate::text as rate from fx.rates
    where currency = any(${currencies}::text[]) and date <= ${last} and date >= ${first}::date - ${fxFallbackDaysMax}::int`;
  return FxTable.of(rows.map((row) => ({ date: row.date as string, currency: row.currency as string, rate: row.rate as string })));
}
