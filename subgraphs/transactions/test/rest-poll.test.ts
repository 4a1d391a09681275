import { describe, expect, it } from 'vitest';
import { parsePollItem, parsePollPage } from '../src/domain/adapters/rest-poll.ts';
import type { Candidate } from '../src/domain/candidate.ts';

const item = '{"txnId":"x1","roundId":"r1","userId":"u1","gameId":"g1","txnType":"DEBIT","amount":"5.00","currency":"GBP","bonus":false,"originalTxnId":null,"timestamp":1795209303.12}';

function withField(key: string, valueText: string | null): string {
  const pattern = new RegExp(`"${key}":("[^"]*"|[^,}]*)`);
  return item.replace(pattern, valueText === null ? `"_${key}":0` : `"${key}":${valueText}`);
}

function reasonOf(candidate: Candidate): string {
  return candidate.ok ? 'OK' : candidate.reason;
}

function txOf(candidate: Candidate) {
  if (!candidate.ok) throw new Error(`expected a transaction, got ${candidate.reason}: ${candidate.detail}`);
  return candidate.tx;
}

describe('rest-poll adapter', () => {
  it('parses a page into candidates that each keep their own raw item text, and the next cursor', () => {
    const second = withField('txnId', '"x2"');
    const page = `{"data":[ ${item} ,\n${second}],"next_cursor":"c2"}`;
    const parsed = parsePollPage(page);
    expect(parsed).toMatchObject({ ok: true, page: { nextCursor: 'c2' } });
    if (!parsed.ok) return;
    expect(parsed.page.candidates.map((candidate) => candidate.raw)).toEqual([item, second]);
    expect(txOf(parsed.page.candidates[0]!)).toEqual({
      externalId: 'x1', roundId: 'r1', playerId: 'u1', gameCode: 'g1', kind: 'BET', funding: 'CASH',
      amount: '5.00', currency: 'GBP', occurredAt: '2026-11-20T21:15:03.120Z', refersTo: null,
    });
  });

  it('reads a null or absent next cursor as nothing more for now', () => {
    expect(parsePollPage('{"data":[],"next_cursor":null}')).toEqual({ ok: true, page: { candidates: [], nextCursor: null } });
    expect(parsePollPage('{"data":[]}')).toEqual({ ok: true, page: { candidates: [], nextCursor: null } });
  });

  it('refuses a page that is not of the documented shape (a failed poll, not a quarantine)', () => {
    for (const page of ['', '<html>', '[]', '{"data":{}}', '{"items":[]}', '{"data":[],"next_cursor":5}']) {
      expect(parsePollPage(page), page).toMatchObject({ ok: false });
    }
  });

  it('reads the timestamp from its JSON text: fractions, whole seconds, exponents, sub-millisecond digits truncated', () => {
    expect(txOf(parsePollItem(withField('timestamp', '1795478400.0'))).occurredAt).toBe('2026-11-24T00:00:00.000Z');
    expect(txOf(parsePollItem(withField('timestamp', '1795478400'))).occurredAt).toBe('2026-11-24T00:00:00.000Z');
    expect(txOf(parsePollItem(withField('timestamp', '1.7954784001239e9'))).occurredAt).toBe('2026-11-24T00:00:00.123Z');
    expect(txOf(parsePollItem(withField('timestamp', '1795209303.1209999999'))).occurredAt).toBe('2026-11-20T21:15:03.120Z');
  });

  it('reads every transaction type, the bonus flag and a rollback reference', () => {
    const kinds = { DEBIT: 'BET', CREDIT: 'WIN', JP_CONTRIB: 'JACKPOT_CONTRIBUTION', JP_WIN: 'JACKPOT_WIN' };
    for (const [wire, kind] of Object.entries(kinds)) expect(txOf(parsePollItem(withField('txnType', `"${wire}"`))).kind).toBe(kind);
    expect(txOf(parsePollItem(withField('bonus', 'true'))).funding).toBe('BONUS');
    expect(txOf(parsePollItem(withField('txnType', '"CANCEL"').replace('"originalTxnId":null', '"originalTxnId":"x0"'))).refersTo).toBe('x0');
    expect(reasonOf(parsePollItem(withField('txnType', '"CANCEL"')))).toBe('MALFORMED');
    expect(txOf(parsePollItem(item.replace('"originalTxnId":null', '"originalTxnId":"x0"'))).refersTo).toBeNull();
  });

  it('quarantines malformed items as MALFORMED with their externalId, leaving the rest of the page alone', () => {
    const broken = '{"txnId": "PULSE-0001172-M", "txnType": "DEBIT", "amount": null, "currency": "USD", "timestamp": "soon"}';
    const parsed = parsePollPage(`{"data":[${broken},${item},7],"next_cursor":"c9"}`);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.page.candidates.map(reasonOf)).toEqual(['MALFORMED', 'OK', 'MALFORMED']);
    expect(parsed.page.candidates[0]).toMatchObject({ externalId: 'PULSE-0001172-M', raw: broken });
    expect(parsed.page.candidates[2]).toMatchObject({ raw: '7' });
    const bad: [string, string | null][] = [
      ['txnId', null], ['roundId', '1'], ['userId', null], ['gameId', '""'], ['txnType', '"debit"'], ['amount', '5'], ['amount', '"5,00"'],
      ['currency', null], ['bonus', '0'], ['timestamp', '"1795209303.12"'], ['timestamp', '-1'], ['timestamp', '1e99'], ['timestamp', null],
    ];
    for (const [key, valueText] of bad) expect(reasonOf(parsePollItem(withField(key, valueText))), `${key}=${valueText}`).toBe('MALFORMED');
  });

  it('quarantines unknown currencies, then negative amounts, and keeps sub-cent amounts exact', () => {
    expect(reasonOf(parsePollItem(withField('currency', '"XTS"')))).toBe('UNKNOWN_CURRENCY');
    expect(reasonOf(parsePollItem(withField('amount', '"-155"')))).toBe('NEGATIVE_AMOUNT');
    expect(reasonOf(parsePollItem(withField('amount', '"-155"').replace('"GBP"', '"XXX"')))).toBe('UNKNOWN_CURRENCY');
    expect(txOf(parsePollItem(withField('amount', '"0.00001"'))).amount).toBe('0.00001');
  });
});
