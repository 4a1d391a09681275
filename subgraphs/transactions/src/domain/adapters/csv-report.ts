import type { TransactionKind } from '@clearhouse/kernel';
import { commaDecimalAmount, zeroAmount } from '../amounts.ts';
import { formatStage, fundingOf, malformed, type Candidate, type WireRecord } from '../candidate.ts';
import { FieldReader } from '../field-reader.ts';
import { csvInstant } from '../instants.ts';
import { readCsvFast } from './csv-fast.ts';
import { splitLines } from './lines.ts';

/**
 * DESIGN.md 3.3: a ';'-separated daily file with a header row. Files may hold millions of lines, so the
 * unit of work is one line: the infra layer streams the file, parses the header once with
 * `parseCsvHeader`, then each data line with `parseCsvLine`. Fields never contain ';' (no quoting).
 */
const columns = ['TxID', 'RoundID', 'PlayerID', 'GameID', 'Type', 'Amount', 'Currency', 'BonusFlag', 'RefTxID', 'Timestamp'] as const;
type Column = (typeof columns)[number];

export const csvKinds: ReadonlyMap<string, TransactionKind> = new Map<string, TransactionKind>([
  ['B', 'BET'],
  ['W', 'WIN'],
  ['R', 'ROLLBACK'],
  ['JC', 'JACKPOT_CONTRIBUTION'],
  ['JW', 'JACKPOT_WIN'],
]);
export const csvBonusFlags: ReadonlyMap<string, boolean> = new Map<string, boolean>([
  ['Y', true],
  ['N', false],
]);

/** More columns than this is not the report; the bound keeps a garbage header from costing memory. */
export const csvColumnsMax = 64;

/** Where each known column sits in a line; extra columns are allowed and ignored. */
export interface CsvHeader {
  indexOf: ReadonlyMap<Column, number>;
  width: number;
}

export type CsvHeaderResult = { ok: true; header: CsvHeader } | { ok: false; problem: string };

/** Reads the header row (the first line of the file; a UTF-8 BOM and a trailing CR are removed). */
export function parseCsvHeader(text: string): CsvHeaderResult {
  const names = stripLineEnd(text.startsWith('\uFEFF') ? text.slice(1) : text).split(';');
  if (names.length > csvColumnsMax) return { ok: false, problem: `more than ${csvColumnsMax} columns` };
  const indexOf = new Map<Column, number>();
  for (const column of columns) {
    const index = names.indexOf(column);
    if (index < 0) return { ok: false, problem: `the header has no ${column} column` };
    if (names.lastIndexOf(column) !== index) return { ok: false, problem: `the header has ${column} twice` };
    indexOf.set(column, index);
  }
  return { ok: true, header: { indexOf, width: names.length } };
}

/** Turns one data line (1-based `line` number in the file) into a candidate. */
export function parseCsvLine(header: CsvHeader, text: string, line: number): Candidate {
  const raw = stripLineEnd(text);
  const record = readCsvFast(header, raw, csvKinds, csvBonusFlags);
  if (record !== null) return formatStage(record, { raw, line });
  return parseCsvLineGeneral(header, text, line);
}

/**
 * The general reader: split, then the fields by name. It decides every line the fast reader gives up
 * on, so it alone writes the detail of a malformed line. Exported for the equivalence tests.
 */
export function parseCsvLineGeneral(header: CsvHeader, text: string, line: number): Candidate {
  const raw = stripLineEnd(text);
  const origin = { raw, line };
  const cells = raw.split(';');
  const cellOf = (column: Column): string | undefined => cells[header.indexOf.get(column) ?? -1];
  const externalId = cellOf('TxID') || undefined;
  if (cells.length !== header.width) {
    return malformed(`expected ${header.width} fields, got ${cells.length}`, origin, externalId);
  }
  const read = new FieldReader((key) => cellOf(key as Column));
  const fields = {
    externalId: read.text('TxID'),
    roundId: read.text('RoundID'),
    playerId: read.text('PlayerID'),
    gameCode: read.text('GameID'),
    kind: read.choice('Type', csvKinds, 'BET'),
    amount: read.parsed('Amount', read.text('Amount'), commaDecimalAmount, 'a decimal-comma amount', zeroAmount),
    currency: read.text('Currency'),
    funding: fundingOf(read.choice('BonusFlag', csvBonusFlags, false)),
    reference: read.optionalText('RefTxID'),
    occurredAt: read.parsed('Timestamp', read.text('Timestamp'), csvInstant, 'a local time with offset', ''),
  };
  // Every field is read before `finish`, which reports the first problem.
  const record = read.finish((): WireRecord => fields);
  if (!record.ok) return malformed(record.problem, origin, externalId);
  return formatStage(record.value, origin);
}

export type CsvReportResult = { ok: true; candidates: Candidate[] } | { ok: false; problem: string };

/** Parses a whole report held in memory (tests, small uploads); large files go line by line. */
export function parseCsvReport(text: string): CsvReportResult {
  const [headerLine, ...dataLines] = splitLines(text);
  if (headerLine === undefined) return { ok: false, problem: 'the file is empty' };
  const parsedHeader = parseCsvHeader(headerLine.text);
  if (!parsedHeader.ok) return parsedHeader;
  const { header } = parsedHeader;
  return { ok: true, candidates: dataLines.map(({ text: lineText, line }) => parseCsvLine(header, lineText, line)) };
}

function stripLineEnd(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
