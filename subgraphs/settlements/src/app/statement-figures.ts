import { Decimal, dec, decimalToString, minorUnits, roundMoney, sum, ZERO } from '@clearhouse/kernel';
import type { RatedPeriodFigures, Statement, StatementLine } from '../domain/statement/index.ts';
import type { StoredFigures } from '../infra/period-records.ts';

/**
 * Between the rating engine and the statement domain. The rating adds approved adjustments into the fee
 * (after the minimum-fee top-up), so `fee`, `payable` and the minimum-payout split include them; the
 * statement domain lists adjustments below a fee that excludes them. The statement is therefore built
 * from the fee before adjustments, and its payable lines are then taken from the rating, so that the
 * statement and the period's own figures show the same payable, paid-now and carried amounts.
 */
export function adjustmentsTotalOf(figures: StoredFigures): Decimal {
  return sum((figures.adjustments ?? []).map((adjustment) => dec(adjustment.amount)));
}

/** The fee the rating charged before adjustments; with the adjustments it adds up to the rating's fee exactly. */
export function feeBeforeAdjustments(figures: StoredFigures): string {
  const fee = dec(figures.fee).minus(adjustmentsTotalOf(figures));
  return fee.isZero() ? '0' : roundMoney(fee, minorUnits(figures.currency));
}

/**
 * Statements print unrounded figures as shared/examples does: exact decimals cut at 50 significant
 * digits (and 40 decimal places, so every figure stays a decimal the kernel parses). The rating keeps
 * more; the cut is far below the statement domain's consistency tolerance.
 */
export const statementSignificantDigits = 50;
export const statementDecimalPlacesMax = 40;

export function statementFigure(text: string): string {
  return decimalToString(new Decimal(text).toSignificantDigits(statementSignificantDigits).toDecimalPlaces(statementDecimalPlacesMax));
}

export function ratedPeriodFigures(figures: StoredFigures): RatedPeriodFigures {
  const places = minorUnits(figures.currency);
  const money = (value: Decimal): string => (value.isZero() ? '0' : roundMoney(value, places));
  const adjustments = adjustmentsTotalOf(figures);
  // Rounded on its own, as the statement domain checks it (computedFee + top-up, half-even).
  const fee = dec(roundMoney(new Decimal(figures.computedFee).plus(new Decimal(figures.minimumFeeTopUp)), places));
  const payable = fee.plus(dec(figures.payableCarryIn));
  const paysNow = !dec(figures.paidNow).isZero();
  const fixings = new Map<string, { date: string; currency: string; rate: string }>();
  for (const used of figures.fxRatesUsed) {
    for (const fixing of used.fixings) fixings.set(`${fixing.date} ${fixing.currency}`, { date: fixing.date, currency: fixing.currency, rate: fixing.rate });
  }
  return {
    currency: figures.currency,
    periodStart: figures.start,
    periodEnd: figures.end,
    totals: Object.fromEntries(Object.entries(figures.totals).map(([field, value]) => [field, statementFigure(value)])) as RatedPeriodFigures['totals'],
    groups: figures.groups.map(({ override, base, fee: groupFee }) => ({ override, base: statementFigure(base), fee: statementFigure(groupFee) })),
    tieredBase: statementFigure(figures.tieredBase),
    tierBands: figures.tierBands.map((band) => ({ ...band, slice: statementFigure(band.slice) })),
    computedFee: statementFigure(figures.computedFee),
    fee: adjustments.isZero() ? figures.fee : money(fee),
    carryIn: statementFigure(figures.carryIn),
    carryOut: statementFigure(figures.carryOut),
    payableCarryIn: figures.payableCarryIn,
    payable: adjustments.isZero() ? figures.payable : money(payable),
    paidNow: adjustments.isZero() ? figures.paidNow : money(paysNow ? payable : ZERO),
    payableCarryOut: adjustments.isZero() ? figures.payableCarryOut : money(paysNow ? ZERO : payable),
    fxPending: figures.fxPending,
    fxRatesUsed: [...fixings.values()].sort((a, b) => (a.date === b.date ? (a.currency < b.currency ? -1 : 1) : a.date < b.date ? -1 : 1)),
    minimumFeeTopUp: statementFigure(figures.minimumFeeTopUp),
  };
}

/** The payable lines and totals of the rating, which counted the adjustments (see above). */
export function withRatingPayable(statement: Statement, figures: StoredFigures): Statement {
  if (adjustmentsTotalOf(figures).isZero()) return statement;
  const replacements: Record<string, Pick<StatementLine, 'amount' | 'description'>> = {
    payable: { amount: figures.payable, description: 'Payable: fee, approved adjustments and unpaid from earlier periods' },
    paidNow: { amount: figures.paidNow, description: 'Paid now' },
    payableCarryOut: { amount: figures.payableCarryOut, description: 'Carried to the next period (below minimum payout)' },
    amountDueNow: { amount: figures.paidNow, description: 'Amount due now' },
  };
  return {
    ...statement,
    lines: statement.lines.map((line) => (line.section === 'PAYABLE' && replacements[line.item] ? { ...line, ...replacements[line.item] } : line)),
    totals: { ...statement.totals, payable: figures.payable, paidNow: figures.paidNow, payableCarryOut: figures.payableCarryOut, amountDueNow: figures.paidNow },
  };
}

/** GGR of a late bucket delta in its own currency: what a prior-period line shows. */
export function ggrOfDelta(delta: { cashStake: string; bonusStake: string; cashWin: string; bonusWin: string }): string {
  return decimalToString(dec(delta.cashStake).plus(dec(delta.bonusStake)).minus(dec(delta.cashWin)).minus(dec(delta.bonusWin)));
}
