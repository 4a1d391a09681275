import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../src/domain/adapters/json-webhook.ts';
import type { Candidate } from '../src/domain/candidate.ts';

const good = {
  transaction_uuid: '8f0c-1',
  round_id: 'r-991',
  player: 'p-17',
  game_code: 'book-of-x',
  type: 'bet',
  amount: 1250,
  currency: 'EUR',
  is_bonus: false,
  reference_transaction_uuid: null,
  created_at: '2026-11-20T21:15:03.120Z',
};

function body(overrides: Record<string, unknown> = {}, without: string[] = []): string {
  const fields: Record<string, unknown> = { ...good, ...overrides };
  for (const key of without) delete fields[key];
  return JSON.stringify(fields);
}

/** The amount is spliced in as raw JSON text, so numbers JSON.stringify could not write exactly stay exact. */
function bodyWithAmountText(amountText: string, overrides: Record<string, unknown> = {}): string {
  return body(overrides).replace('"amount":1250', `"amount":${amountText}`);
}

function reasonOf(candidate: Candidate): string {
  return candidate.ok ? 'OK' : candidate.reason;
}

function txOf(candidate: Candidate) {
  if (!candidate.ok) throw new Error(`expected a transaction, got ${candidate.reason}: ${candidate.detail}`);
  return candidate.tx;
}

describe('json-webhook adapter', () => {
  it('turns a well-formed body into the canonical transaction and keeps the raw body', () => {
    const text = body();
    const candidate = parseWebhookBody(text);
    expect(candidate).toEqual({
      ok: true,
      raw: text,
      tx: {
        externalId: '8f0c-1', roundId: 'r-991', playerId: 'p-17', gameCode: 'book-of-x', kind: 'BET', funding: 'CASH',
        amount: '12.50', currency: 'EUR', occurredAt: '2026-11-20T21:15:03.120Z', refersTo: null,
      },
    });
  });

  it('reads every kind and sets BONUS funding from is_bonus', () => {
    const kinds = { bet: 'BET', win: 'WIN', jackpot_contribution: 'JACKPOT_CONTRIBUTION', jackpot_win: 'JACKPOT_WIN' };
    for (const [wire, kind] of Object.entries(kinds)) expect(txOf(parseWebhookBody(body({ type: wire }))).kind).toBe(kind);
    expect(txOf(parseWebhookBody(body({ is_bonus: true }))).funding).toBe('BONUS');
  });

  it('scales minor units by the currency exponent: EUR 2, JPY 0, KRW 0, BHD 3', () => {
    expect(txOf(parseWebhookBody(body({ amount: 1250, currency: 'JPY' }))).amount).toBe('1250');
    expect(txOf(parseWebhookBody(body({ amount: 1250, currency: 'KRW' }))).amount).toBe('1250');
    expect(txOf(parseWebhookBody(body({ amount: 1250, currency: 'BHD' }))).amount).toBe('1.250');
    expect(txOf(parseWebhookBody(body({ amount: 5, currency: 'EUR' }))).amount).toBe('0.05');
    expect(txOf(parseWebhookBody(body({ amount: 0, currency: 'EUR' }))).amount).toBe('0.00');
  });

  it('keeps integers far beyond 2^53 exact, digit for digit', () => {
    const candidate = parseWebhookBody(bodyWithAmountText('123456789012345678901234567890123'));
    expect(txOf(candidate).amount).toBe('1234567890123456789012345678901.23');
    expect(txOf(parseWebhookBody(bodyWithAmountText('9007199254740993'))).amount).toBe('90071992547409.93');
  });

  it('rejects amounts that are not an integer of minor units as MALFORMED', () => {
    for (const text of ['12.5', '1250.0', '1.25e3', '"1250"', 'null', 'true', '001', '1'.repeat(61)]) {
      expect(reasonOf(parseWebhookBody(bodyWithAmountText(text))), text).toBe('MALFORMED');
    }
  });

  it('quarantines every missing or ill-typed field as MALFORMED, keeping the externalId when readable', () => {
    for (const key of Object.keys(good).filter((key) => key !== 'reference_transaction_uuid')) {
      const candidate = parseWebhookBody(body({}, [key]));
      expect(reasonOf(candidate), key).toBe('MALFORMED');
      if (!candidate.ok && key !== 'transaction_uuid') expect(candidate.externalId).toBe('8f0c-1');
    }
    const illTyped: Record<string, unknown>[] = [
      { transaction_uuid: 7 }, { transaction_uuid: '' }, { round_id: null }, { player: ['p'] }, { game_code: {} },
      { type: 'refund' }, { type: 'BET' }, { is_bonus: 1 }, { is_bonus: 'false' }, { currency: 978 }, { created_at: 1795209303 },
    ];
    for (const overrides of illTyped) expect(reasonOf(parseWebhookBody(body(overrides))), JSON.stringify(overrides)).toBe('MALFORMED');
  });

  it('rejects timestamps that are not RFC 3339 instants as MALFORMED', () => {
    const bad = ['yesterday', '2026-02-30T00:00:00Z', '2026-11-20 21:15:03Z', '2026-11-20T21:15:03', '2026-11-20T24:00:00Z', '2026-11-20T21:15:60Z', '2026-11-20T21:15:03+0100'];
    for (const createdAt of bad) expect(reasonOf(parseWebhookBody(body({ created_at: createdAt }))), createdAt).toBe('MALFORMED');
  });

  it('normalises instants with an offset or a finer fraction to UTC milliseconds, truncating', () => {
    expect(txOf(parseWebhookBody(body({ created_at: '2026-11-20T23:15:03.1+02:00' }))).occurredAt).toBe('2026-11-20T21:15:03.100Z');
    expect(txOf(parseWebhookBody(body({ created_at: '2026-11-20T21:15:03.123999Z' }))).occurredAt).toBe('2026-11-20T21:15:03.123Z');
    expect(txOf(parseWebhookBody(body({ created_at: '2026-11-20T21:15:03Z' }))).occurredAt).toBe('2026-11-20T21:15:03.000Z');
  });

  it('quarantines a body that is not a JSON object as MALFORMED with its raw text', () => {
    const truncated = '{"transaction_uuid": "NOVA-0000272-M", "amount": "twelve", "type": "bet"';
    expect(parseWebhookBody(truncated)).toMatchObject({ ok: false, reason: 'MALFORMED', raw: truncated });
    for (const text of ['', '[]', '"bet"', `${body()} {}`, body().replace('p-17', 'p-\u000117')]) {
      expect(reasonOf(parseWebhookBody(text)), text).toBe('MALFORMED');
    }
  });

  it('rejects a body that repeats a key, because the record would be ambiguous', () => {
    expect(reasonOf(parseWebhookBody(body().replace('{', '{"amount":1,')))).toBe('MALFORMED');
  });

  it('needs a reference on a rollback and ignores one on any other kind', () => {
    expect(reasonOf(parseWebhookBody(body({ type: 'rollback' })))).toBe('MALFORMED');
    expect(reasonOf(parseWebhookBody(body({ type: 'rollback', reference_transaction_uuid: '' })))).toBe('MALFORMED');
    expect(reasonOf(parseWebhookBody(body({ type: 'rollback' }, ['reference_transaction_uuid'])))).toBe('MALFORMED');
    expect(txOf(parseWebhookBody(body({ type: 'rollback', reference_transaction_uuid: 'orig-1' }))).refersTo).toBe('orig-1');
    expect(txOf(parseWebhookBody(body({ type: 'win', reference_transaction_uuid: 'orig-1' }))).refersTo).toBeNull();
    expect(txOf(parseWebhookBody(body({ type: 'win', reference_transaction_uuid: 42 }))).refersTo).toBeNull();
  });

  it('quarantines test, metal and no-currency codes as UNKNOWN_CURRENCY', () => {
    for (const currency of ['XTS', 'XXX', 'XAU', 'XDR', 'eur', 'EURO', 'ABC']) {
      expect(reasonOf(parseWebhookBody(body({ currency }))), currency).toBe('UNKNOWN_CURRENCY');
    }
  });

  it('quarantines a negative amount as NEGATIVE_AMOUNT, but treats -0 as zero', () => {
    expect(parseWebhookBody(bodyWithAmountText('-369'))).toMatchObject({ ok: false, reason: 'NEGATIVE_AMOUNT', externalId: '8f0c-1' });
    expect(txOf(parseWebhookBody(bodyWithAmountText('-0'))).amount).toBe('0.00');
  });

  it('checks the format stage in order: MALFORMED, then UNKNOWN_CURRENCY, then NEGATIVE_AMOUNT', () => {
    expect(reasonOf(parseWebhookBody(bodyWithAmountText('-369', { currency: 'XTS' })))).toBe('UNKNOWN_CURRENCY');
    expect(reasonOf(parseWebhookBody(bodyWithAmountText('-369', { currency: 'XTS', created_at: 'soon' })))).toBe('MALFORMED');
    expect(reasonOf(parseWebhookBody(body({ type: 'rollback', currency: 'XTS' })))).toBe('MALFORMED');
  });
});
