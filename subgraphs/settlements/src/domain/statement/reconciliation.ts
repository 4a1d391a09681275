import { assert, dec, Decimal, decimalToString, ZERO, type ClearhouseError } from '@clearhouse/kernel';
import {
  currencyProblem,
  identifierProblem,
  readAmount,
  readReportLines,
  type RejectedLine,
} from './report-lines.ts';

/**
 * Daily reconciliation (DESIGN.md 5.6). The provider's daily report, one row per game and currency:
 *
 *   GameID;Currency;Bets;Wins;Rounds
 *   book-of-x;EUR;1234.50;1100.25;310
 *
 * UTF-8 with an optional BOM, CRLF or LF, `;` between fields, no quoting, blank lines ignored.
 * Bets and Wins: the day's total stakes and wins (cash and bonus), exact non-negative decimals with
 * '.' as the decimal point and any number of places. Rounds: a non-negative integer. Currency: an
 * active ISO 4217 code. A (GameID, Currency) pair appears once. Lines that break a rule are
 * rejected with their line number and reason; the other lines are still compared.
 */
export const providerDailyReportHeader = ['GameID', 'Currency', 'Bets', 'Wins', 'Rounds'] as const;
export const providerDailyReportLinesMax = 100_000;
export const providerDailyReportLineLengthMax = 512;
export const defaultReconciliationTolerance = '0.01';

export interface ProviderDailyRow {
  line: number;
  gameCode: string;
  currency: string;
  bets: string;
  wins: string;
  rounds: number;
}

/** Our buckets of the day summed per game and currency, in the transactions' own currency. */
export interface OurDailyRow {
  gameCode: string;
  currency: string;
  /** cashStake + bonusStake */
  stake: string;
  /** cashWin + bonusWin */
  win: string;
  rounds: number;
}

export type DailyDifference =
  | { kind: 'MISSING_OURS'; gameCode: string; currency: string; line: number; theirs: { bets: string; wins: string; rounds: number } }
  | { kind: 'MISSING_THEIRS'; gameCode: string; currency: string; ours: { stake: string; win: string; rounds: number } }
  | {
      kind: 'AMOUNT_MISMATCH';
      gameCode: string;
      currency: string;
      field: 'bets' | 'wins';
      ours: string;
      theirs: string;
      /** ours − theirs */
      difference: string;
    }
  | { kind: 'ROUND_COUNT_MISMATCH'; gameCode: string; currency: string; ours: number; theirs: number; difference: number };

export interface ReconciliationOptions {
  /** Largest difference, in units of the row's currency, that is not a mismatch. Default 0.01. */
  tolerance?: string;
  toleranceByCurrency?: Readonly<Record<string, string>>;
}

export function parseProviderDailyReport(text: string): { rows: ProviderDailyRow[]; rejected: RejectedLine[] } | ClearhouseError {
  const read = readReportLines(text, providerDailyReportHeader, {
    linesMax: providerDailyReportLinesMax,
    lineLengthMax: providerDailyReportLineLengthMax,
  });
  if (!('lines' in read)) return read;
  const rows: ProviderDailyRow[] = [];
  const rejected = [...read.rejected];
  const firstLineByKey = new Map<string, number>();
  for (const { line, fields } of read.lines) {
    const [gameCode, currency, betsText, winsText, roundsText] = fields as [string, string, string, string, string];
    const bets = readAmount(betsText, 'Bets');
    const wins = readAmount(winsText, 'Wins');
    const reason =
      identifierProblem(gameCode, 'GameID') ??
      currencyProblem(currency) ??
      (typeof bets === 'string' ? bets : null) ??
      (typeof wins === 'string' ? wins : null) ??
      (/^\d{1,15}$/.test(roundsText) ? null : `Rounds "${roundsText}" is not a non-negative whole number`);
    const key = rowKey(gameCode, currency);
    const firstLine = firstLineByKey.get(key);
    if (reason !== null || firstLine !== undefined) {
      rejected.push({ line, reason: reason ?? `GameID and Currency repeat line ${firstLine}` });
      continue;
    }
    firstLineByKey.set(key, line);
    rows.push({ line, gameCode, currency, bets: betsText, wins: winsText, rounds: Number(roundsText) });
  }
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}

/**
 * Every difference between the provider's rows and ours, ordered by game, currency and kind. A row
 * that is zero in every field and absent on the other side is no difference: providers list idle
 * games. Amounts differ when |ours − theirs| exceeds the tolerance (equal is within it).
 */
export function reconcileDaily(
  theirs: readonly ProviderDailyRow[],
  ours: readonly OurDailyRow[],
  options: ReconciliationOptions = {},
): DailyDifference[] {
  assert(theirs.length <= providerDailyReportLinesMax && ours.length <= providerDailyReportLinesMax, 'rows within bounds');
  const theirsByKey = new Map(theirs.map((row) => [rowKey(row.gameCode, row.currency), row]));
  const oursByKey = new Map(ours.map((row) => [rowKey(row.gameCode, row.currency), row]));
  assert(theirsByKey.size === theirs.length, 'provider rows are unique per game and currency');
  assert(oursByKey.size === ours.length, 'our rows are aggregated per game and currency');

  const differences: DailyDifference[] = [];
  for (const key of [...new Set([...theirsByKey.keys(), ...oursByKey.keys()])].sort()) {
    const their = theirsByKey.get(key);
    const our = oursByKey.get(key);
    if (their !== undefined && our !== undefined) {
      differences.push(...rowDifferences(our, their, toleranceFor(their.currency, options)));
    } else if (their !== undefined) {
      if (!isIdle(their.bets, their.wins, their.rounds)) {
        const { gameCode, currency, line, bets, wins, rounds } = their;
        differences.push({ kind: 'MISSING_OURS', gameCode, currency, line, theirs: { bets, wins, rounds } });
      }
    } else if (our !== undefined && !isIdle(our.stake, our.win, our.rounds)) {
      const { gameCode, currency, stake, win, rounds } = our;
      differences.push({ kind: 'MISSING_THEIRS', gameCode, currency, ours: { stake, win, rounds } });
    }
  }
  return differences;
}

function rowDifferences(our: OurDailyRow, their: ProviderDailyRow, tolerance: Decimal): DailyDifference[] {
  const { gameCode, currency } = their;
  const differences: DailyDifference[] = [];
  const amounts = [
    { field: 'bets', ours: our.stake, theirs: their.bets },
    { field: 'wins', ours: our.win, theirs: their.wins },
  ] as const;
  for (const { field, ours, theirs } of amounts) {
    const difference = dec(ours).minus(dec(theirs));
    if (difference.abs().greaterThan(tolerance)) {
      differences.push({ kind: 'AMOUNT_MISMATCH', gameCode, currency, field, ours, theirs, difference: decimalToString(difference) });
    }
  }
  if (our.rounds !== their.rounds) {
    differences.push({
      kind: 'ROUND_COUNT_MISMATCH',
      gameCode,
      currency,
      ours: our.rounds,
      theirs: their.rounds,
      difference: our.rounds - their.rounds,
    });
  }
  return differences;
}

function toleranceFor(currency: string, options: ReconciliationOptions): Decimal {
  const tolerance = dec(options.toleranceByCurrency?.[currency] ?? options.tolerance ?? defaultReconciliationTolerance);
  assert(!tolerance.lessThan(ZERO), 'a tolerance is not negative');
  return tolerance;
}

function isIdle(stake: string, win: string, rounds: number): boolean {
  return dec(stake).isZero() && dec(win).isZero() && rounds === 0;
}

function rowKey(gameCode: string, currency: string): string {
  return `${gameCode}\u0000${currency}`;
}
