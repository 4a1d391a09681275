import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import {
  parseProviderDailyReport,
  providerDailyReportLinesMax,
  reconcileDaily,
  type OurDailyRow,
  type ProviderDailyRow,
} from '../../src/domain/statement/reconciliation.ts';

const header = 'GameID;Currency;Bets;Wins;Rounds';

function parsed(text: string): { rows: ProviderDailyRow[]; rejected: { line: number; reason: string }[] } {
  const result = parseProviderDailyReport(text);
  if (result instanceof ClearhouseError) throw new Error(`unexpected ${result.code}: ${result.message}`);
  return result;
}

function theirs(lines: string[]): ProviderDailyRow[] {
  const { rows, rejected } = parsed([header, ...lines].join('\n'));
  expect(rejected).toEqual([]);
  return rows;
}

const our = (gameCode: string, currency: string, stake: string, win: string, rounds: number): OurDailyRow => ({
  gameCode,
  currency,
  stake,
  win,
  rounds,
});

describe('provider daily report parsing', () => {
  it('reads a report with a BOM, CRLF line ends and blank lines, keeping exact amounts and line numbers', () => {
    const text = `\uFEFF${header}\r\nbook-of-x;EUR;1234.5000;1100.25;310\r\n\r\nroulette-7;JPY;5000;4200;12\r\n`;
    expect(parsed(text)).toEqual({
      rows: [
        { line: 2, gameCode: 'book-of-x', currency: 'EUR', bets: '1234.5000', wins: '1100.25', rounds: 310 },
        { line: 4, gameCode: 'roulette-7', currency: 'JPY', bets: '5000', wins: '4200', rounds: 12 },
      ],
      rejected: [],
    });
  });

  it('refuses a report whose header is not the documented one', () => {
    const result = parseProviderDailyReport('Game;Currency;Bets;Wins;Rounds\ng1;EUR;1;1;1\n');
    expect(result).toBeInstanceOf(ClearhouseError);
    expect((result as ClearhouseError).code).toBe('BAD_INPUT');
    expect((result as ClearhouseError).message).toContain('line 1');
  });

  it('rejects each bad line with its line number and reason and keeps the good ones', () => {
    const text = [
      header,
      'g1;EUR;10.00;5.00;3',
      'g2;EUR;1,50;0;1',
      'g3;EUR;-1.00;0;1',
      'g4;XTS;1.00;0;1',
      'g5;EUR;1.00;0;2.5',
      ';EUR;1.00;0;1',
      'g6;EUR;1.00;0',
      'g1;EUR;3.00;1.00;1',
      `g7;EUR;1.${'0'.repeat(600)};0;1`,
      'g8;EUR;1e3;0;1',
      'g9;EUR;1.00;0;1',
    ].join('\n');
    const { rows, rejected } = parsed(text);
    expect(rows.map((row) => row.gameCode)).toEqual(['g1', 'g9']);
    expect(rejected).toEqual([
      { line: 3, reason: expect.stringContaining('Bets "1,50" is not a decimal number') },
      { line: 4, reason: 'Bets must not be negative' },
      { line: 5, reason: 'unknown currency "XTS"' },
      { line: 6, reason: expect.stringContaining('Rounds "2.5"') },
      { line: 7, reason: 'GameID is empty' },
      { line: 8, reason: "expected 5 fields separated by ';', found 4" },
      { line: 9, reason: 'GameID and Currency repeat line 2' },
      { line: 10, reason: 'longer than 512 characters' },
      { line: 11, reason: expect.stringContaining('Bets "1e3"') },
    ]);
  });

  it(`refuses a report of more than ${providerDailyReportLinesMax} lines`, () => {
    const lines = Array.from({ length: providerDailyReportLinesMax + 1 }, (_, index) => `g${index};EUR;1;1;1`);
    const result = parseProviderDailyReport([header, ...lines].join('\n'));
    expect((result as ClearhouseError).code).toBe('LIMIT_EXCEEDED');
    expect(parsed([header, ...lines.slice(1)].join('\n')).rows).toHaveLength(providerDailyReportLinesMax);
  });
});

describe('daily reconciliation', () => {
  it('lists every kind of difference, ordered by game and currency', () => {
    const report = theirs([
      'g1;EUR;100.00;90.00;10',
      'g2;EUR;50.02;39.995;6',
      'g4;EUR;7.00;0;1',
      'g6;EUR;0;0;0',
    ]);
    const ours = [
      our('g1', 'EUR', '100', '90.0000', 10),
      our('g2', 'EUR', '50.00', '40.00', 5),
      our('g3', 'USD', '12.00', '3.00', 2),
      our('g5', 'EUR', '0', '0', 0),
    ];
    expect(reconcileDaily(report, ours)).toEqual([
      { kind: 'AMOUNT_MISMATCH', gameCode: 'g2', currency: 'EUR', field: 'bets', ours: '50.00', theirs: '50.02', difference: '-0.02' },
      { kind: 'ROUND_COUNT_MISMATCH', gameCode: 'g2', currency: 'EUR', ours: 5, theirs: 6, difference: -1 },
      { kind: 'MISSING_THEIRS', gameCode: 'g3', currency: 'USD', ours: { stake: '12.00', win: '3.00', rounds: 2 } },
      { kind: 'MISSING_OURS', gameCode: 'g4', currency: 'EUR', line: 4, theirs: { bets: '7.00', wins: '0', rounds: 1 } },
    ]);
  });

  it('treats the same game in another currency as another row', () => {
    const differences = reconcileDaily(theirs(['g1;EUR;10;0;1']), [our('g1', 'SEK', '10', '0', 1)]);
    expect(differences.map((difference) => difference.kind)).toEqual(['MISSING_OURS', 'MISSING_THEIRS']);
  });

  it('accepts a difference of exactly the tolerance and flags anything beyond it', () => {
    const report = theirs(['g1;EUR;100.00;50.00;1']);
    expect(reconcileDaily(report, [our('g1', 'EUR', '100.01', '49.99', 1)])).toEqual([]);
    const beyond = reconcileDaily(report, [our('g1', 'EUR', '100.0100000001', '49.9899999999', 1)]);
    expect(beyond).toEqual([
      expect.objectContaining({ field: 'bets', difference: '0.0100000001' }),
      expect.objectContaining({ field: 'wins', difference: '-0.0100000001' }),
    ]);
  });

  it('uses a given tolerance, also per currency', () => {
    const report = theirs(['g1;EUR;100.00;50.00;1', 'g2;JPY;5000;100;1']);
    const ours = [our('g1', 'EUR', '100.001', '50', 1), our('g2', 'JPY', '5001', '100', 1)];
    expect(reconcileDaily(report, ours, { tolerance: '0' }).map((difference) => difference.gameCode)).toEqual(['g1', 'g2']);
    expect(reconcileDaily(report, ours, { toleranceByCurrency: { JPY: '1' } })).toEqual([]);
  });

  it('compares amounts by value, never through a float', () => {
    const report = theirs(['g1;EUR;0.30;9007199254740993.10;1']);
    expect(reconcileDaily(report, [our('g1', 'EUR', '0.3000', '9007199254740993.1', 1)])).toEqual([]);
    expect(reconcileDaily(report, [our('g1', 'EUR', '0.30', '9007199254740993.12', 1)])).toEqual([
      expect.objectContaining({ field: 'wins', difference: '0.02' }),
    ]);
  });
});
