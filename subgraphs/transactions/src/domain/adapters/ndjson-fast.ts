import type { TransactionKind } from '@clearhouse/kernel';
import { decimalAmountAt, type WireAmount } from '../amounts.ts';
import { fundingOf, type WireRecord } from '../candidate.ts';
import { textFieldLengthMax } from '../field-reader.ts';
import { epochMillisInstantAt } from '../instants.ts';

/**
 * The fast reader of an ndjson-batch line: one pass over the text for the shape nearly every line has,
 * a flat object of the ten known keys, each at most once, whose strings hold no escape. It answers the
 * wire record only when the general reader (`parseNdjsonLineGeneral`: full JSON parse, then the fields
 * by name) would answer the same record, and null for anything else: an escape, a nested value, an
 * unknown or repeated key, a missing or ill-typed field, a number outside the plain integer grammar,
 * text after the object, any field the general reader would refuse. Null is never a verdict; the caller
 * then asks the general reader, which alone words the problems.
 *
 * Why it is worth its length: the general reader builds a Map, a JsonNumber per number and a closure
 * per record, and costs three times the rest of ingest per line.
 */

// One bit per key, to find a repeated key and a missing one without a Set.
const keyId = 1 << 0;
const keyRound = 1 << 1;
const keyPlayer = 1 << 2;
const keyGame = 1 << 3;
const keyKind = 1 << 4;
const keyAmount = 1 << 5;
const keyCcy = 1 << 6;
const keyBonus = 1 << 7;
const keyRef = 1 << 8;
const keyTs = 1 << 9;
/** `ref` may be absent (the general reader's `optionalText`); every other key is required. */
const keysRequired = keyId | keyRound | keyPlayer | keyGame | keyKind | keyAmount | keyCcy | keyBonus | keyTs;

const quote = 0x22;
const comma = 0x2c;
const colon = 0x3a;
const braceOpen = 0x7b;
const braceClose = 0x7d;

/** `kinds` is the adapter's table of wire kinds (`ndjsonKinds`), passed in so this file imports no adapter. */
export function readNdjsonFast(text: string, kinds: ReadonlyMap<string, TransactionKind>): WireRecord | null {
  // Without a backslash anywhere, no string has an escape and the first quote after an opening one
  // closes it, so strings are found with indexOf, far cheaper than a loop over their characters.
  if (text.indexOf('\\') >= 0) return null;
  let at = skipWhitespace(text, 0);
  if (text.charCodeAt(at) !== braceOpen) return null;
  at = skipWhitespace(text, at + 1);
  let seen = 0;
  let externalId = '';
  let roundId = '';
  let playerId = '';
  let gameCode = '';
  let kind: TransactionKind | undefined;
  let amount: WireAmount | null = null;
  let currency = '';
  let bonus = false;
  let reference: string | null = null;
  let occurredAt: string | null = null;
  // Each pass reads one member of a distinct known key, so there are at most ten passes. The character
  // after each token is read once and whitespace skipped only when there is some.
  for (;;) {
    const key = keyAt(text, at);
    if (key === 0 || (seen & key) !== 0) return null;
    seen |= key;
    at += keyLength(key) + 2;
    if (text.charCodeAt(at) !== colon) {
      at = skipWhitespace(text, at);
      if (text.charCodeAt(at) !== colon) return null;
    }
    at += 1;
    let code = text.charCodeAt(at);
    if (code <= 0x20) {
      at = skipWhitespace(text, at);
      code = text.charCodeAt(at);
    }
    if (key === keyTs) {
      const start = at;
      while (code >= 0x30 && code <= 0x39) {
        at += 1;
        code = text.charCodeAt(at);
      }
      // A fraction, an exponent or a sign leaves a character here that the member end check refuses.
      occurredAt = epochMillisInstantAt(text, start, at);
      if (occurredAt === null) return null;
    } else if (key === keyBonus) {
      if (code === 0x30 /* 0 */ || code === 0x31 /* 1 */) {
        bonus = code === 0x31;
        at += 1;
      } else if (text.startsWith('true', at)) {
        bonus = true;
        at += 4;
      } else if (text.startsWith('false', at)) {
        bonus = false;
        at += 5;
      } else {
        return null;
      }
      code = text.charCodeAt(at);
    } else if (key === keyRef && code !== quote) {
      if (!text.startsWith('null', at)) return null;
      reference = null;
      at += 4;
      code = text.charCodeAt(at);
    } else {
      if (code !== quote) return null;
      const end = text.indexOf('"', at + 1);
      if (end < 0) return null;
      const length = end - at - 1;
      if (key === keyAmount) {
        // The amount grammar admits digits, '-' and '.' only, so no control character gets through.
        if (length === 0 || length > textFieldLengthMax) return null;
        amount = decimalAmountAt(text, at + 1, end);
        if (amount === null) return null;
      } else if (key === keyRef) {
        // Too long reads as no reference, but only once its characters are known to be valid JSON.
        if (length > textFieldLengthMax) return null;
        const value = text.slice(at + 1, end);
        if (hasControlCharacter(value)) return null;
        reference = length > 0 ? value : null;
      } else {
        if (length === 0 || length > textFieldLengthMax) return null;
        // The check runs on the copy: a short slice is a flat string, cheaper to read than the line.
        const value = text.slice(at + 1, end);
        if (key === keyKind) {
          kind = kinds.get(value);
          if (kind === undefined) return null;
        } else {
          if (hasControlCharacter(value)) return null;
          if (key === keyId) externalId = value;
          else if (key === keyRound) roundId = value;
          else if (key === keyPlayer) playerId = value;
          else if (key === keyGame) gameCode = value;
          else currency = value;
        }
      }
      at = end + 1;
      code = text.charCodeAt(at);
    }
    if (code <= 0x20) {
      at = skipWhitespace(text, at);
      code = text.charCodeAt(at);
    }
    if (code === comma) {
      at += 1;
      if (text.charCodeAt(at) <= 0x20) at = skipWhitespace(text, at);
      continue;
    }
    if (code !== braceClose) return null;
    if (skipWhitespace(text, at + 1) !== text.length || (seen & keysRequired) !== keysRequired) return null;
    // All required keys were seen, so these hold values read above, not their initial placeholders.
    if (kind === undefined || amount === null || occurredAt === null) return null;
    return {
      externalId, roundId, playerId, gameCode, kind, funding: fundingOf(bonus), amount, currency, occurredAt, reference,
    };
  }
}

/** JSON strings hold no raw character below U+0020; the general parser refuses the line. */
function hasControlCharacter(value: string): boolean {
  for (let at = 0; at < value.length; at += 1) {
    if (value.charCodeAt(at) < 0x20) return true;
  }
  return false;
}

/**
 * The bit of the known key whose quoted name starts at `at`, or 0 for anything else. Matching the name
 * with its closing quote spares a scan for the string's end; a key with an escape matches no name.
 */
function keyAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== quote) return 0;
  switch (text.charCodeAt(at + 1)) {
    case 0x69 /* i */:
      return text.startsWith('id"', at + 1) ? keyId : 0;
    case 0x72 /* r */:
      if (text.startsWith('round"', at + 1)) return keyRound;
      return text.startsWith('ref"', at + 1) ? keyRef : 0;
    case 0x70 /* p */:
      return text.startsWith('player"', at + 1) ? keyPlayer : 0;
    case 0x67 /* g */:
      return text.startsWith('game"', at + 1) ? keyGame : 0;
    case 0x6b /* k */:
      return text.startsWith('kind"', at + 1) ? keyKind : 0;
    case 0x61 /* a */:
      return text.startsWith('amount"', at + 1) ? keyAmount : 0;
    case 0x63 /* c */:
      return text.startsWith('ccy"', at + 1) ? keyCcy : 0;
    case 0x62 /* b */:
      return text.startsWith('bonus"', at + 1) ? keyBonus : 0;
    case 0x74 /* t */:
      return text.startsWith('ts"', at + 1) ? keyTs : 0;
    default:
      return 0;
  }
}

/** The length of a key's name, to step over it once `keyAt` has matched it. */
function keyLength(key: number): number {
  switch (key) {
    case keyId:
    case keyTs:
      return 2;
    case keyCcy:
    case keyRef:
      return 3;
    case keyGame:
    case keyKind:
      return 4;
    case keyRound:
    case keyBonus:
      return 5;
    default:
      return 6;
  }
}

/** JSON whitespace: ' ', '\t', '\n', '\r'. Past the end charCodeAt is NaN, which is none of them. */
function skipWhitespace(text: string, start: number): number {
  let at = start;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return at;
    at += 1;
  }
}
