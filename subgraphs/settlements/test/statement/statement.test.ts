import { describe, expect, it } from 'vitest';
import { AssertionError, dec, sum } from '@clearhouse/kernel';
import type { Adjustment } from '../../src/domain/statement/adjustments.ts';
import { figureInconsistencies, figuresTolerance } from '../../src/domain/statement/figures.ts';
import { buildStatement, toCsv, type StatementInput } from '../../src/domain/statement/statement.ts';
import { novaAugust, novaOctober, pulseOctober } from './fixtures.ts';

const adjustment = (id: string, amount: string, status: Adjustment['status']): Adjustment => ({
  id,
  periodId: 'p-aug',
  amount,
  currency: 'EUR',
  reason: `reason ${id}`,
  authorId: 'alice',
  createdAtMs: 0,
  status,
  decidedBy: status === 'PENDING' ? null : 'bob',
  decidedAtMs: status === 'PENDING' ? null : 0,
});

function input(overrides: Partial<StatementInput> = {}): StatementInput {
  return {
    partner: { id: 'partner-1', code: 'NOVA', name: 'Nova Games' },
    periodId: 'p-aug',
    status: 'CLOSED',
    figures: novaAugust(),
    adjustments: [],
    priorPeriodItems: [],
    generatedAt: '2026-09-02T08:00:00.000Z',
    ...overrides,
  };
}

/** RFC 4180 reading, enough for the statement's own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"'), (index += 1);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\r' && text[index + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), (index += 1);
    else field += char;
  }
  expect(field).toBe('');
  return rows;
}

describe('statement figures', () => {
  it('reproduce each other for periods of the worked example and hand-made ones', () => {
    expect(figureInconsistencies(novaAugust())).toEqual([]);
    expect(figureInconsistencies(novaOctober())).toEqual([]);
    expect(figureInconsistencies(pulseOctober())).toEqual([]);
  });

  it('are refused when a line does not add up', () => {
    expect(figureInconsistencies({ ...novaOctober(), fee: '257.67' })).toContain('fee is 257.67 but the lines give 257.68');
    expect(figureInconsistencies({ ...novaOctober(), computedFee: '257.7' })).not.toEqual([]);
    expect(figureInconsistencies({ ...novaOctober(), paidNow: '0', payableCarryOut: '0' })).not.toEqual([]);
    expect(figureInconsistencies({ ...pulseOctober(), carryOut: '-5' })).not.toEqual([]);
    expect(() => buildStatement(input({ figures: { ...novaAugust(), minimumFeeTopUp: '0' } }))).toThrow(AssertionError);
  });
});

describe('statement', () => {
  it('lists every override group, tier band with its slice, carry, top-up and FX rate', () => {
    const statement = buildStatement(input());
    const items = statement.lines.map((line) => line.item);
    expect(items.filter((item) => item === 'group')).toHaveLength(2);
    expect(statement.lines.find((line) => line.item === 'tierBand')).toMatchObject({
      base: '801.04235598839315841471447891100615392309600317178',
      rate: '0.12',
      amount: '96.1250827186071790097657374693207384707715203806136',
    });
    expect(items).toEqual(expect.arrayContaining(['carryIn', 'carryOut', 'minimumFeeTopUp', 'fee', 'payable', 'paidNow']));
    expect(statement.lines.filter((line) => line.section === 'FX_RATE').map((line) => line.rate)).toEqual(['11.2145', '1.0712']);
    expect(statement.totals).toMatchObject({ fee: '150.00', payable: '150.00', amountDueNow: '150.00', adjustmentsTotal: '0.00' });
  });

  it('adds up: the computed fee is the sum of the group and band lines', () => {
    for (const figures of [novaAugust(), novaOctober(), pulseOctober()]) {
      const statement = buildStatement(input({ figures }));
      const feeLines = statement.lines.filter((line) => line.item === 'group' || line.item === 'tierBand');
      const total = sum(feeLines.map((line) => dec(line.amount!)));
      expect(total.minus(dec(figures.computedFee)).abs().lte(figuresTolerance)).toBe(true);
    }
  });

  it('shows approved adjustments only, and adds them to the amount due now', () => {
    const adjustments = [adjustment('a1', '-12.50', 'APPROVED'), adjustment('a2', '99.00', 'PENDING'), adjustment('a3', '5.00', 'REJECTED')];
    const statement = buildStatement(input({ adjustments }));
    expect(statement.lines.filter((line) => line.item === 'adjustment').map((line) => line.amount)).toEqual(['-12.50']);
    expect(statement.totals).toMatchObject({ adjustmentsTotal: '-12.50', amountDueNow: '137.50' });
  });

  it('marks a period with FX-pending buckets provisional and lists each bucket', () => {
    const fxPending = [{ gameCode: 'NOVA-G1', currency: 'SEK', bucketStart: '2026-09-21T07:30:00+00:00' }];
    const statement = buildStatement(input({ figures: { ...novaAugust(), fxPending } }));
    expect(statement.provisional).toBe(true);
    expect(statement.lines.filter((line) => line.section === 'FX_PENDING')).toEqual([
      expect.objectContaining({ currency: 'SEK', description: expect.stringContaining('2026-09-21T07:30:00+00:00') }),
    ]);
  });

  it('lists late transactions of frozen periods as prior-period items', () => {
    const item = { externalId: 'T-9', gameCode: 'NOVA-G2', kind: 'BET', amount: '5.00', currency: 'SEK', occurredAt: '2026-07-30T10:00:00Z', arrivedAt: '2026-08-20T10:00:00Z' };
    const statement = buildStatement(input({ priorPeriodItems: [item] }));
    expect(statement.lines.at(-1)).toMatchObject({ section: 'PRIOR_PERIOD', amount: '5.00', currency: 'SEK' });
  });
});

describe('statement CSV', () => {
  it('has the header and one row per line, CRLF-terminated, with the exact figures', () => {
    const statement = buildStatement(input({ adjustments: [adjustment('a1', '-12.50', 'APPROVED')] }));
    const csv = toCsv(statement);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['partner', 'periodStart', 'periodEnd', 'status', 'section', 'item', 'description', 'base', 'rate', 'amount', 'currency']);
    expect(rows).toHaveLength(statement.lines.length + 1);
    expect(rows.every((row) => row.length === 11)).toBe(true);
    const amountOf = (item: string) => rows.find((row) => row[5] === item)?.[9];
    expect(amountOf('computedFee')).toBe('96.125082718607179009765737469320738470771520380614');
    expect(amountOf('minimumFeeTopUp')).toBe('53.874917281392820990234262530679261529228479619386');
    expect(amountOf('fee')).toBe('150.00');
    expect(amountOf('adjustment')).toBe('-12.50');
    expect(amountOf('amountDueNow')).toBe('137.50');
    expect(rows.find((row) => row[5] === 'group')).toEqual([
      'NOVA', '2026-07-31T22:00:00+00:00', '2026-08-31T22:00:00+00:00', 'CLOSED', 'OVERRIDE_GROUP', 'group',
      'Override "live casino": fee on max(0, base)', '-374.90596021166490651385325837777198120023601900354', '', '0', 'EUR',
    ]);
  });

  it('shows carries and the payout held below the minimum', () => {
    const rows = parseCsv(toCsv(buildStatement(input({ figures: pulseOctober() }))));
    const amountOf = (item: string) => rows.find((row) => row[5] === item)?.[9];
    expect(amountOf('carryIn')).toBe('-1868722.4440269249539240019426648948467640984712945');
    expect(amountOf('carryOut')).toBe('-1691628.9841286340920130171150251171861532751681512');
    expect(amountOf('paidNow')).toBe('0');
    expect(amountOf('payableCarryOut')).toBe('35793');
  });

  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas in text', () => {
    const figures = novaAugust();
    figures.groups[0]!.override = 'live, "VIP"\ntables';
    figures.groups[1]!.override = '=HYPERLINK("x")';
    const csv = toCsv(buildStatement(input({ figures })));
    expect(csv).toContain('"Override ""live, ""VIP""\ntables"": fee on max(0, base)"');
    const rows = parseCsv(csv);
    expect(rows.filter((row) => row[5] === 'group').map((row) => row[6])).toEqual([
      'Override "live, "VIP"\ntables": fee on max(0, base)',
      'Override "=HYPERLINK("x")": fee on max(0, base)',
    ]);
    const partner = { id: 'p', code: '=cmd', name: 'x' };
    expect(parseCsv(toCsv(buildStatement(input({ partner }))))[1]![0]).toBe("'=cmd");
  });
});
