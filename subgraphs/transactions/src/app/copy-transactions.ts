import type { TransactionSql } from '@clearhouse/kernel/db/index';
import { canonicalInstantMs, type NewRow } from '../domain/index.ts';

/**
 * A chunk's new rows in PostgreSQL's binary COPY format, built before the partner's lock is taken.
 * Binary, not text: the server then reads each uuid, numeric, timestamptz and integer as it is stored
 * instead of parsing its text, which is work done under the partner's lock (measured on this machine,
 * the same 100,000 rows into a copy of the table, three times each: text 535–605 ms, binary 420–443 ms). Only the
 * receipt instant is left out, since it is taken under the lock (held rollbacks are released in its
 * order): its 8 bytes are written at `receivedAtOffsets` by `copyTransactions`.
 */
export interface CopyData {
  bytes: Buffer;
  receivedAtOffsets: Int32Array;
}

/** "PGCOPY\n\377\r\n\0", then no flags and no header extension (PostgreSQL docs, COPY, Binary Format). */
const header = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
const columns = 16;
/** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix milliseconds. */
const postgresEpochMs = 946_684_800_000;
const twoTo32 = 4_294_967_296;
const numericPositive = 0x0000;
const numericNegative = 0x4000;
/** Stored amounts are canonical decimals ("1234.50", "-0.0001"): at most 60 digits (amountDigitsMax). */
const decimalPattern = /^-?\d+(?:\.\d+)?$/;

/** Bytes a row's fixed parts take at most: field count, 16 lengths, uuid, two instants, line, numeric header. */
const rowFixedBytes = 2 + columns * 4 + 16 + 8 + 8 + 4 + 8;

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** Text up to this long is written byte by byte while it is ASCII: a call into Buffer#write costs more. */
const asciiInlineMax = 64;

/** Writes `value` as a length-prefixed field (UTF-8 text; null as length -1); the offset after it. */
function writeText(buffer: Buffer, at: number, value: string | null): number {
  if (value === null) {
    buffer.writeInt32BE(-1, at);
    return at + 4;
  }
  let length = value.length;
  if (length <= asciiInlineMax) {
    let index = 0;
    for (; index < length; index += 1) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) break;
      buffer[at + 4 + index] = code;
    }
    // Past ASCII, the whole text again as UTF-8 (over the bytes written so far).
    if (index < length) length = buffer.write(value, at + 4, 'utf8');
  } else {
    length = buffer.write(value, at + 4, 'utf8');
  }
  buffer.writeInt32BE(length, at);
  return at + 4 + length;
}

/** A length-prefixed field of bytes already encoded (the partner's uuid, the source). */
function fieldOf(bytes: Buffer): Buffer {
  const field = Buffer.allocUnsafe(4 + bytes.length);
  field.writeInt32BE(bytes.length, 0);
  bytes.copy(field, 4);
  return field;
}

/** An instant's field: microseconds since 2000-01-01 UTC as an int64, exact for every JavaScript instant. */
export function writeInstant(buffer: Buffer, at: number, instantMs: number): number {
  if (!Number.isInteger(instantMs)) throw new Error(`not an instant: ${instantMs}`);
  buffer.writeInt32BE(8, at);
  const micros = (instantMs - postgresEpochMs) * 1000;
  if (Number.isSafeInteger(micros)) {
    const high = Math.floor(micros / twoTo32);
    buffer.writeInt32BE(high, at + 4);
    buffer.writeUInt32BE(micros - high * twoTo32, at + 8);
  } else {
    buffer.writeBigInt64BE(BigInt(instantMs - postgresEpochMs) * 1000n, at + 4);
  }
  return at + 12;
}

/**
 * A decimal's numeric field: base-10,000 digits aligned on the decimal point, the weight of the first,
 * the sign, and the display scale (the fraction digits as written, so "12.50" stays "12.50").
 */
export function writeNumeric(buffer: Buffer, at: number, decimal: string): number {
  if (!decimalPattern.test(decimal)) throw new Error(`not a canonical decimal: ${decimal}`);
  const negative = decimal.charCodeAt(0) === 0x2d;
  const point = decimal.indexOf('.');
  let integerStart = negative ? 1 : 0;
  const integerEnd = point === -1 ? decimal.length : point;
  while (integerStart < integerEnd && decimal.charCodeAt(integerStart) === 0x30) integerStart += 1;
  const fractionStart = integerEnd + 1;
  const fractionEnd = point === -1 ? integerEnd : decimal.length;
  const scale = point === -1 ? 0 : fractionEnd - fractionStart;
  const integerDigits = integerEnd - integerStart;
  const integerGroups = Math.ceil(integerDigits / 4);
  const groups: number[] = [];
  // Integer groups: the first takes what is left over from fours, counted from the point.
  let digit = integerStart - ((4 - (integerDigits % 4)) % 4);
  for (let group = 0; group < integerGroups; group += 1) {
    let value = 0;
    for (let index = 0; index < 4; index += 1, digit += 1) value = value * 10 + (digit >= integerStart ? decimal.charCodeAt(digit) - 0x30 : 0);
    groups.push(value);
  }
  // Fraction groups: fours from the point, the last padded with zeros on the right.
  for (let start = fractionStart; start < fractionEnd; start += 4) {
    let value = 0;
    for (let index = start; index < start + 4; index += 1) value = value * 10 + (index < fractionEnd ? decimal.charCodeAt(index) - 0x30 : 0);
    groups.push(value);
  }
  let weight = integerGroups - 1;
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first += 1;
    weight -= 1;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last -= 1;
  const digits = last - first;
  buffer.writeInt32BE(8 + 2 * digits, at);
  buffer.writeInt16BE(digits, at + 4);
  buffer.writeInt16BE(digits === 0 ? 0 : weight, at + 6);
  buffer.writeUInt16BE(negative && digits > 0 ? numericNegative : numericPositive, at + 8);
  buffer.writeInt16BE(scale, at + 10);
  let offset = at + 12;
  for (let index = first; index < last; index += 1, offset += 2) buffer.writeInt16BE(groups[index]!, offset);
  return offset;
}

/** The most bytes `text` takes in UTF-8 (three per UTF-16 unit) with its length. */
function textBound(text: string | null): number {
  return 4 + (text === null ? 0 : text.length * 3);
}

/**
 * Where rows are written before their bytes are copied out at their exact size: the bound allows three
 * bytes per UTF-16 unit of text, so a fresh buffer of that size per chunk was mostly never written. Only
 * `copyDataOf` uses it, synchronously, so no two chunks write it at once. It keeps the largest bound yet, up to `scratchBytesMax`.
 */
let scratch = Buffer.allocUnsafe(0);
/** A chunk bound larger than this (long raw texts) is written into a buffer of its own, not kept. */
const scratchBytesMax = 16 * 1024 * 1024;

export function copyDataOf(rows: readonly NewRow[], { partnerId, source }: { partnerId: string; source: string }): CopyData {
  const partnerField = fieldOf(uuidBytes(partnerId));
  const sourceField = fieldOf(Buffer.from(source, 'utf8'));
  let bound = header.length + 2;
  for (const row of rows) {
    bound += rowFixedBytes + partnerField.length + sourceField.length + 2 * (row.amount.length + 8);
    bound += textBound(row.externalId) + textBound(row.roundId) + textBound(row.playerId) + textBound(row.gameCode) + textBound(row.kind);
    bound += textBound(row.funding) + textBound(row.currency) + textBound(row.refersTo) + textBound(row.status);
    bound += textBound(row.status === 'HELD' ? row.raw : null);
  }
  if (scratch.length < bound && bound <= scratchBytesMax) scratch = Buffer.allocUnsafe(Math.min(scratchBytesMax, Math.max(bound, scratch.length * 2)));
  const buffer = bound <= scratch.length ? scratch : Buffer.allocUnsafe(bound);
  const receivedAtOffsets = new Int32Array(rows.length);
  let at = header.copy(buffer, 0);
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    at = buffer.writeInt16BE(columns, at);
    at += partnerField.copy(buffer, at);
    at = writeText(buffer, at, row.externalId);
    at = writeText(buffer, at, row.roundId);
    at = writeText(buffer, at, row.playerId);
    at = writeText(buffer, at, row.gameCode);
    at = writeText(buffer, at, row.kind);
    at = writeText(buffer, at, row.funding);
    at = writeNumeric(buffer, at, row.amount);
    at = writeText(buffer, at, row.currency);
    at = writeInstant(buffer, at, canonicalInstantMs(row.occurredAt));
    at = writeText(buffer, at, row.refersTo);
    at = writeText(buffer, at, row.status);
    receivedAtOffsets[index] = at;
    at += 12;
    at += sourceField.copy(buffer, at);
    at = writeText(buffer, at, row.status === 'HELD' ? row.raw : null);
    if (row.line === undefined) {
      at = buffer.writeInt32BE(-1, at);
    } else {
      at = buffer.writeInt32BE(4, at);
      at = buffer.writeInt32BE(row.line, at);
    }
  }
  at = buffer.writeInt16BE(-1, at);
  // A copy of the bytes written: the scratch buffer is written again by the next chunk's plan.
  return { bytes: Buffer.from(buffer.subarray(0, at)), receivedAtOffsets };
}

/**
 * Starts the COPY and hands it every row at once; the returned promise settles when the server has
 * stored them or refused them.
 *
 * postgres 3.4.9 never settles a COPY FROM STDIN writable that the server refuses after its end
 * (porsager/postgres#1173: in sql.begin the transaction then hangs, holding its connection and here the
 * partner's lock). The client still rejects the COPY query object itself, so that rejection is
 * observed too, and the refusal surfaces as an ordinary error that rolls the transaction back.
 * ingest-copy.pg.test.ts proves it.
 */
export async function copyTransactions(tx: TransactionSql, data: CopyData, receivedAt: Date): Promise<{ stored: Promise<void> }> {
  const query = tx`
    copy transactions.transactions
      (partner_id, external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, received_at, source, raw, line)
    from stdin with (format binary)`;
  const refused = new Promise<never>((_, reject) => {
    const client = query as unknown as { reject: (error: unknown) => void };
    const rejectQuery = client.reject;
    client.reject = (error) => {
      reject(error);
      rejectQuery(error);
    };
  });
  // Observed through the race below; until then (a COPY that does not even start) it must not be unhandled.
  refused.catch(() => undefined);
  const writable = await query.writable();
  const finished = new Promise<void>((resolve, reject) => {
    writable.once('error', reject);
    writable.once('finish', resolve);
  });
  for (const offset of data.receivedAtOffsets) writeInstant(data.bytes, offset, receivedAt.getTime());
  writable.write(data.bytes);
  writable.end();
  return { stored: Promise.race([finished, refused]) };
}
