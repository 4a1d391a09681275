import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvBonusFlags, csvKinds, parseCsvHeader, parseCsvLine, parseCsvLineGeneral, type CsvHeader } from '../src/domain/adapters/csv-report.ts';
import { readCsvFast } from '../src/domain/adapters/csv-fast.ts';
import { ndjsonKinds, parseNdjsonLine, parseNdjsonLineGeneral } from '../src/domain/adapters/ndjson-batch.ts';
import { readNdjsonFast } from '../src/domain/adapters/ndjson-fast.ts';

/**
 * The ndjson and csv adapters read the common line with a fast reader and give every other line to the
 * general reader. Whichever reads it, a line must come out exactly as the general reader alone makes
 * it: same verdict, reason, detail, externalId, raw text, line number and transaction. The generators
 * build mostly well-formed lines and then spoil them in the ways providers do (escapes, whitespace,
 * repeated or unknown keys, nested values, odd numbers, control and non-ASCII characters, bad dates),
 * so both readers see every kind of line.
 */

const idText = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/);
/** Characters that trouble a reader: quotes, escapes, controls, non-ASCII, lone surrogates, separators. */
const oddChar = fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', ';', ',', ':', '{', '}', '\u0000', '\u001f', '\t', '\n', '\r', '\u007f', '\u00e9', '\u20ac', '\u2028', '\ud83d\ude00', '\ud800', '\udc00', '\ufeff');
const oddText = fc.array(oddChar, { maxLength: 8 }).map((chars) => chars.join(''));
const epochMs = fc.oneof(
  fc.constantFrom(0, 1, 1_795_209_303_120, 253_402_300_799_999, 253_402_300_800_000, 8.64e15),
  fc.bigInt({ min: 0n, max: 8_640_000_000_000_000n }).map(Number),
  fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }).map((seconds) => seconds * 1000 + 7),
);

// ndjson: JSON texts of values, good ones per key and troublesome ones of any key.
const jsonString = (text: fc.Arbitrary<string>) => text.map((value) => `"${value}"`);
const oddJsonValue = fc.oneof(
  jsonString(oddText),
  oddText.map((value) => JSON.stringify(value)),
  fc.constantFrom('""', `"${'a'.repeat(256)}"`, `"${'a'.repeat(257)}"`, '"\\u0041"', '"A\\/1"', '"\\x"'),
  fc.constantFrom('0', '1', '-0', '0.5', '1e3', '1E+3', '01', '00', '-1', '2', '1.0', '1.', '.5', '-', '+1', '1795209303120.5', '8640000000000001', '99999999999999999', '123456789012345678901234567890'),
  fc.constantFrom('true', 'false', 'null', 'tru', 'nul', 'True', '{}', '[]', '{"a":1}', '[1,"x"]', '"1"', '"0"'),
);
const goodValues: Record<string, fc.Arbitrary<string>> = {
  id: jsonString(idText),
  round: jsonString(idText),
  player: jsonString(idText),
  game: jsonString(idText),
  kind: fc.constantFrom('"BET"', '"WIN"', '"ROLLBACK"', '"JP_CONTRIB"', '"JP_WIN"'),
  amount: jsonString(fc.stringMatching(/^-?(0|[1-9][0-9]{0,9})(\.[0-9]{1,6})?$/)),
  ccy: fc.constantFrom('"EUR"', '"USD"', '"JPY"', '"BHD"', '"XTS"'),
  bonus: fc.constantFrom('0', '1', 'true', 'false'),
  ref: fc.oneof(fc.constant('null'), jsonString(idText), fc.constant('""')),
  ts: epochMs.map(String),
};
const knownKeys = Object.keys(goodValues);
const unknownKeys = ['x', 'ID', 'id ', 'amount2', '', '\\u0069d', 'i\\"d', 'ts\u0000'];

interface MemberSpec {
  key: string;
  value: string;
}

/** How many times each known key appears: mostly once, sometimes missing or twice. */
const occurrences = fc.oneof({ weight: 40, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2) });
const jsonWhitespace = fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', ' \t ') });
/** Spaces between the tokens of a line: none, JSON whitespace, or JSON whitespace with one space JSON does not allow. */
function lineWhitespace(good: boolean): fc.Arbitrary<string[]> {
  const none = fc.constant(Array.from({ length: 64 }, () => ''));
  const json = fc.array(jsonWhitespace, { minLength: 64, maxLength: 64 });
  if (good) return fc.oneof(none, json);
  const spoiled = fc
    .tuple(json, fc.nat(63), fc.constantFrom('\u00a0', '\f', '\v', '\u2028', '\ufeff'))
    .map(([spaces, at, bad]) => spaces.map((space, index) => (index === at ? bad : space)));
  return fc.oneof({ weight: 5, arbitrary: none }, { weight: 4, arbitrary: json }, { weight: 1, arbitrary: spoiled });
}

function memberSpecs(good: boolean): fc.Arbitrary<MemberSpec[]> {
  const valueOf = (key: string) => (good ? goodValues[key]! : fc.oneof({ weight: 30, arbitrary: goodValues[key]! }, { weight: 1, arbitrary: oddJsonValue }));
  const known = fc.tuple(...knownKeys.map((key) => fc.tuple(good ? fc.constant(1) : occurrences, fc.array(valueOf(key), { minLength: 2, maxLength: 2 }))));
  const unknown = good
    ? fc.constant([])
    : fc.oneof({ weight: 9, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.tuple(fc.record({ key: fc.constantFrom(...unknownKeys), value: oddJsonValue })) });
  const order = fc.array(fc.nat(), { minLength: 16, maxLength: 16 });
  return fc.tuple(known, unknown, order).map(([counts, extra, draws]) => {
    const members: MemberSpec[] = [];
    counts.forEach(([count, values], index) => {
      for (let n = 0; n < count; n += 1) members.push({ key: knownKeys[index]!, value: values[n]! });
    });
    members.push(...extra);
    // Fisher-Yates with the drawn numbers, so shrinking keeps the order reproducible.
    for (let index = members.length - 1; index > 0; index -= 1) {
      const other = (draws[index] ?? 0) % (index + 1);
      [members[index], members[other]] = [members[other]!, members[index]!];
    }
    return members;
  });
}

function ndjsonLine(good: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(
      memberSpecs(good),
      lineWhitespace(good),
      good ? fc.constant('') : fc.oneof({ weight: 20, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', 'x', ',', '}', '{}', '\u0000') }),
    )
    .map(([members, spaces, trailer]) => {
      let next = 0;
      const ws = () => spaces[next++ % spaces.length]!;
      const body = members.map(({ key, value }) => `${ws()}"${key}"${ws()}:${ws()}${value}${ws()}`).join(',');
      return `${ws()}{${body}}${ws()}${trailer}`;
    });
}

/** Mostly nothing, else one character replaced, inserted or removed somewhere. */
const edit = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(400), mode: fc.constantFrom('replace', 'insert', 'delete'), char: oddChar }) },
);
function edited(text: string, change: { at: number; mode: string; char: string } | null): string {
  if (change === null) return text;
  const at = change.at % (text.length + 1);
  if (change.mode === 'insert') return text.slice(0, at) + change.char + text.slice(at);
  if (change.mode === 'delete') return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + change.char + text.slice(at + 1);
}

// csv: cells per column, good ones and troublesome ones.
const columns = ['TxID', 'RoundID', 'PlayerID', 'GameID', 'Type', 'Amount', 'Currency', 'BonusFlag', 'RefTxID', 'Timestamp'];
const pad = (value: number, width: number) => String(value).padStart(width, '0');
const csvTimestampAny = fc
  .record({
    year: fc.oneof(fc.constantFrom(1, 99, 100, 2023, 2024, 9999), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30)),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    sign: fc.constantFrom('+', '-'),
    offsetHours: fc.integer({ min: 0, max: 24 }),
    offsetMinutes: fc.constantFrom(0, 30, 59, 60),
  })
  .map((f) => `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)} ${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${f.sign}${pad(f.offsetHours, 2)}:${pad(f.offsetMinutes, 2)}`);
/** Mostly plausible times, often at a boundary (a leap day, an offset at its limit), sometimes impossible ones. */
const csvTimestamp = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 946_684_800, max: 4_102_444_799 }).map((seconds) => `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}+01:00`) },
  { weight: 2, arbitrary: csvTimestampAny },
);
const goodCells: Record<string, fc.Arbitrary<string>> = {
  TxID: idText,
  RoundID: idText,
  PlayerID: idText,
  GameID: idText,
  Type: fc.constantFrom('B', 'W', 'R', 'JC', 'JW'),
  Amount: fc.oneof(fc.stringMatching(/^-?([0-9]{1,3}(\.[0-9]{3}){1,3}|[0-9]{1,9})(,[0-9]{1,4})?$/), fc.constantFrom('0', '-0', '-0,00', '007,50', '1.234,50')),
  Currency: fc.constantFrom('EUR', 'USD', 'JPY', 'BHD', 'XTS'),
  BonusFlag: fc.constantFrom('Y', 'N'),
  RefTxID: fc.oneof(fc.constant(''), idText),
  Timestamp: csvTimestamp,
};
const oddCell = fc.oneof(
  oddText.map((text) => text.replaceAll(';', '')),
  fc.constantFrom('', ' ', 'a'.repeat(256), 'a'.repeat(257), 'b', 'BET', 'y', '1', 'eur', '1,2,3', '1.23', '1.2345,00', '-', '9'.repeat(61), '2026-11-20T23:15:00Z', '2026-11-20 23:15:00'),
);

function csvCase(good: boolean): fc.Arbitrary<{ header: CsvHeader; text: string }> {
  const extraColumns = good ? fc.constant([]) : fc.subarray(['Note', 'Extra', ''], { maxLength: 2 });
  const order = fc.array(fc.nat(), { minLength: 13, maxLength: 13 });
  const cellOf = (column: string) => (good ? (goodCells[column] ?? idText) : fc.oneof({ weight: 25, arbitrary: goodCells[column] ?? oddCell }, { weight: 1, arbitrary: oddCell }));
  const cells = fc.tuple(...[...columns, 'Note', 'Extra', ''].map(cellOf));
  const ending = good
    ? fc.constantFrom('', '\r')
    : fc.oneof({ weight: 12, arbitrary: fc.constantFrom('', '\r') }, { weight: 1, arbitrary: fc.constantFrom('\r\r', ';', ';x', '\n', ' ') });
  const dropLast = good ? fc.constant(false) : fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc.tuple(extraColumns, order, cells, ending, dropLast).map(([extra, draws, values, end, drop]) => {
    const names = [...columns, ...extra];
    for (let index = names.length - 1; index > 0; index -= 1) {
      const other = (draws[index] ?? 0) % (index + 1);
      [names[index], names[other]] = [names[other]!, names[index]!];
    }
    const parsed = parseCsvHeader(names.join(';'));
    if (!parsed.ok) throw new Error(`the generated header is not usable: ${parsed.problem}`);
    const allColumns = [...columns, 'Note', 'Extra', ''];
    const lineCells = names.map((name) => values[allColumns.indexOf(name)]!);
    if (drop) lineCells.pop();
    return { header: parsed.header, text: lineCells.join(';') + end };
  });
}

describe('the fast ndjson reader', () => {
  it('makes of any line exactly what the general reader makes of it', () => {
    const lines = fc.tuple(ndjsonLine(false), edit).map(([text, change]) => edited(text, change));
    fc.assert(
      fc.property(lines, fc.integer({ min: 1, max: 1_000_000 }), (text, line) => {
        expect(parseNdjsonLine(text, line)).toStrictEqual(parseNdjsonLineGeneral(text, line));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads every well-formed line itself, as the general reader does', () => {
    fc.assert(
      fc.property(ndjsonLine(true), (text) => {
        expect(readNdjsonFast(text, ndjsonKinds)).not.toBeNull();
        expect(parseNdjsonLine(text, 1)).toStrictEqual(parseNdjsonLineGeneral(text, 1));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the general reader on hand-picked troublesome lines', () => {
    const good = '{"id":"A-1","round":"R-1","player":"u9","game":"GX-204","kind":"BET","amount":"12.3400","ccy":"USD","bonus":0,"ref":null,"ts":1795209303120}';
    const variants = [
      good,
      good.replace('"ts":1795209303120', '"ts":0'),
      good.replace('"ts":1795209303120', '"ts":8640000000000000'),
      good.replace('"ts":1795209303120', '"ts":8640000000000001'),
      good.replace('"ts":1795209303120', '"ts":253402300800000'),
      good.replace('"ts":1795209303120', '"ts":01795209303120'),
      good.replace('"ts":1795209303120', '"ts":1795209303120.0'),
      good.replace('"ts":1795209303120', '"ts":1.79520930312e12'),
      good.replace('"ts":1795209303120', '"ts":-0'),
      good.replace('"bonus":0', '"bonus":-0'),
      good.replace('"bonus":0', '"bonus":0.5'),
      good.replace('"bonus":0', '"bonus":1e0'),
      good.replace('"bonus":0', '"bonus":00'),
      good.replace('"id":"A-1"', '"id":"A\\u002d1"'),
      good.replace('"id":"A-1"', '"\\u0069d":"A-1"'),
      good.replace('"id":"A-1"', '"id":"A-1","id":"A-2"'),
      good.replace('"id":"A-1"', '"id":"A\u0000"'),
      good.replace('"id":"A-1"', '"id":"A\ud800"'),
      good.replace('"id":"A-1"', '"id":"\u00c5-1"'),
      good.replace('"ref":null', '"ref":"A\u0001"'),
      good.replace('"ref":null', `"ref":"${'r'.repeat(257)}"`),
      good.replace('"ref":null', `"ref":"${'r'.repeat(256)}\u0001"`),
      good.replace('"ref":null', '"ref":7'),
      good.replace('"ref":null', '"ref":{}'),
      good.replace('"ref":null,', ''),
      good.replace('"kind":"BET"', '"kind":"ROLLBACK"'),
      good.replace('"amount":"12.3400"', '"amount":"-12.3400"'),
      good.replace('"amount":"12.3400"', '"amount":"-0.00"'),
      good.replace('"amount":"12.3400"', '"amount":"012.34"'),
      good.replace('"amount":"12.3400"', '"amount":"1\u0000"'),
      good.replace('"ccy":"USD"', '"ccy":"US\u0000"'),
      good.replace('"ccy":"USD"', '"ccy":"XTS"'),
      ` \t${good}\r\n `,
      `${good} x`,
      `${good},`,
      `[${good}]`,
      good.replaceAll(',', ' , ').replaceAll(':', ' : '),
      good.slice(0, -1),
      good.replace('{', '{"x":1,'),
      '{}',
      '',
      'null',
    ];
    for (const text of variants) expect(parseNdjsonLine(text, 9), text).toStrictEqual(parseNdjsonLineGeneral(text, 9));
  });
});

describe('the fast csv reader', () => {
  it('makes of any line exactly what the general reader makes of it', () => {
    const cases = fc.tuple(csvCase(false), edit).map(([{ header, text }, change]) => ({ header, text: edited(text, change) }));
    fc.assert(
      fc.property(cases, fc.integer({ min: 2, max: 1_000_000 }), ({ header, text }, line) => {
        expect(parseCsvLine(header, text, line)).toStrictEqual(parseCsvLineGeneral(header, text, line));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads every well-formed line itself, as the general reader does', () => {
    fc.assert(
      fc.property(csvCase(true), ({ header, text }) => {
        // Timestamps are generated valid or not; only a valid one makes the line well-formed.
        const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
        const general = parseCsvLineGeneral(header, text, 2);
        if (general.ok || general.reason !== 'MALFORMED') expect(readCsvFast(header, raw, csvKinds, csvBonusFlags)).not.toBeNull();
        expect(parseCsvLine(header, text, 2)).toStrictEqual(general);
      }),
      { numRuns: 5000 },
    );
  });
});
