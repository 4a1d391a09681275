import type { Statement, StatementLine } from './statement.ts';

/** The columns of a statement CSV; each row repeats the period so rows stay meaningful when merged. */
export const statementCsvHeader = [
  'partner',
  'periodStart',
  'periodEnd',
  'status',
  'section',
  'item',
  'description',
  'base',
  'rate',
  'amount',
  'currency',
] as const;

/**
 * The statement as RFC 4180 CSV: CRLF line ends, a header row, one row per line, fields quoted when
 * they hold a comma, quote or line break. Amounts are the exact strings of the statement. Free text
 * that a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe; amounts are
 * not text and keep their sign.
 */
export function toCsv(statement: Statement): string {
  const rows = [statementCsvHeader.map(quote), ...statement.lines.map((line) => row(statement, line))];
  return rows.map((fields) => `${fields.join(',')}\r\n`).join('');
}

function row(statement: Statement, line: StatementLine): string[] {
  return [
    text(statement.partner.code),
    statement.periodStart,
    statement.periodEnd,
    statement.status,
    line.section,
    line.item,
    text(line.description),
    line.base ?? '',
    line.rate ?? '',
    line.amount ?? '',
    line.currency ?? '',
  ].map(quote);
}

function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
