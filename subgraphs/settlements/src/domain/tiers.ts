import { Decimal, ZERO, assert, assertUnreachable, dec, decimalToString, minDecimal } from '@clearhouse/kernel';
import type { Tier, TierMode } from '@clearhouse/kernel/terms/index';

/** One statement line of the tiered fee: the slice of the tiered base charged at `rate`. */
export interface TierBandLine {
  from: string;
  upTo: string | null;
  slice: string;
  rate: string;
}

export interface TieredFee {
  bands: TierBandLine[];
  fee: Decimal;
}

/**
 * Tiers applied to a non-negative amount (DESIGN.md 5.4); `upTo` bounds are inclusive.
 * MARGINAL lists every band the amount reaches, each with its slice (a zero amount shows the first
 * band with a zero slice; an amount exactly on a bound stops in that band). WHOLE lists only the band
 * the amount reaches, with the whole amount as its slice from 0, charged at that band's rate.
 */
export function applyTiers(tiers: readonly Tier[], mode: TierMode, amount: Decimal): TieredFee {
  assert(tiers.length > 0 && tiers[tiers.length - 1]!.upTo === null, 'the last tier must be unbounded');
  assert(!amount.isNegative(), 'tiers apply to max(0, tieredBase)');
  switch (mode) {
    case 'MARGINAL':
      return marginal(tiers, amount);
    case 'WHOLE':
      return whole(tiers, amount);
    default:
      return assertUnreachable(mode);
  }
}

function marginal(tiers: readonly Tier[], amount: Decimal): TieredFee {
  const bands: TierBandLine[] = [];
  let fee: Decimal = ZERO;
  let from = '0';
  for (const [index, tier] of tiers.entries()) {
    if (index > 0 && amount.lessThanOrEqualTo(from)) break;
    const top = tier.upTo === null ? amount : minDecimal(amount, dec(tier.upTo));
    const slice = top.minus(from);
    fee = fee.plus(slice.times(tier.rate));
    bands.push({ from, upTo: tier.upTo, slice: decimalToString(slice), rate: tier.rate });
    if (tier.upTo === null) break;
    from = tier.upTo;
  }
  return { bands, fee };
}

function whole(tiers: readonly Tier[], amount: Decimal): TieredFee {
  const reached = tiers.find((tier) => tier.upTo === null || amount.lessThanOrEqualTo(tier.upTo))!;
  return {
    bands: [{ from: '0', upTo: reached.upTo, slice: decimalToString(amount), rate: reached.rate }],
    fee: amount.times(reached.rate),
  };
}
