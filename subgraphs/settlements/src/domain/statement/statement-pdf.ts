import PDFDocument from 'pdfkit';
import { dec, minorUnits, roundMoney } from '@clearhouse/kernel';
import type { Statement, StatementLine, StatementSection } from './statement.ts';

/**
 * The statement as a PDF for people: partner, period, status, every line and the totals, on one A4
 * page for an ordinary period. A period with very many lines (FX-pending buckets, fixings) continues
 * on further pages rather than leaving lines out. Money is shown rounded to minor units for reading;
 * the CSV export carries the exact figures. This is the one asynchronous domain function, because
 * pdfkit streams its output.
 */
export function toPdf(statement: Statement): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: pageMargin,
    compress: true,
    // A fixed creation date makes the same statement render to the same bytes.
    info: {
      Title: `Statement ${statement.partner.code} ${statement.periodStart}`,
      Author: 'Clearhouse',
      CreationDate: new Date(statement.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  writeHeading(doc, statement);
  writeTable(doc, statement);
  writeTotals(doc, statement);
  doc.end();
  return done;
}

type Doc = InstanceType<typeof PDFDocument>;

const pageMargin = 40;
const fontSize = 8;
const rowGap = 2;
/** Section, description, base, rate, amount, currency: 515 points, the A4 width inside the margins. */
const columns = [
  { title: 'Section', width: 68, align: 'left' },
  { title: 'Description', width: 212, align: 'left' },
  { title: 'Base', width: 80, align: 'right' },
  { title: 'Rate', width: 45, align: 'right' },
  { title: 'Amount', width: 80, align: 'right' },
  { title: 'Ccy', width: 30, align: 'right' },
] as const;

const sectionLabels: Record<StatementSection, string> = {
  ACTIVITY: 'Activity',
  OVERRIDE_GROUP: 'Override',
  TIERED: 'Tiers',
  FEE: 'Fee',
  ADJUSTMENT: 'Adjustment',
  PAYABLE: 'Payable',
  CARRY: 'Carry',
  FX_RATE: 'FX rate',
  FX_PENDING: 'FX pending',
  PRIOR_PERIOD: 'Prior period',
};

function writeHeading(doc: Doc, statement: Statement): void {
  doc.font('Helvetica-Bold').fontSize(14).text('Settlement statement');
  doc.font('Helvetica').fontSize(9).moveDown(0.3);
  doc.text(`Partner: ${latin1(statement.partner.name)} (${latin1(statement.partner.code)})`);
  doc.text(`Period: ${statement.periodStart} to ${statement.periodEnd}`);
  doc.text(`Status: ${statement.status}${statement.provisional ? ' - PROVISIONAL, buckets wait for FX rates' : ''}`);
  doc.text(`Currency: ${statement.currency}    Generated: ${statement.generatedAt}`);
  doc.moveDown(0.6);
}

function writeTable(doc: Doc, statement: Statement): void {
  writeRow(doc, columns.map((column) => column.title), 'Helvetica-Bold');
  for (const line of statement.lines) {
    const cells = [sectionLabels[line.section], line.description, shown(line, line.base), line.rate ?? '', shown(line, line.amount), line.currency ?? ''];
    writeRow(doc, cells, 'Helvetica');
  }
}

function writeTotals(doc: Doc, statement: Statement): void {
  const { totals, currency } = statement;
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(10);
  doc.text(`Fee: ${totals.fee} ${currency}    Payable: ${totals.payable} ${currency}    Paid now: ${totals.paidNow} ${currency}`, pageMargin);
  doc.text(`Adjustments: ${totals.adjustmentsTotal} ${currency}    Amount due now: ${totals.amountDueNow} ${currency}`, pageMargin);
  doc.font('Helvetica').fontSize(7).moveDown(0.4);
  doc.text('Amounts are shown rounded to minor units; the CSV export of this statement carries the exact figures.', pageMargin);
}

function writeRow(doc: Doc, cells: readonly string[], font: string): void {
  doc.font(font).fontSize(fontSize);
  const texts = cells.map(latin1);
  const height = Math.max(...texts.map((text, index) => doc.heightOfString(text, { width: columns[index]!.width - 4 })));
  if (doc.y + height > doc.page.height - pageMargin) doc.addPage();
  const top = doc.y;
  let x = pageMargin;
  texts.forEach((text, index) => {
    const column = columns[index]!;
    doc.text(text, x, top, { width: column.width - 4, align: column.align });
    x += column.width;
  });
  doc.x = pageMargin;
  doc.y = top + height + rowGap;
}

/** Money rounded for reading; amounts of an unknown or absent currency are shown as stored. */
function shown(line: StatementLine, amount: string | null): string {
  if (amount === null) return '';
  if (line.currency === null || line.section === 'FX_RATE') return amount;
  return roundMoney(dec(amount), minorUnits(line.currency));
}

/** The standard PDF fonts encode WinAnsi only; anything else would print as garbage. */
function latin1(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}
