import { ClearhouseError, dec, decimalToString, isIsoDate, parseDecimal, type Decimal } from '@clearhouse/kernel';
import type { Sql } from '@clearhouse/kernel/db/index';
import {
  parseProviderDailyReport, providerDailyReportLinesMax, reconcileDaily, type DailyDifference, type OurDailyRow, type RejectedLine,
} from '../domain/statement/index.ts';
import { priorPeriodsPerDayMax, priorPeriodsTouching } from '../infra/prior-period-store.ts';
import { isId } from './period-access.ts';

/**
 * Daily reconciliation (DESIGN.md 5.6): the provider's report of one UTC day against our buckets of
 * that day, per game and currency, in the transactions' own currency. Late data that counted in a
 * later period (a prior-period adjustment) is compared on the day it happened, not the day it arrived.
 * Rounds are summed over the day's 15-minute buckets, so a round spanning two buckets counts twice.
 */
export interface DailyReconciliation {
  partnerId: string;
  date: string;
  providerRows: number;
  ourRows: number;
  differences: DailyDifference[];
  rejectedLines: RejectedLine[];
}

const dayMs = 86_400_000;

interface Sums {
  stake: Decimal;
  win: Decimal;
  rounds: number;
}

/** Errors: NOT_FOUND (no such partner), BAD_INPUT (date, tolerance, header), LIMIT_EXCEEDED. */
export async function reconcileProviderReport(
  sql: Sql,
  input: { partnerId: string; date: string; csv: string; tolerance?: string | null },
): Promise<DailyReconciliation> {
  if (!isIsoDate(input.date)) throw new ClearhouseError('BAD_INPUT', 'date must be YYYY-MM-DD', { field: 'date' });
  const tolerance = input.tolerance == null ? undefined : parseDecimal(input.tolerance);
  if (tolerance === null || tolerance?.isNegative()) throw new ClearhouseError('BAD_INPUT', 'tolerance must be a non-negative decimal', { field: 'tolerance' });
  const [partner] = isId(input.partnerId) ? await sql`select 1 from settlements.partners where partner_id = ${input.partnerId}` : [];
  if (partner === undefined) throw new ClearhouseError('NOT_FOUND', 'no such partner');
  const report = parseProviderDailyReport(input.csv);
  if (report instanceof ClearhouseError) throw report;

  const ours = await ourDay(sql, input.partnerId, Date.parse(`${input.date}T00:00:00.000Z`));
  const differences = reconcileDaily(report.rows, ours, tolerance === undefined ? {} : { tolerance: tolerance.toFixed() });
  return { partnerId: input.partnerId, date: input.date, providerRows: report.rows.length, ourRows: ours.length, differences, rejectedLines: report.rejected };
}

async function ourDay(sql: Sql, partnerId: string, dayStartMs: number): Promise<OurDailyRow[]> {
  const from = new Date(dayStartMs).toISOString();
  const to = new Date(dayStartMs + dayMs).toISOString();
  const rows = await sql`
    select game_code, currency, sum(cash_stake + bonus_stake)::text as stake, sum(cash_win + bonus_win)::text as win, sum(rounds)::bigint as rounds
    from settlements.buckets where partner_id = ${partnerId} and bucket_start >= ${from} and bucket_start < ${to}
    group by game_code, currency limit ${providerDailyReportLinesMax + 1}`;
  const sums = new Map<string, { gameCode: string; currency: string } & Sums>();
  const at = (gameCode: string, currency: string) => {
    const key = `${gameCode}\u0000${currency}`;
    let entry = sums.get(key);
    if (entry === undefined) {
      entry = { gameCode, currency, stake: dec('0'), win: dec('0'), rounds: 0 };
      sums.set(key, entry);
    }
    return entry;
  };
  for (const row of rows) {
    const entry = at(row.game_code as string, row.currency as string);
    entry.stake = dec(row.stake as string);
    entry.win = dec(row.win as string);
    entry.rounds = Number(row.rounds);
  }
  const late = await priorPeriodsTouching(sql, partnerId, dayStartMs, dayStartMs + dayMs);
  if (late.length > priorPeriodsPerDayMax) throw new ClearhouseError('LIMIT_EXCEEDED', `more than ${priorPeriodsPerDayMax} late deltas touch this day`);
  for (const { delta, originalBucketStart, countedBucketStart } of late) {
    const sign = (instant: string) => (Date.parse(instant) >= dayStartMs && Date.parse(instant) < dayStartMs + dayMs ? 1 : 0);
    // Counted here but happened elsewhere: out; happened here but counted elsewhere: in.
    const factor = sign(originalBucketStart) - sign(countedBucketStart);
    if (factor === 0) continue;
    const entry = at(delta.gameCode, delta.currency);
    entry.stake = entry.stake.plus(dec(delta.cashStake).plus(dec(delta.bonusStake)).times(factor));
    entry.win = entry.win.plus(dec(delta.cashWin).plus(dec(delta.bonusWin)).times(factor));
    entry.rounds += delta.rounds * factor;
  }
  if (sums.size > providerDailyReportLinesMax) throw new ClearhouseError('LIMIT_EXCEEDED', `more than ${providerDailyReportLinesMax} games and currencies in one day`);
  return [...sums.values()].map(({ gameCode, currency, stake, win, rounds }) => ({
    gameCode, currency, stake: decimalToString(stake), win: decimalToString(win), rounds,
  }));
}
