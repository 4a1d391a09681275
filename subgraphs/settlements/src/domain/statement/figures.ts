import { dec, Decimal, maxDecimal, minorUnits, roundMoney, sum, ZERO } from '@clearhouse/kernel';

/**
 * The figures of one rated period (DESIGN.md 5.4, the names of shared/examples/basic/expected.json),
 * as the rating engine's output is mapped into this module. Amounts are exact decimal strings in the
 * contract currency; `fee`, `payable` and `paidNow` are rounded to its minor units, the rest are not.
 */
export interface RatedPeriodFigures {
  currency: string;
  /** ISO 8601 instants; the period is [periodStart, periodEnd). */
  periodStart: string;
  periodEnd: string;
  totals: {
    cashStake: string;
    bonusStake: string;
    cashWin: string;
    bonusWin: string;
    jackpotContribution: string;
    jackpotWin: string;
    ggr: string;
    ngr: string;
  };
  groups: { override: string; base: string; fee: string }[];
  tieredBase: string;
  /** `upTo` null for the open-ended top band. A band's fee is slice × rate in both tier modes. */
  tierBands: { from: string; upTo: string | null; slice: string; rate: string }[];
  computedFee: string;
  fee: string;
  carryIn: string;
  carryOut: string;
  payableCarryIn: string;
  payable: string;
  paidNow: string;
  payableCarryOut: string;
  fxPending: { gameCode: string; currency: string; bucketStart: string }[];
  /** Fixings used, quoted as 1 EUR = rate CCY (DESIGN.md 5.3). */
  fxRatesUsed: { date: string; currency: string; rate: string }[];
  /** max(0, minimumFee − computedFee): what the minimum fee added. */
  minimumFeeTopUp: string;
}

/**
 * Unrounded figures are exact decimals cut at 50 significant digits (shared/examples/README.md), so
 * sums of them agree with their stored total only up to far below a minor unit; this bound is well
 * above that cut and well below the 8 decimal places users compare at.
 */
export const figuresTolerance = new Decimal('1e-12');

/**
 * The ways the figures fail to reproduce each other, empty when every line of the statement adds up:
 * GGR from the stakes and wins, the band slices from the tiered base, the computed fee from the groups
 * and bands, the rounded fee, payable and its split, and the carries.
 */
export function figureInconsistencies(figures: RatedPeriodFigures): string[] {
  const problems: string[] = [];
  const near = (name: string, actual: Decimal, expected: Decimal): void => {
    if (actual.minus(expected).abs().greaterThan(figuresTolerance)) {
      problems.push(`${name} is ${actual.toFixed()} but the lines give ${expected.toFixed()}`);
    }
  };
  const same = (name: string, actual: string, expected: Decimal): void => {
    if (!dec(actual).equals(expected)) problems.push(`${name} is ${actual} but the lines give ${expected.toFixed()}`);
  };
  const { totals } = figures;
  const ggr = dec(totals.cashStake).plus(dec(totals.bonusStake)).minus(dec(totals.cashWin)).minus(dec(totals.bonusWin));
  near('ggr', dec(totals.ggr), ggr);

  const tieredBase = dec(figures.tieredBase);
  near('sum of tier band slices', sum(figures.tierBands.map((band) => dec(band.slice))), maxDecimal(ZERO, tieredBase));
  near('computedFee', dec(figures.computedFee), computedFeeOfLines(figures));

  const topUp = dec(figures.minimumFeeTopUp);
  if (topUp.lessThan(ZERO)) problems.push('minimumFeeTopUp is negative');
  same('fee', figures.fee, dec(roundMoney(dec(figures.computedFee).plus(topUp), minorUnits(figures.currency))));
  same('payable', figures.payable, dec(figures.fee).plus(dec(figures.payableCarryIn)));
  same('paidNow + payableCarryOut', figures.payable, dec(figures.paidNow).plus(dec(figures.payableCarryOut)));
  if (!dec(figures.paidNow).isZero() && !dec(figures.payableCarryOut).isZero()) {
    problems.push('a period either pays now or carries its payable forward, not both');
  }

  if (dec(figures.carryIn).greaterThan(ZERO)) problems.push('carryIn is positive');
  const carryOut = dec(figures.carryOut);
  if (!carryOut.isZero()) near('carryOut', carryOut, tieredBase.lessThan(ZERO) ? tieredBase : ZERO);
  return problems;
}

/** Σ group fees + Σ band slice × rate. */
export function computedFeeOfLines(figures: RatedPeriodFigures): Decimal {
  const groupFees = figures.groups.map((group) => dec(group.fee));
  const bandFees = figures.tierBands.map((band) => dec(band.slice).times(dec(band.rate)));
  return sum([...groupFees, ...bandFees]);
}
