import { describe, expect, it } from 'vitest';
import { parseCsvHeader, parseCsvLine, parseCsvReport, type CsvHeader } from '../src/domain/adapters/csv-report.ts';
import type { Candidate } from '../src/domain/candidate.ts';

const headerLine = 'TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;RefTxID;Timestamp';
const good = 'T-77;R-5;P-1;roulette-7;B;1.234,50;EUR;N;;2026-11-20 23:15:00+01:00';

function header(text = headerLine): CsvHeader {
  const parsed = parseCsvHeader(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.header;
}

/** The good line with some of its cells replaced, by column index. */
function withCells(cells: Record<number, string>): string {
  return good.split(';').map((cell, index) => cells[index] ?? cell).join(';');
}

function reasonOf(candidate: Candidate): string {
  return candidate.ok ? 'OK' : candidate.reason;
}

function txOf(candidate: Candidate) {
  if (!candidate.ok) throw new Error(`expected a transaction, got ${candidate.reason}: ${candidate.detail}`);
  return candidate.tx;
}

describe('csv-report adapter', () => {
  it('turns a data line into the canonical transaction, in UTC, with a decimal-comma amount made exact', () => {
    expect(parseCsvLine(header(), good, 2)).toEqual({
      ok: true,
      raw: good,
      line: 2,
      tx: {
        externalId: 'T-77', roundId: 'R-5', playerId: 'P-1', gameCode: 'roulette-7', kind: 'BET', funding: 'CASH',
        amount: '1234.50', currency: 'EUR', occurredAt: '2026-11-20T22:15:00.000Z', refersTo: null,
      },
    });
  });

  it('reads thousands separators, sub-cent amounts and amounts without a fraction', () => {
    const amounts: Record<string, string> = {
      '12.345.678,9': '12345678.9', '0,0001': '0.0001', '7': '7', '1.234': '1234', '0,49': '0.49', '007,5': '7.5',
      '123456789012345678901234567890,12': '123456789012345678901234567890.12',
    };
    for (const [wire, amount] of Object.entries(amounts)) expect(txOf(parseCsvLine(header(), withCells({ 5: wire }), 2)).amount, wire).toBe(amount);
  });

  it('reads every type and the bonus flag', () => {
    const kinds = { B: 'BET', W: 'WIN', JC: 'JACKPOT_CONTRIBUTION', JW: 'JACKPOT_WIN' };
    for (const [wire, kind] of Object.entries(kinds)) expect(txOf(parseCsvLine(header(), withCells({ 4: wire }), 2)).kind).toBe(kind);
    expect(txOf(parseCsvLine(header(), withCells({ 7: 'Y' }), 2)).funding).toBe('BONUS');
  });

  it('quarantines malformed lines as MALFORMED, with the line number and the TxID', () => {
    expect(parseCsvLine(header(), withCells({ 5: '12,3,4' }), 36)).toMatchObject({ ok: false, reason: 'MALFORMED', line: 36, externalId: 'T-77' });
    const bad: Record<number, string>[] = [
      { 0: '' }, { 1: '' }, { 2: '' }, { 3: '' }, { 4: 'X' }, { 4: 'b' }, { 5: '' }, { 5: '1.23,4' }, { 5: '12.34' }, { 5: '1,234.50' },
      { 5: '+5,00' }, { 5: ' 5,00' }, { 6: '' }, { 7: 'yes' }, { 7: '' }, { 9: 'not a date' }, { 9: '2026-11-20T23:15:00+01:00' },
      { 9: '2026-11-20 23:15:00' }, { 9: '2026-11-20 23:15:00.5+01:00' }, { 9: '2026-13-01 00:00:00+00:00' },
    ];
    for (const cells of bad) expect(reasonOf(parseCsvLine(header(), withCells(cells), 2)), JSON.stringify(cells)).toBe('MALFORMED');
  });

  it('quarantines a line with too few or too many fields as MALFORMED', () => {
    expect(reasonOf(parseCsvLine(header(), 'T-1;R-1', 2))).toBe('MALFORMED');
    expect(reasonOf(parseCsvLine(header(), `${good};extra`, 2))).toBe('MALFORMED');
  });

  it('needs a reference on a rollback and ignores one on any other kind', () => {
    expect(reasonOf(parseCsvLine(header(), withCells({ 4: 'R' }), 2))).toBe('MALFORMED');
    expect(txOf(parseCsvLine(header(), withCells({ 4: 'R', 8: 'T-1' }), 2)).refersTo).toBe('T-1');
    expect(txOf(parseCsvLine(header(), withCells({ 4: 'W', 8: 'T-1' }), 2)).refersTo).toBeNull();
  });

  it('quarantines unknown currencies, then negative amounts', () => {
    for (const currency of ['XTS', 'XXX', 'XAU']) expect(reasonOf(parseCsvLine(header(), withCells({ 6: currency }), 2))).toBe('UNKNOWN_CURRENCY');
    expect(reasonOf(parseCsvLine(header(), withCells({ 5: '-43,55' }), 2))).toBe('NEGATIVE_AMOUNT');
    expect(reasonOf(parseCsvLine(header(), withCells({ 5: '-1.043,55', 6: 'XAU' }), 2))).toBe('UNKNOWN_CURRENCY');
    expect(txOf(parseCsvLine(header(), withCells({ 5: '-0,00' }), 2)).amount).toBe('0.00');
  });

  it('reads a header with a BOM and CRLF, in any column order, and refuses one without a needed column', () => {
    const reordered = header('\uFEFFTimestamp;TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;RefTxID\r');
    const line = '2026-11-20 23:15:00+01:00;T-77;R-5;P-1;roulette-7;B;1.234,50;EUR;N;\r';
    expect(txOf(parseCsvLine(reordered, line, 2))).toEqual(txOf(parseCsvLine(header(), good, 2)));
    expect(parseCsvLine(reordered, line, 2).raw).toBe(line.slice(0, -1));
    expect(parseCsvHeader('TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;Timestamp')).toMatchObject({ ok: false });
    expect(parseCsvHeader(`${headerLine};TxID`)).toMatchObject({ ok: false });
  });

  it('parses a whole file the same with LF or CRLF endings and a BOM, skipping blank lines', () => {
    const lines = [headerLine, good, '', withCells({ 0: 'T-78', 5: '-1,00' })];
    const lf = parseCsvReport(lines.join('\n'));
    const crlf = parseCsvReport(`\uFEFF${lines.join('\r\n')}\r\n`);
    expect(crlf).toEqual(lf);
    if (!lf.ok) throw new Error(lf.problem);
    expect(lf.candidates.map((candidate) => [candidate.line, reasonOf(candidate)])).toEqual([[2, 'OK'], [4, 'NEGATIVE_AMOUNT']]);
    expect(parseCsvReport('')).toMatchObject({ ok: false });
  });
});
