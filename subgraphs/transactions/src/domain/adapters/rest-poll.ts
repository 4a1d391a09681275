import type { TransactionKind } from '@clearhouse/kernel';
import { decimalAmount, zeroAmount } from '../amounts.ts';
import { formatStage, fundingOf, malformed, type Candidate, type WireRecord } from '../candidate.ts';
import { FieldReader } from '../field-reader.ts';
import { epochSecondsInstant } from '../instants.ts';
import { JsonObject, jsonTextOf, parseJsonText, type JsonValue } from '../json-text.ts';
import { idOf, jsonRecord } from './json-object.ts';

/** DESIGN.md 3.4: pages of items; `amount` a decimal string, `timestamp` epoch seconds with fraction. */
const kinds = new Map<string, TransactionKind>([
  ['DEBIT', 'BET'],
  ['CREDIT', 'WIN'],
  ['CANCEL', 'ROLLBACK'],
  ['JP_CONTRIB', 'JACKPOT_CONTRIBUTION'],
  ['JP_WIN', 'JACKPOT_WIN'],
]);

/** A page longer than this is refused: the poller asks for `limit` items, far below it. */
export const pollPageItemsMax = 10_000;

export interface PollPage {
  candidates: Candidate[];
  /** null when the provider has nothing more for now. */
  nextCursor: string | null;
}

/** A page that is not of the documented shape is a failed poll (retried), not a quarantine. */
export type PollPageResult = { ok: true; page: PollPage } | { ok: false; problem: string };

/** Parses one page text; each item keeps its own raw text. */
export function parsePollPage(text: string): PollPageResult {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, problem: `not JSON: ${parsed.error}` };
  const page = parsed.value;
  if (!(page instanceof JsonObject)) return { ok: false, problem: 'the page is not a JSON object' };
  const data = page.get('data');
  if (!Array.isArray(data)) return { ok: false, problem: 'data must be an array' };
  if (data.length > pollPageItemsMax) return { ok: false, problem: `more than ${pollPageItemsMax} items` };
  const cursor = page.get('next_cursor');
  if (cursor !== null && cursor !== undefined && typeof cursor !== 'string') return { ok: false, problem: 'next_cursor must be a string or null' };
  // Each item's `line` is its 1-based place in the page: held rollbacks of one page are released in
  // that order (they share a receipt instant), and a quarantined item says where it stood.
  return { ok: true, page: { candidates: data.map((item, index) => pollItemCandidate(item, index + 1)), nextCursor: cursor ?? null } };
}

/** Parses one item given as its own text (items stored or replayed one by one), with its place in its page. */
export function parsePollItem(text: string, line?: number): Candidate {
  const parsed = jsonRecord(line === undefined ? { raw: text } : { raw: text, line });
  return parsed.ok ? pollItemCandidate(parsed.object, line) : parsed.candidate;
}

function pollItemCandidate(item: JsonValue, line: number | undefined): Candidate {
  const origin = line === undefined ? { raw: jsonTextOf(item) } : { raw: jsonTextOf(item), line };
  if (!(item instanceof JsonObject)) return malformed('an item must be a JSON object', origin);
  const record = readPollRecord(item);
  if (!record.ok) return malformed(record.problem, origin, idOf(item, 'txnId'));
  return formatStage(record.value, origin);
}

function readPollRecord(object: JsonObject) {
  const read = FieldReader.ofJson(object);
  const externalId = read.text('txnId');
  const roundId = read.text('roundId');
  const playerId = read.text('userId');
  const gameCode = read.text('gameId');
  const kind = read.choice('txnType', kinds, 'BET');
  const amount = read.parsed('amount', read.text('amount'), decimalAmount, 'a decimal string', zeroAmount);
  const currency = read.text('currency');
  const funding = fundingOf(read.flag('bonus', { numeric: false }));
  const reference = read.optionalText('originalTxnId');
  const occurredAt = read.parsed('timestamp', read.numberText('timestamp'), epochSecondsInstant, 'epoch seconds', '');
  return read.finish((): WireRecord => ({
    externalId, roundId, playerId, gameCode, kind, funding, amount, currency, occurredAt, reference,
  }));
}
