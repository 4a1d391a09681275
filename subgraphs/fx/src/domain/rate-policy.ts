import { assert, ClearhouseError, Decimal, parseDecimal } from '@clearhouse/kernel';
import { checkFixing, type FxFixing } from './fixing.ts';

/**
 * Whether a new fixing may be applied at once. Every settlement converted with a rate moves with it,
 * so a relative jump from the previous fixing of the same currency beyond `jumpRatioMax` is more
 * likely a typo (a misplaced decimal point) than a market move: it is held until someone confirms it.
 */
export interface RatePolicy {
  /** The largest relative change applied without confirmation, as a fraction ("0.10" is 10 %). */
  jumpRatioMax: Decimal;
}

export const jumpRatioMaxDefault = '0.10';

/** Builds a policy from configuration text; throws BAD_INPUT unless the threshold is a positive decimal. */
export function ratePolicy(jumpRatioMax: string = jumpRatioMaxDefault): RatePolicy {
  const parsed = parseDecimal(jumpRatioMax, { leadingZeros: true });
  if (parsed === null || !parsed.greaterThan(0)) {
    throw new ClearhouseError('BAD_INPUT', `The rate jump threshold ${JSON.stringify(jumpRatioMax)} is not a positive decimal.`, {
      jumpRatioMax,
    });
  }
  return { jumpRatioMax: parsed };
}

export const defaultRatePolicy: RatePolicy = ratePolicy();

/**
 * APPLY: store the fixing now (`jump` is null for the first fixing of a currency).
 * HOLD: keep it aside for confirmation; `jump` is the signed relative change from `previous`.
 */
export type RateDecision =
  | { decision: 'APPLY'; jump: Decimal | null }
  | { decision: 'HOLD'; jump: Decimal; previous: FxFixing };

/**
 * Judges `next` against `previous`, the latest fixing of the same currency dated at most `next.date`
 * (the one a correction replaces, when it has the same date), or null when there is none.
 * Throws BAD_INPUT for a bad date and INVALID_RATE for an unknown currency or a non-positive rate.
 */
export function judgeFixing(next: FxFixing, previous: FxFixing | null, policy: RatePolicy = defaultRatePolicy): RateDecision {
  const rate = checkFixing(next);
  if (previous === null) return { decision: 'APPLY', jump: null };
  assert(previous.currency === next.currency, 'a fixing is judged against a fixing of the same currency');
  assert(previous.date <= next.date, 'the previous fixing is not dated after the new one');
  const previousRate = checkFixing(previous);
  const jump = rate.minus(previousRate).dividedBy(previousRate);
  if (jump.abs().greaterThan(policy.jumpRatioMax)) return { decision: 'HOLD', jump, previous };
  return { decision: 'APPLY', jump };
}
