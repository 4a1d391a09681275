import { checkFixing, type FxFixing } from './fixing.ts';
import { judgeFixing, type RatePolicy } from './rate-policy.ts';

/** A fixing kept aside because it jumps too far from the previous fixing of its currency. */
export interface HeldFixing extends FxFixing {
  previousRate: string;
  /** The signed relative change from `previousRate`, exact. */
  jump: string;
}

export interface BatchDecision {
  /** To store and announce, in date order. */
  apply: FxFixing[];
  hold: HeldFixing[];
  /** Already stored with the same value (a re-sent file, a feed polled again). */
  unchanged: number;
}

/** The fixings of one currency by date, with the dates kept sorted for "latest at most" lookups. */
class CurrencyHistory {
  readonly #rates = new Map<string, FxFixing>();
  readonly #dates: string[] = [];

  put(fixing: FxFixing): void {
    if (!this.#rates.has(fixing.date)) this.#dates.splice(this.#insertionIndex(fixing.date), 0, fixing.date);
    this.#rates.set(fixing.date, fixing);
  }

  /** The latest fixing dated at most `date`. */
  latestAtMost(date: string): FxFixing | null {
    const index = this.#insertionIndex(date);
    const exact = this.#rates.get(date);
    if (exact !== undefined) return exact;
    return index === 0 ? null : this.#rates.get(this.#dates[index - 1]!)!;
  }

  #insertionIndex(date: string): number {
    let low = 0;
    let high = this.#dates.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#dates[middle]! < date) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * Judges a batch of fixings in date order, each against the latest fixing of its currency dated at
 * most its own date, counting the ones of this batch applied before it (so a whole history imported at
 * once is judged day by day, as if it had arrived daily). A held fixing is not a previous fixing for the
 * next day: the next day is judged against what was last applied. `confirmed` applies everything.
 * Throws BAD_INPUT or INVALID_RATE (from checkFixing) before anything is decided.
 */
export function judgeBatch(fixings: readonly FxFixing[], stored: readonly FxFixing[], policy: RatePolicy, confirmed: boolean): BatchDecision {
  for (const fixing of fixings) checkFixing(fixing);
  const histories = new Map<string, CurrencyHistory>();
  const historyOf = (currency: string): CurrencyHistory => {
    let history = histories.get(currency);
    if (history === undefined) {
      history = new CurrencyHistory();
      histories.set(currency, history);
    }
    return history;
  };
  for (const fixing of stored) historyOf(fixing.currency).put(fixing);

  const decision: BatchDecision = { apply: [], hold: [], unchanged: 0 };
  const sorted = [...fixings].sort((a, b) => (a.date === b.date ? compare(a.currency, b.currency) : compare(a.date, b.date)));
  for (const fixing of sorted) {
    const history = historyOf(fixing.currency);
    const previous = history.latestAtMost(fixing.date);
    if (previous !== null && previous.date === fixing.date && checkFixing(previous).equals(checkFixing(fixing))) {
      decision.unchanged += 1;
      continue;
    }
    const judged = confirmed ? ({ decision: 'APPLY' } as const) : judgeFixing(fixing, previous, policy);
    if (judged.decision === 'HOLD') {
      decision.hold.push({ ...fixing, previousRate: judged.previous.rate, jump: judged.jump.toFixed() });
      continue;
    }
    history.put(fixing);
    decision.apply.push(fixing);
  }
  return decision;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
