import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildStatement, type StatementInput } from '../../src/domain/statement/statement.ts';
import { toPdf } from '../../src/domain/statement/statement-pdf.ts';
import { novaAugust, pulseOctober } from './fixtures.ts';

function input(overrides: Partial<StatementInput> = {}): StatementInput {
  return {
    partner: { id: 'partner-1', code: 'NOVA', name: 'Nova Games' },
    periodId: 'p-aug',
    status: 'APPROVED',
    figures: novaAugust(),
    adjustments: [],
    priorPeriodItems: [],
    generatedAt: '2026-09-02T08:00:00.000Z',
    ...overrides,
  };
}

/**
 * The text drawn on the pages: each content stream inflated, and the hex strings that pdfkit writes
 * for the standard fonts decoded, one text run per TJ operator.
 */
function pageText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const runs: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((part) => part[1]).join('');
      runs.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return runs.join('\n');
}

function pageCount(pdf: Buffer): number {
  return [...pdf.toString('latin1').matchAll(/\/Type \/Page\b(?!s)/g)].length;
}

describe('statement PDF', () => {
  it('is a one-page PDF document with the partner, period, status, lines and totals', async () => {
    const pdf = await toPdf(buildStatement(input()));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(pdf.length).toBeGreaterThan(2_000);
    expect(pageCount(pdf)).toBe(1);
    const text = pageText(pdf);
    for (const expected of ['Nova Games (NOVA)', '2026-07-31T22:00:00+00:00', 'APPROVED', 'live casino', 'Fee: 150.00 EUR', '96.13', '801.04', '0.12', '11.2145']) {
      expect(text).toContain(expected);
    }
  });

  it('shows carries in a currency without minor units', async () => {
    const text = pageText(await toPdf(buildStatement(input({ figures: pulseOctober() }))));
    expect(text).toContain('-1868722');
    expect(text).toContain('Paid now: 0 JPY');
  });

  it('renders the same statement to the same bytes', async () => {
    const statement = buildStatement(input());
    expect((await toPdf(statement)).equals(await toPdf(statement))).toBe(true);
  });

  it('continues on further pages rather than dropping lines when a period has very many', async () => {
    const fxPending = Array.from({ length: 200 }, (_, index) => ({
      gameCode: `G-${index}`,
      currency: 'SEK',
      bucketStart: new Date(Date.UTC(2026, 7, 1) + index * 900_000).toISOString(),
    }));
    const pdf = await toPdf(buildStatement(input({ status: 'CLOSED', figures: { ...novaAugust(), fxPending } })));
    expect(pageCount(pdf)).toBeGreaterThan(1);
    const text = pageText(pdf);
    expect(text).toContain('G-199 bucket');
    expect(text).toContain('PROVISIONAL');
  });
});
