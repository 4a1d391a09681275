import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalAmount } from '../src/domain/amounts.ts';
import { canonicalInstantMs, csvInstant, epochMillisInstant, rfc3339Instant } from '../src/domain/instants.ts';
import { csvInstantReference, decimalAmountReference, epochMillisInstantReference, rfc3339InstantReference } from './support/parse-reference.ts';

/**
 * The instant and amount parsers read their text by position instead of with a pattern, and format the
 * canonical instant without Date#toISOString. These properties hold them to the pattern versions they
 * replaced (kept as oracles in support/parse-reference.ts) and to toISOString and Date.parse, for valid
 * text, for text that is almost valid, and for any text at all.
 */

const instantMsMax = 8.64e15;
/** 9999-12-31T23:59:59.999Z: up to here toISOString writes a four-digit year. */
const fourDigitYearMsMax = 253_402_300_799_999;

const msEdges = [
  0, 1, 999, 1000, 59_999, 60_000, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000,
  fourDigitYearMsMax, fourDigitYearMsMax + 1, instantMsMax - 1, instantMsMax, instantMsMax + 1,
];
const anyMs = fc.oneof(
  fc.constantFrom(...msEdges),
  fc.bigInt({ min: 0n, max: BigInt(instantMsMax) }).map(Number),
  fc.bigInt({ min: 0n, max: BigInt(fourDigitYearMsMax) }).map(Number),
);
/** Runs of nearby instants, crossing second, minute and day boundaries, as a batch's records are. */
const nearbyMsRun = fc
  .tuple(fc.bigInt({ min: 0n, max: BigInt(fourDigitYearMsMax) }).map(Number), fc.array(fc.integer({ min: -90_000_000, max: 90_000_000 }), { maxLength: 30 }))
  .map(([start, steps]) => steps.reduce((run, step) => [...run, Math.max(0, (run.at(-1) ?? start) + step)], [start]));

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const yearField = fc.oneof(fc.constantFrom(0, 1, 99, 100, 1582, 1899, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 9999), fc.integer({ min: 0, max: 9999 }));
const calendarFields = fc.record({
  year: yearField,
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)),
  hour: fc.integer({ min: 0, max: 25 }),
  minute: fc.integer({ min: 0, max: 60 }),
  second: fc.integer({ min: 0, max: 60 }),
  millis: fc.integer({ min: 0, max: 999 }),
  sign: fc.constantFrom('+', '-'),
  offsetHours: fc.oneof(fc.integer({ min: 0, max: 25 }), fc.constantFrom(0, 23, 24)),
  offsetMinutes: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(0, 59, 60)),
});

/** One character replaced, inserted or removed, or none: almost valid text, and sometimes valid text. */
const edit = fc.option(
  fc.record({
    at: fc.nat(30),
    mode: fc.constantFrom('replace', 'insert', 'delete'),
    char: fc.constantFrom('0', '9', 'x', ' ', 'T', 'Z', '+', '-', ':', '.', '/', '\u0000', '\u0663' /* ARABIC-INDIC 3 */, '\uff11' /* FULLWIDTH 1 */, '\ud800'),
  }),
  { freq: 3 },
);
function edited(text: string, change: { at: number; mode: string; char: string } | null): string {
  if (change === null) return text;
  const at = Math.min(change.at, text.length);
  if (change.mode === 'insert') return text.slice(0, at) + change.char + text.slice(at);
  if (change.mode === 'delete') return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + change.char + text.slice(at + 1);
}

const csvTexts = fc.tuple(calendarFields, edit).map(([f, change]) =>
  edited(`${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)} ${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${f.sign}${pad(f.offsetHours, 2)}:${pad(f.offsetMinutes, 2)}`, change),
);
const rfc3339Texts = fc.tuple(calendarFields, fc.stringMatching(/^(\.[0-9]{0,10})?$/), fc.boolean(), edit).map(([f, fraction, utc, change]) => {
  const zone = utc ? 'Z' : `${f.sign}${pad(f.offsetHours, 2)}:${pad(f.offsetMinutes, 2)}`;
  return edited(`${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${fraction}${zone}`, change);
});
const canonicalTexts = fc.tuple(calendarFields, edit).map(([f, change]) =>
  edited(`${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}.${pad(f.millis, 3)}Z`, change),
);

describe('fast instant parsing', () => {
  it('formats epoch milliseconds exactly as toISOString, and refuses what the pattern refused', () => {
    fc.assert(
      fc.property(anyMs, (ms) => {
        const expected = ms <= instantMsMax ? new Date(ms).toISOString() : null;
        expect(epochMillisInstant(String(ms))).toBe(expected);
        expect(epochMillisInstant(String(ms))).toBe(epochMillisInstantReference(String(ms)));
      }),
      { numRuns: 5000 },
    );
  });

  it('formats runs of nearby instants as toISOString does, whatever the last instant formatted', () => {
    fc.assert(
      fc.property(nearbyMsRun, (run) => {
        for (const ms of run) expect(epochMillisInstant(String(ms))).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('reads any epoch-milliseconds text as the pattern version does', () => {
    const odd = fc.constantFrom('', '-0', '-1', '00', '01', '1e3', '1E3', '1.0', '0.5', ' 1', '1 ', '+1', '8640000000000000', '8640000000000001', '9999999999999999', '99999999999999999', '\u0663', '\uff11', '1\u0000');
    fc.assert(
      fc.property(fc.oneof(odd, fc.stringMatching(/^-?[0-9]{0,18}$/), fc.string()), (text) => {
        expect(epochMillisInstant(text)).toBe(epochMillisInstantReference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads csv local times with offsets as the pattern version does, valid or not', () => {
    const fixed = fc.constantFrom(
      '2024-02-29 12:00:00+00:00', '2023-02-29 12:00:00+00:00', '2024-02-30 00:00:00+00:00', '2100-02-29 00:00:00+00:00',
      '2000-02-29 00:00:00+00:00', '0001-01-01 00:00:00+00:00', '0099-12-31 23:59:59-23:59', '0100-01-01 00:00:00+23:59',
      '9999-12-31 23:59:59+00:00', '9999-12-31 23:59:59-00:01', '9999-12-31 23:59:59-23:59', '2026-11-20 23:15:00+24:00',
      '2026-11-20 23:15:00-23:59', '2026-11-20 23:15:00+23:60', '1970-01-01 00:00:00+00:01', '0000-01-01 00:00:00+00:00',
    );
    fc.assert(
      fc.property(fc.oneof(fixed, csvTexts, fc.string({ maxLength: 30 })), (text) => {
        expect(csvInstant(text)).toBe(csvInstantReference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads RFC 3339 instants as the pattern version does, valid or not', () => {
    fc.assert(
      fc.property(fc.oneof(rfc3339Texts, fc.string({ maxLength: 40 })), (text) => {
        expect(rfc3339Instant(text)).toBe(rfc3339InstantReference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives Date.parse of any text, canonical instant or not', () => {
    fc.assert(
      fc.property(fc.oneof(canonicalTexts, rfc3339Texts, fc.string({ maxLength: 30 })), (text) => {
        expect(canonicalInstantMs(text)).toBe(Date.parse(text));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -62_167_219_200_000n, max: BigInt(fourDigitYearMsMax) }).map(Number), (ms) => {
        expect(canonicalInstantMs(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('fast decimal amount parsing', () => {
  it('reads any text as the pattern version does', () => {
    const amountLike = fc.stringMatching(/^-?[0-9]{0,64}(\.[0-9]{0,5})?$/);
    const odd = fc.constantFrom('', '-', '-0', '-0.00', '-0.01', '0', '00', '01', '0.', '.5', '1.', '1..2', '1.2.3', '1e3', '+1', ' 1', '1 ', '\uff11', '1,5');
    fc.assert(
      fc.property(fc.oneof(amountLike, odd, fc.string()), (text) => {
        expect(decimalAmount(text)).toStrictEqual(decimalAmountReference(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
