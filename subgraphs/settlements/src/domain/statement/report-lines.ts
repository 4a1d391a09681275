import { ClearhouseError, isActiveCurrency, parseDecimal, ZERO, type Decimal } from '@clearhouse/kernel';

/**
 * Reading of the providers' reconciliation files: UTF-8 text, an optional BOM, CRLF or LF line ends,
 * `;` between fields, a fixed header row, no quoting (fields never contain `;`). Blank lines are
 * skipped. Line numbers count from 1 at the header, as an editor shows them.
 */
export interface ReportLine {
  line: number;
  fields: string[];
}

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface ReportBounds {
  linesMax: number;
  lineLengthMax: number;
}

export function readReportLines(
  text: string,
  header: readonly string[],
  bounds: ReportBounds,
): { lines: ReportLine[]; rejected: RejectedLine[] } | ClearhouseError {
  // The text bound is checked before splitting, so an oversized upload never becomes a huge array.
  if (text.length > (bounds.linesMax + 1) * (bounds.lineLengthMax + 2)) return tooLarge(bounds);
  const rawLines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  const headerText = rawLines[0]?.trim() ?? '';
  if (headerText !== header.join(';')) {
    return new ClearhouseError('BAD_INPUT', `line 1: the header must be "${header.join(';')}"`, { line: 1 });
  }
  const lines: ReportLine[] = [];
  const rejected: RejectedLine[] = [];
  for (let index = 1; index < rawLines.length; index += 1) {
    const raw = rawLines[index]!;
    const line = index + 1;
    if (raw.trim().length === 0) continue;
    if (lines.length + rejected.length >= bounds.linesMax) return tooLarge(bounds);
    if (raw.length > bounds.lineLengthMax) {
      rejected.push({ line, reason: `longer than ${bounds.lineLengthMax} characters` });
      continue;
    }
    const fields = raw.split(';').map((field) => field.trim());
    if (fields.length !== header.length) {
      rejected.push({ line, reason: `expected ${header.length} fields separated by ';', found ${fields.length}` });
      continue;
    }
    lines.push({ line, fields });
  }
  return { lines, rejected };
}

/** A non-negative exact amount with '.' as the decimal point, or the reason it is not one. */
export function readAmount(field: string, name: string): Decimal | string {
  const amount = parseDecimal(field);
  if (amount === null) return `${name} "${field}" is not a decimal number with '.' as the decimal point`;
  if (amount.lessThan(ZERO)) return `${name} must not be negative`;
  return amount;
}

export function currencyProblem(field: string): string | null {
  return /^[A-Z]{3}$/.test(field) && isActiveCurrency(field) ? null : `unknown currency "${field}"`;
}

/** Identifiers (game codes, transaction ids) as long as the ingest path accepts them. */
export const identifierLengthMax = 128;

export function identifierProblem(field: string, name: string): string | null {
  if (field.length === 0) return `${name} is empty`;
  return field.length > identifierLengthMax ? `${name} is longer than ${identifierLengthMax} characters` : null;
}

function tooLarge(bounds: ReportBounds): ClearhouseError {
  return new ClearhouseError('LIMIT_EXCEEDED', `a report has at most ${bounds.linesMax} lines`, {
    linesMax: bounds.linesMax,
  });
}
