import { ClearhouseError, FxTable, topics } from '@clearhouse/kernel';
import { appendEvents, postgresExecutor, type Sql, type TransactionSql } from '@clearhouse/kernel/db/index';
import { parseEcbXml } from '../domain/ecb-xml.ts';
import { checkFixing, type FxFixing } from '../domain/fixing.ts';
import { judgeFixing, type RatePolicy } from '../domain/rate-policy.ts';

export interface FxDeps {
  sql: Sql;
  policy: RatePolicy;
}

export interface HeldFixing extends FxFixing {
  previousRate: string;
  jump: string;
}

export interface ImportOutcome {
  applied: number;
  unchanged: number;
  held: HeldFixing[];
}

async function previousFixing(tx: TransactionSql, fixing: FxFixing): Promise<FxFixing | null> {
  const [row] = await tx`
    select date::text as date, currency, rate::text as rate from fx.rates
    where currency = ${fixing.currency} and date <= ${fixing.date} order by date desc limit 1`;
  return row ? { date: row.date as string, currency: row.currency as string, rate: row.rate as string } : null;
}

/**
 * Applies fixings in date order inside one transaction: each is judged against the latest fixing of
 * its currency before it; a jump beyond the policy is held for confirmation, the rest are stored and
 * announced on the bus (the settlements subgraph keeps its own copy and re-rates what they touch).
 */
async function applyFixings(tx: TransactionSql, fixings: FxFixing[], source: string, policy: RatePolicy, confirmed: boolean): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { applied: 0, unchanged: 0, held: [] };
  const events = [];
  const sorted = [...fixings].sort((a, b) => (a.date === b.date ? a.currency.localeCompare(b.currency) : a.date.localeCompare(b.date)));
  for (const fixing of sorted) {
    const previous = await previousFixing(tx, fixing);
    if (previous && previous.date === fixing.date && checkFixing(previous).equals(checkFixing(fixing))) {
      outcome.unchanged += 1;
      continue;
    }
    const decision = confirmed ? { decision: 'APPLY' as const } : judgeFixing(fixing, previous, policy);
    if (decision.decision === 'HOLD') {
      const held = { ...fixing, previousRate: decision.previous.rate, jump: decision.jump.toFixed() };
      await tx`
        insert into fx.held_rates (date, currency, rate, previous_rate, jump, source)
        values (${fixing.date}, ${fixing.currency}, ${fixing.rate}, ${held.previousRate}, ${held.jump}, ${source})
        on conflict (date, currency) do update set rate = excluded.rate, previous_rate = excluded.previous_rate, jump = excluded.jump, source = excluded.source`;
      outcome.held.push(held);
      continue;
    }
    await tx`
      insert into fx.rates (date, currency, rate, source) values (${fixing.date}, ${fixing.currency}, ${fixing.rate}, ${source})
      on conflict (date, currency) do update set rate = excluded.rate, source = excluded.source, created_at = now()`;
    await tx`delete from fx.held_rates where date = ${fixing.date} and currency = ${fixing.currency}`;
    events.push({ topic: topics.fxRateSet, partnerId: null, payload: { date: fixing.date, currency: fixing.currency, rate: fixing.rate, source } });
    outcome.applied += 1;
  }
  await appendEvents(postgresExecutor(tx), events);
  return outcome;
}

/** ECB eurofxref XML (daily or historical). All or nothing: one bad entry rejects the file. */
export async function importFxRates(deps: FxDeps, xml: string): Promise<ImportOutcome> {
  const fixings = parseEcbXml(xml);
  return deps.sql.begin((tx) => applyFixings(tx, fixings, 'ECB_XML', deps.policy, false));
}

/** A manual fixing (FINANCE); `confirm` applies it even beyond the jump threshold. */
export async function setFxRate(deps: FxDeps, fixing: FxFixing, confirm: boolean): Promise<ImportOutcome> {
  checkFixing(fixing);
  return deps.sql.begin((tx) => applyFixings(tx, [fixing], 'MANUAL', deps.policy, confirm));
}

/** Applies a held fixing as it was held. Errors: NOT_FOUND. */
export async function confirmHeldRate(deps: FxDeps, date: string, currency: string): Promise<ImportOutcome> {
  return deps.sql.begin(async (tx) => {
    const [held] = await tx`select date::text as date, currency, rate::text as rate, source from fx.held_rates where date = ${date} and currency = ${currency}`;
    if (!held) throw new ClearhouseError('NOT_FOUND', 'no held fixing for that date and currency');
    return applyFixings(tx, [{ date: held.date as string, currency: held.currency as string, rate: held.rate as string }], `${held.source}+CONFIRMED`, deps.policy, true);
  });
}

export async function heldRates(sql: Sql): Promise<HeldFixing[]> {
  const rows = await sql`select date::text as date, currency, rate::text as rate, previous_rate::text as previous_rate, jump::text as jump from fx.held_rates order by date, currency`;
  return rows.map((row) => ({ date: row.date, currency: row.currency, rate: row.rate, previousRate: row.previous_rate, jump: row.jump }) as HeldFixing);
}

/** The fixings of the given currencies dated within the fallback window before `date`. */
export async function fxTableFor(sql: Sql, currencies: string[], date: string): Promise<FxTable> {
  const rows = await sql`
    select date::text as date, currency, rate::text as rate from fx.rates
    where currency = any(${currencies}::text[]) and date <= ${date} and date >= ${date}::date - 7`;
  return FxTable.of(rows.map((row) => ({ date: row.date as string, currency: row.currency as string, rate: row.rate as string })));
}
