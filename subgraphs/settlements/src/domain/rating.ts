import {
  Decimal, ZERO, assert, dec, decimalToString, maxDecimal, minorUnits, roundMoney, type FxTable,
} from '@clearhouse/kernel';
import { amountFields, feeBaseOf, ggrOf, ngrOf, type AmountField, type Bucket } from './buckets.ts';
import { convertBuckets, type FxPendingBucket, type FxRateUsed } from './conversion.ts';
import { localStartOf, matchOverride } from './overrides.ts';
import type { GameCategory, Terms } from '@clearhouse/kernel/terms/index';
import { applyTiers, type TierBandLine } from './tiers.ts';

/**
 * The rating of one period (DESIGN.md 5.2–5.4): a pure function of the period's stored buckets, the
 * terms in force at its start, the game catalogue, the FX fixings and what the previous period of the
 * same partner passed on. Every figure is a string; unrounded ones are exact decimals
 * (`decimalToString`), the money that is paid (fee, payable, paid now and the payable carries) is
 * rounded once, half-even, to the contract currency's minor units, and zero prints as "0".
 */
export const adjustmentsMax = 1000;

/**
 * A manual adjustment (DESIGN.md 5.5), in the contract currency. It is a line on the fee, added after
 * the minimum-fee top-up: a goodwill credit or a correction changes what is paid, it is not a share of
 * revenue to run through tiers and overrides, and a minimum fee must not swallow a credit note. Pass
 * only the adjustments that count (approved ones); a negative total may make the fee negative, which
 * then travels as a credit through the payable carry.
 */
export interface Adjustment {
  amount: string;
  reason: string;
}

export interface RatingInput {
  buckets: readonly Bucket[];
  terms: Terms;
  /** The partner's catalogue: game code → category. */
  gameCategories: ReadonlyMap<string, GameCategory>;
  fx: FxTable;
  /** The negative carry from the previous period (≤ 0), unrounded. */
  carryIn: Decimal;
  /** What earlier periods left unpaid below minimumPayout, rounded. */
  payableCarryIn: Decimal;
  adjustments?: readonly Adjustment[];
}

export type Totals = Record<AmountField | 'ggr' | 'ngr', string>;

export interface GroupLine {
  override: string;
  rate: string;
  base: string;
  fee: string;
}

export interface Rating {
  currency: string;
  totals: Totals;
  /** One line per override of the terms, in list order, even when no bucket matched it. */
  groups: GroupLine[];
  tieredBase: string;
  tierBands: TierBandLine[];
  tieredFee: string;
  computedFee: string;
  minimumFeeTopUp: string;
  adjustments: Adjustment[];
  fee: string;
  carryIn: string;
  carryOut: string;
  payableCarryIn: string;
  payable: string;
  paidNow: string;
  payableCarryOut: string;
  fxPending: FxPendingBucket[];
  fxRatesUsed: FxRateUsed[];
  /** True while a bucket waits for a rate: the figures may still change and cannot be approved. */
  provisional: boolean;
}

export function rate(input: RatingInput): Rating {
  const { terms } = input;
  assert(input.carryIn.lessThanOrEqualTo(0), 'carryIn is a negative carry: it must be ≤ 0');
  const adjustments = input.adjustments ?? [];
  assert(adjustments.length <= adjustmentsMax, `more than ${adjustmentsMax} adjustments in one period`);
  const money = (value: Decimal): string => (value.isZero() ? '0' : roundMoney(value, minorUnits(terms.currency)));

  const { converted, fxPending, fxRatesUsed } = convertBuckets(input.buckets, terms.currency, input.fx);
  const sums = Object.fromEntries(amountFields.map((field) => [field, ZERO])) as Record<AmountField, Decimal>;
  const groupBases = terms.overrides.map(() => ZERO);
  let unmatchedBase: Decimal = ZERO;
  for (const { bucket, amounts } of converted) {
    for (const field of amountFields) sums[field] = sums[field].plus(amounts[field]);
    const base = feeBaseOf(amounts, terms.base, terms.deductions);
    const subject = {
      gameCode: bucket.gameCode,
      category: input.gameCategories.get(bucket.gameCode),
      local: localStartOf(Date.parse(bucket.bucketStart), terms.timezone),
    };
    const index = matchOverride(terms.overrides, subject);
    if (index >= 0) groupBases[index] = groupBases[index]!.plus(base);
    else unmatchedBase = unmatchedBase.plus(base);
  }

  const groupFees = terms.overrides.map((override, index) => maxDecimal(ZERO, groupBases[index]!).times(override.rate));
  const tieredBase = unmatchedBase.plus(input.carryIn);
  const tiered = applyTiers(terms.tiers, terms.tierMode, maxDecimal(ZERO, tieredBase));
  const computedFee = groupFees.reduce((total, fee) => total.plus(fee), tiered.fee);
  const minimumFeeTopUp = maxDecimal(ZERO, dec(terms.minimumFee ?? '0').minus(computedFee));
  const adjustmentTotal = adjustments.reduce((total, adjustment) => total.plus(dec(adjustment.amount)), ZERO);
  const fee = dec(roundMoney(computedFee.plus(minimumFeeTopUp).plus(adjustmentTotal), minorUnits(terms.currency)));
  const carryOut = terms.negativeCarryover && tieredBase.isNegative() ? tieredBase : ZERO;
  const payable = fee.plus(input.payableCarryIn);
  const payNow = payable.greaterThanOrEqualTo(terms.minimumPayout ?? '0');

  return {
    currency: terms.currency,
    totals: {
      ...(Object.fromEntries(amountFields.map((field) => [field, decimalToString(sums[field])])) as Record<AmountField, string>),
      ggr: decimalToString(ggrOf(sums)),
      ngr: decimalToString(ngrOf(sums, terms.deductions)),
    },
    groups: terms.overrides.map((override, index) => ({
      override: override.name,
      rate: override.rate,
      base: decimalToString(groupBases[index]!),
      fee: decimalToString(groupFees[index]!),
    })),
    tieredBase: decimalToString(tieredBase),
    tierBands: tiered.bands,
    tieredFee: decimalToString(tiered.fee),
    computedFee: decimalToString(computedFee),
    minimumFeeTopUp: decimalToString(minimumFeeTopUp),
    adjustments: adjustments.map((adjustment) => ({ amount: decimalToString(dec(adjustment.amount)), reason: adjustment.reason })),
    fee: money(fee),
    carryIn: decimalToString(input.carryIn),
    carryOut: decimalToString(carryOut),
    payableCarryIn: money(input.payableCarryIn),
    payable: money(payable),
    paidNow: money(payNow ? payable : ZERO),
    payableCarryOut: money(payNow ? ZERO : payable),
    fxPending,
    fxRatesUsed,
    provisional: fxPending.length > 0,
  };
}
