import { describe, expect, it } from 'vitest';
import { parseNdjsonBody, parseNdjsonLine } from '../src/domain/adapters/ndjson-batch.ts';
import type { Candidate } from '../src/domain/candidate.ts';

const good = '{"id":"A-1","round":"R-1","player":"u9","game":"GX-204","kind":"BET","amount":"12.3400","ccy":"USD","bonus":0,"ref":null,"ts":1795209303120}';

function line(replacements: Record<string, string>): string {
  let text = good;
  for (const [key, valueText] of Object.entries(replacements)) {
    text = text.replace(new RegExp(`"${key}":("[^"]*"|[^,}]*)`), valueText === '' ? `"_${key}":0` : `"${key}":${valueText}`);
  }
  return text;
}

function reasonOf(candidate: Candidate): string {
  return candidate.ok ? 'OK' : candidate.reason;
}

function txOf(candidate: Candidate) {
  if (!candidate.ok) throw new Error(`expected a transaction, got ${candidate.reason}: ${candidate.detail}`);
  return candidate.tx;
}

describe('ndjson-batch adapter', () => {
  it('turns a line into the canonical transaction, keeping sub-cent digits and the line number', () => {
    expect(parseNdjsonLine(good, 7)).toEqual({
      ok: true,
      raw: good,
      line: 7,
      tx: {
        externalId: 'A-1', roundId: 'R-1', playerId: 'u9', gameCode: 'GX-204', kind: 'BET', funding: 'CASH',
        amount: '12.3400', currency: 'USD', occurredAt: '2026-11-20T21:15:03.120Z', refersTo: null,
      },
    });
    expect(txOf(parseNdjsonLine(line({ amount: '"0.0001"' }), 1)).amount).toBe('0.0001');
  });

  it('reads every kind and the bonus flag as 0/1 or false/true', () => {
    const kinds = { BET: 'BET', WIN: 'WIN', JP_CONTRIB: 'JACKPOT_CONTRIBUTION', JP_WIN: 'JACKPOT_WIN' };
    for (const [wire, kind] of Object.entries(kinds)) expect(txOf(parseNdjsonLine(line({ kind: `"${wire}"` }), 1)).kind).toBe(kind);
    expect(txOf(parseNdjsonLine(line({ bonus: '1' }), 1)).funding).toBe('BONUS');
    expect(txOf(parseNdjsonLine(line({ bonus: 'true' }), 1)).funding).toBe('BONUS');
    expect(txOf(parseNdjsonLine(line({ bonus: 'false' }), 1)).funding).toBe('CASH');
  });

  it('keeps huge decimal strings exact', () => {
    const huge = '98765432109876543210987654321.123456789';
    expect(txOf(parseNdjsonLine(line({ amount: `"${huge}"` }), 1)).amount).toBe(huge);
  });

  it('quarantines missing and ill-typed fields as MALFORMED with the line number and externalId', () => {
    expect(parseNdjsonLine(line({ round: '' }), 4)).toMatchObject({ ok: false, reason: 'MALFORMED', line: 4, externalId: 'A-1', raw: line({ round: '' }) });
    const bad: Record<string, string>[] = [
      { id: '' }, { player: '' }, { game: '' }, { kind: '' }, { amount: '' }, { ccy: '' }, { bonus: '' }, { ts: '' },
      { amount: '"1.2.3"' }, { amount: '12.34' }, { amount: '"12,34"' }, { amount: '".5"' }, { amount: '"1e3"' }, { amount: '"012.34"' },
      { kind: '"bet"' }, { kind: '"REFUND"' }, { bonus: '2' }, { bonus: '"1"' }, { bonus: 'null' },
      { ts: '"yesterday"' }, { ts: '1795209303120.5' }, { ts: '-1' }, { ts: '1e12' }, { ts: '99999999999999999' },
    ];
    for (const replacements of bad) expect(reasonOf(parseNdjsonLine(line(replacements), 1)), JSON.stringify(replacements)).toBe('MALFORMED');
    expect(reasonOf(parseNdjsonLine('{"id": "ORBIT-0001880-M", "kind": "BET", "amount": "1.2.3", "ccy": "EUR", "ts": "yesterday"}', 1))).toBe('MALFORMED');
    expect(reasonOf(parseNdjsonLine('not json', 1))).toBe('MALFORMED');
  });

  it('needs a reference on a ROLLBACK and ignores one on any other kind', () => {
    expect(reasonOf(parseNdjsonLine(line({ kind: '"ROLLBACK"' }), 1))).toBe('MALFORMED');
    expect(txOf(parseNdjsonLine(line({ kind: '"ROLLBACK"', ref: '"A-0"' }), 1)).refersTo).toBe('A-0');
    expect(txOf(parseNdjsonLine(line({ kind: '"WIN"', ref: '"A-0"' }), 1)).refersTo).toBeNull();
  });

  it('quarantines unknown currencies, then negative amounts, in that order', () => {
    for (const ccy of ['"XTS"', '"XXX"', '"XAU"']) expect(reasonOf(parseNdjsonLine(line({ ccy }), 1))).toBe('UNKNOWN_CURRENCY');
    expect(reasonOf(parseNdjsonLine(line({ amount: '"-184.7500"' }), 1))).toBe('NEGATIVE_AMOUNT');
    expect(reasonOf(parseNdjsonLine(line({ amount: '"-184.7500"', ccy: '"XAU"' }), 1))).toBe('UNKNOWN_CURRENCY');
    expect(txOf(parseNdjsonLine(line({ amount: '"-0.00"' }), 1)).amount).toBe('0.00');
  });

  it('splits a body on LF or CRLF, skips blank lines and numbers lines as in the body', () => {
    const body = `${good}\r\n\r\n${line({ id: '"A-2"' })}\r\n{broken\n`;
    const candidates = parseNdjsonBody(body);
    expect(candidates.map((candidate) => [candidate.line, reasonOf(candidate)])).toEqual([[1, 'OK'], [3, 'OK'], [4, 'MALFORMED']]);
    expect(candidates[1]?.raw).toBe(line({ id: '"A-2"' }));
  });
});
