import type { TransactionKind } from '@clearhouse/kernel';
import { decimalAmount, zeroAmount } from '../amounts.ts';
import { formatStage, fundingOf, malformed, type Candidate, type WireRecord } from '../candidate.ts';
import { FieldReader } from '../field-reader.ts';
import { epochMillisInstant } from '../instants.ts';
import type { JsonObject } from '../json-text.ts';
import { idOf, jsonRecord } from './json-object.ts';
import { splitLines } from './lines.ts';
import { readNdjsonFast } from './ndjson-fast.ts';

/** DESIGN.md 3.2: one JSON object per line; `amount` is a decimal string, `ts` epoch milliseconds. */
export const ndjsonKinds: ReadonlyMap<string, TransactionKind> = new Map<string, TransactionKind>([
  ['BET', 'BET'],
  ['WIN', 'WIN'],
  ['ROLLBACK', 'ROLLBACK'],
  ['JP_CONTRIB', 'JACKPOT_CONTRIBUTION'],
  ['JP_WIN', 'JACKPOT_WIN'],
]);

/** Turns one line of a batch body into a candidate. `line` is 1-based. */
export function parseNdjsonLine(text: string, line: number): Candidate {
  const record = readNdjsonFast(text, ndjsonKinds);
  if (record !== null) return formatStage(record, { raw: text, line });
  return parseNdjsonLineGeneral(text, line);
}

/**
 * The general reader: a full JSON parse, then the fields by name. It decides every line the fast reader
 * gives up on, so it alone writes the detail of a malformed line. Exported for the equivalence tests.
 */
export function parseNdjsonLineGeneral(text: string, line: number): Candidate {
  const origin = { raw: text, line };
  const parsed = jsonRecord(origin);
  if (!parsed.ok) return parsed.candidate;
  const record = readNdjsonRecord(parsed.object);
  if (!record.ok) return malformed(record.problem, origin, idOf(parsed.object, 'id'));
  return formatStage(record.value, origin);
}

/** Turns a whole batch body into candidates, one per non-blank line, numbered as in the body. */
export function parseNdjsonBody(body: string): Candidate[] {
  return splitLines(body).map(({ text, line }) => parseNdjsonLine(text, line));
}

function readNdjsonRecord(object: JsonObject) {
  const read = FieldReader.ofJson(object);
  const externalId = read.text('id');
  const roundId = read.text('round');
  const playerId = read.text('player');
  const gameCode = read.text('game');
  const kind = read.choice('kind', ndjsonKinds, 'BET');
  const amount = read.parsed('amount', read.text('amount'), decimalAmount, 'a decimal string', zeroAmount);
  const currency = read.text('ccy');
  const funding = fundingOf(read.flag('bonus', { numeric: true }));
  const reference = read.optionalText('ref');
  const occurredAt = read.parsed('ts', read.numberText('ts'), epochMillisInstant, 'epoch milliseconds', '');
  return read.finish((): WireRecord => ({
    externalId, roundId, playerId, gameCode, kind, funding, amount, currency, occurredAt, reference,
  }));
}
