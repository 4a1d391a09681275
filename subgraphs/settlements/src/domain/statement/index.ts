/** The public surface of the statement domain: periods, adjustments, ledger, statements, reconciliation. */
export * from './actor.ts';
export * from './state-machine.ts';
export * from './adjustments.ts';
export * from './late-routing.ts';
export * from './postings.ts';
export * from './ledger.ts';
export * from './figures.ts';
export * from './statement.ts';
export { statementCsvHeader } from './statement-csv.ts';
export { toPdf } from './statement-pdf.ts';
export type { RejectedLine } from './report-lines.ts';
export * from './reconciliation.ts';
export * from './reconciliation-transactions.ts';
