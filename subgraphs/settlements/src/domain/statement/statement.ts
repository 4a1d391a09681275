import { assert, dec, decimalToString, minorUnits, roundMoney, sum } from '@clearhouse/kernel';
import { countingAdjustments, type Adjustment } from './adjustments.ts';
import { figureInconsistencies, type RatedPeriodFigures } from './figures.ts';
import type { PeriodStatus } from './state-machine.ts';

export { toCsv } from './statement-csv.ts';

/**
 * The statement of one period (DESIGN.md 5.4): every line of the fee, in order, derived only from the
 * period's figures and its approved adjustments, so anyone holding the figures can reproduce it.
 */
export const statementSections = [
  'ACTIVITY',
  'OVERRIDE_GROUP',
  'TIERED',
  'FEE',
  'ADJUSTMENT',
  'PAYABLE',
  'CARRY',
  'FX_RATE',
  'FX_PENDING',
  'PRIOR_PERIOD',
] as const;
export type StatementSection = (typeof statementSections)[number];

export interface StatementLine {
  section: StatementSection;
  /** A stable key for programs ("cashStake", "group", "tierBand", "fee", ...). */
  item: string;
  description: string;
  base: string | null;
  rate: string | null;
  /** Exact decimal string, unrounded except where the figure itself is rounded. */
  amount: string | null;
  /** The currency of `amount`, or of `rate` for an FX line (1 EUR = rate of this currency). */
  currency: string | null;
}

/** A transaction that counts in this period although it belongs to a frozen one (DESIGN.md 5.5). */
export interface PriorPeriodItem {
  externalId: string;
  gameCode: string;
  kind: string;
  amount: string;
  currency: string;
  occurredAt: string;
  arrivedAt: string;
}

export interface StatementInput {
  partner: { id: string; code: string; name: string };
  periodId: string;
  status: PeriodStatus;
  figures: RatedPeriodFigures;
  /** All adjustments of the period; only APPROVED ones appear and count. */
  adjustments: readonly Adjustment[];
  priorPeriodItems: readonly PriorPeriodItem[];
  generatedAt: string;
}

export interface StatementTotals {
  computedFee: string;
  minimumFeeTopUp: string;
  fee: string;
  adjustmentsTotal: string;
  payableCarryIn: string;
  payable: string;
  paidNow: string;
  payableCarryOut: string;
  /**
   * paidNow + adjustmentsTotal. The rating engine's payable does not know manual adjustments, so they
   * are paid with the period's payment, outside the minimum-payout rule.
   */
  amountDueNow: string;
}

export interface Statement {
  partner: { id: string; code: string; name: string };
  periodId: string;
  periodStart: string;
  periodEnd: string;
  status: PeriodStatus;
  currency: string;
  generatedAt: string;
  /** True while buckets wait for an FX rate: the figures may still change. */
  provisional: boolean;
  lines: StatementLine[];
  totals: StatementTotals;
}

export const statementLinesMax = 20_000;

export function buildStatement(input: StatementInput): Statement {
  const { figures } = input;
  const problems = figureInconsistencies(figures);
  assert(problems.length === 0, `the figures do not reproduce: ${problems.join('; ')}`);
  const currency = figures.currency;
  const places = minorUnits(currency);
  const adjustments = countingAdjustments(input.adjustments);
  for (const adjustment of adjustments) {
    assert(adjustment.periodId === input.periodId && adjustment.currency === currency, 'adjustment of this period');
  }
  const adjustmentsTotal = roundMoney(sum(adjustments.map((adjustment) => dec(adjustment.amount))), places);
  const amountDueNow = roundMoney(dec(figures.paidNow).plus(dec(adjustmentsTotal)), places);
  assert(dec(amountDueNow).equals(dec(figures.paidNow).plus(dec(adjustmentsTotal))), 'amounts at minor units');

  const money = (section: StatementSection, item: string, description: string, amount: string): StatementLine => ({
    section, item, description, base: null, rate: null, amount, currency,
  });
  const { totals } = figures;
  const lines: StatementLine[] = [
    money('ACTIVITY', 'cashStake', 'Cash stakes', totals.cashStake),
    money('ACTIVITY', 'bonusStake', 'Bonus stakes', totals.bonusStake),
    money('ACTIVITY', 'cashWin', 'Cash wins', totals.cashWin),
    money('ACTIVITY', 'bonusWin', 'Bonus wins', totals.bonusWin),
    money('ACTIVITY', 'jackpotContribution', 'Jackpot contributions', totals.jackpotContribution),
    money('ACTIVITY', 'jackpotWin', 'Jackpot wins (paid from the pool)', totals.jackpotWin),
    money('ACTIVITY', 'ggr', 'GGR', totals.ggr),
    money('ACTIVITY', 'ngr', 'NGR', totals.ngr),
    ...figures.groups.map((group) => ({
      ...money('OVERRIDE_GROUP', 'group', `Override "${group.override}": fee on max(0, base)`, group.fee),
      base: group.base,
    })),
    money('TIERED', 'carryIn', 'Negative carry from the previous period', figures.carryIn),
    money('TIERED', 'tieredBase', 'Tiered base: unmatched buckets plus carry in', figures.tieredBase),
    ...figures.tierBands.map((band) => ({
      ...money('TIERED', 'tierBand', bandDescription(band), decimalToString(dec(band.slice).times(dec(band.rate)))),
      base: band.slice,
      rate: band.rate,
    })),
    money('FEE', 'computedFee', 'Computed fee: groups plus tier bands', figures.computedFee),
    money('FEE', 'minimumFeeTopUp', 'Minimum fee top-up', figures.minimumFeeTopUp),
    money('FEE', 'fee', 'Fee, rounded half-even to minor units', figures.fee),
    ...adjustments.map((adjustment) =>
      money('ADJUSTMENT', 'adjustment', `${adjustment.reason} (adjustment ${adjustment.id})`, adjustment.amount),
    ),
    money('ADJUSTMENT', 'adjustmentsTotal', 'Approved adjustments', adjustmentsTotal),
    money('PAYABLE', 'payableCarryIn', 'Unpaid from earlier periods (below minimum payout)', figures.payableCarryIn),
    money('PAYABLE', 'payable', 'Payable: fee plus unpaid from earlier periods', figures.payable),
    money('PAYABLE', 'paidNow', 'Paid now', figures.paidNow),
    money('PAYABLE', 'payableCarryOut', 'Carried to the next period (below minimum payout)', figures.payableCarryOut),
    money('PAYABLE', 'amountDueNow', 'Amount due now: paid now plus approved adjustments', amountDueNow),
    money('CARRY', 'carryOut', 'Negative carry to the next period', figures.carryOut),
    ...figures.fxRatesUsed.map((fx) => ({
      ...money('FX_RATE', 'fxRate', `Fixing of ${fx.date}: 1 EUR = rate ${fx.currency}`, ''),
      amount: null,
      rate: fx.rate,
      currency: fx.currency,
    })),
    ...figures.fxPending.map((bucket) => ({
      ...money('FX_PENDING', 'fxPending', `${bucket.gameCode} bucket ${bucket.bucketStart} waits for an FX rate`, ''),
      amount: null,
      currency: bucket.currency,
    })),
    ...input.priorPeriodItems.map((item) => ({
      ...money(
        'PRIOR_PERIOD',
        'priorPeriod',
        `${item.kind} ${item.externalId} (${item.gameCode}) of ${item.occurredAt}, arrived ${item.arrivedAt}; in the totals above`,
        item.amount,
      ),
      currency: item.currency,
    })),
  ];
  assert(lines.length <= statementLinesMax, 'statement lines within bounds');
  return {
    partner: { ...input.partner },
    periodId: input.periodId,
    periodStart: figures.periodStart,
    periodEnd: figures.periodEnd,
    status: input.status,
    currency,
    generatedAt: input.generatedAt,
    provisional: figures.fxPending.length > 0,
    lines,
    totals: {
      computedFee: figures.computedFee,
      minimumFeeTopUp: figures.minimumFeeTopUp,
      fee: figures.fee,
      adjustmentsTotal,
      payableCarryIn: figures.payableCarryIn,
      payable: figures.payable,
      paidNow: figures.paidNow,
      payableCarryOut: figures.payableCarryOut,
      amountDueNow,
    },
  };
}

function bandDescription(band: { from: string; upTo: string | null }): string {
  return band.upTo === null ? `Tier band above ${band.from}` : `Tier band ${band.from} to ${band.upTo}`;
}
