import type { TransactionKind } from '@clearhouse/kernel';
import { minorUnitAmount, zeroAmount } from '../amounts.ts';
import { formatStage, fundingOf, malformed, type Candidate, type WireRecord } from '../candidate.ts';
import { FieldReader } from '../field-reader.ts';
import { rfc3339Instant } from '../instants.ts';
import type { JsonObject } from '../json-text.ts';
import { idOf, jsonRecord } from './json-object.ts';

/** DESIGN.md 3.1: one transaction per request body; `amount` is an integer of minor units. */
const kinds = new Map<string, TransactionKind>([
  ['bet', 'BET'],
  ['win', 'WIN'],
  ['rollback', 'ROLLBACK'],
  ['jackpot_contribution', 'JACKPOT_CONTRIBUTION'],
  ['jackpot_win', 'JACKPOT_WIN'],
]);

/** Turns one webhook request body into a candidate. */
export function parseWebhookBody(body: string): Candidate {
  const origin = { raw: body };
  const parsed = jsonRecord(origin);
  if (!parsed.ok) return parsed.candidate;
  const record = readWebhookRecord(parsed.object);
  if (!record.ok) return malformed(record.problem, origin, idOf(parsed.object, 'transaction_uuid'));
  return formatStage(record.value, origin);
}

function readWebhookRecord(object: JsonObject) {
  const read = FieldReader.ofJson(object);
  const externalId = read.text('transaction_uuid');
  const roundId = read.text('round_id');
  const playerId = read.text('player');
  const gameCode = read.text('game_code');
  const kind = read.choice('type', kinds, 'BET');
  const amount = read.parsed('amount', read.numberText('amount'), minorUnitAmount, 'an integer of minor units', zeroAmount);
  const currency = read.text('currency');
  const funding = fundingOf(read.flag('is_bonus', { numeric: false }));
  const reference = read.optionalText('reference_transaction_uuid');
  const occurredAt = read.parsed('created_at', read.text('created_at'), rfc3339Instant, 'an RFC 3339 instant', '');
  return read.finish((): WireRecord => ({
    externalId, roundId, playerId, gameCode, kind, funding, amount, currency, occurredAt, reference,
  }));
}
