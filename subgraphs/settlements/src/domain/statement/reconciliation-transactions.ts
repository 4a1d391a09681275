import { assert, dec, decimalToString, type ClearhouseError } from '@clearhouse/kernel';
import {
  currencyProblem,
  identifierProblem,
  readAmount,
  readReportLines,
  type RejectedLine,
} from './report-lines.ts';

/**
 * Transaction-level reconciliation (DESIGN.md 5.6). The provider's list of transactions:
 *
 *   TxID;Amount;Currency
 *   T-77;1234.50;EUR
 *
 * The same text rules as the daily report (BOM, CRLF or LF, `;`, no quoting, '.' decimal point).
 * Amount: exact, non-negative. A TxID appears once. Amounts are compared by value ("12.3400" equals
 * "12.34") and exactly: a transaction has one true amount, so there is no tolerance here.
 */
export const providerTransactionReportHeader = ['TxID', 'Amount', 'Currency'] as const;
export const providerTransactionReportLinesMax = 1_000_000;
export const providerTransactionReportLineLengthMax = 256;

export interface TransactionAmount {
  transactionId: string;
  amount: string;
  currency: string;
}

export interface ProviderTransactionRow extends TransactionAmount {
  line: number;
}

export type TransactionDifference =
  | { kind: 'MISSING_OURS'; transactionId: string; line: number; theirs: { amount: string; currency: string } }
  | { kind: 'MISSING_THEIRS'; transactionId: string; ours: { amount: string; currency: string } }
  | {
      kind: 'AMOUNT_MISMATCH';
      transactionId: string;
      ours: { amount: string; currency: string };
      theirs: { amount: string; currency: string };
      /** ours − theirs; null when the currencies differ, since the amounts do not compare. */
      difference: string | null;
    };

export function parseProviderTransactionReport(
  text: string,
): { rows: ProviderTransactionRow[]; rejected: RejectedLine[] } | ClearhouseError {
  const read = readReportLines(text, providerTransactionReportHeader, {
    linesMax: providerTransactionReportLinesMax,
    lineLengthMax: providerTransactionReportLineLengthMax,
  });
  if (!('lines' in read)) return read;
  const rows: ProviderTransactionRow[] = [];
  const rejected = [...read.rejected];
  const firstLineById = new Map<string, number>();
  for (const { line, fields } of read.lines) {
    const [transactionId, amountText, currency] = fields as [string, string, string];
    const amount = readAmount(amountText, 'Amount');
    const reason =
      identifierProblem(transactionId, 'TxID') ??
      (typeof amount === 'string' ? amount : null) ??
      currencyProblem(currency);
    const firstLine = firstLineById.get(transactionId);
    if (reason !== null || firstLine !== undefined) {
      rejected.push({ line, reason: reason ?? `TxID repeats line ${firstLine}` });
      continue;
    }
    firstLineById.set(transactionId, line);
    rows.push({ line, transactionId, amount: amountText, currency });
  }
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}

/** Every transaction that is missing on one side or differs in amount or currency, ordered by id. */
export function reconcileTransactions(
  theirs: readonly ProviderTransactionRow[],
  ours: readonly TransactionAmount[],
): TransactionDifference[] {
  const linesMax = providerTransactionReportLinesMax;
  assert(theirs.length <= linesMax && ours.length <= linesMax, 'transactions within bounds');
  const theirsById = new Map(theirs.map((row) => [row.transactionId, row]));
  const oursById = new Map(ours.map((row) => [row.transactionId, row]));
  assert(theirsById.size === theirs.length && oursById.size === ours.length, 'transaction ids are unique');

  const differences: TransactionDifference[] = [];
  for (const transactionId of [...new Set([...theirsById.keys(), ...oursById.keys()])].sort()) {
    const their = theirsById.get(transactionId);
    const our = oursById.get(transactionId);
    if (their === undefined) {
      const { amount, currency } = our!;
      differences.push({ kind: 'MISSING_THEIRS', transactionId, ours: { amount, currency } });
    } else if (our === undefined) {
      differences.push({ kind: 'MISSING_OURS', transactionId, line: their.line, theirs: { amount: their.amount, currency: their.currency } });
    } else if (our.currency !== their.currency || !dec(our.amount).equals(dec(their.amount))) {
      differences.push({
        kind: 'AMOUNT_MISMATCH',
        transactionId,
        ours: { amount: our.amount, currency: our.currency },
        theirs: { amount: their.amount, currency: their.currency },
        difference: our.currency === their.currency ? decimalToString(dec(our.amount).minus(dec(their.amount))) : null,
      });
    }
  }
  return differences;
}
