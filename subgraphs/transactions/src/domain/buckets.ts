import { assert, AssertionError, assertUnreachable, bucketStartMs, Decimal, decimalToString, type BucketDelta, type CanonicalTransaction } from '@clearhouse/kernel';
import type { Effect } from './decide.ts';

type Measure = 'cashStake' | 'bonusStake' | 'cashWin' | 'bonusWin' | 'jackpotContribution' | 'jackpotWin';
const measures: readonly Measure[] = ['cashStake', 'bonusStake', 'cashWin', 'bonusWin', 'jackpotContribution', 'jackpotWin'];

/**
 * One measure's running sum. Amounts with at most 30 integer and `scale` (18) fraction digits (every
 * real amount) are added exactly as bigints: `scaled[k]` sums the amounts of k fraction digits as
 * multiples of 10^-k, so each amount is read as its digits alone (shorter, cheaper bigints than padding
 * every amount to 18 places), and the parts are brought to 10^-scale once, at the end. The first amount
 * of another form moves the sum to Decimal for good. The bigint sum stays far below Decimal's 80 digits
 * of precision (48 digits plus the digits of the effect count), so both ways give the same exact result.
 */
interface MeasureSum {
  scaled: bigint[];
  decimal: Decimal | null;
}

const scale = 18;
const scaledAmountPattern = /^(\d{1,30})(?:\.(\d{1,18}))?$/;
const powersOfTen = Array.from({ length: scale + 1 }, (_, exponent) => 10n ** BigInt(exponent));

function emptySum(): MeasureSum {
  return { scaled: new Array<bigint>(scale + 1).fill(0n), decimal: null };
}

/** The sum in units of 10^-scale. */
function scaledTotal(sum: MeasureSum): bigint {
  let total = 0n;
  for (let digits = 0; digits <= scale; digits += 1) total += sum.scaled[digits]! * powersOfTen[scale - digits]!;
  return total;
}

function scaledToDecimalText(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  const text = fraction.length > 0 ? `${integer}.${fraction}` : integer;
  return negative ? `-${text}` : text;
}

function addToSum(sum: MeasureSum, amount: string, sign: number): void {
  if (sum.decimal === null) {
    const match = scaledAmountPattern.exec(amount);
    if (match !== null) {
      const fraction = match[2];
      const units = BigInt(fraction === undefined ? match[1]! : match[1]! + fraction);
      sum.scaled[fraction?.length ?? 0]! += sign === 1 ? units : -units;
      return;
    }
    sum.decimal = new Decimal(scaledToDecimalText(scaledTotal(sum)));
  }
  sum.decimal = sum.decimal.plus(new Decimal(amount).times(sign));
}

function sumToDecimal(sum: MeasureSum): Decimal {
  return sum.decimal ?? new Decimal(scaledToDecimalText(scaledTotal(sum)));
}

interface BucketSums {
  gameCode: string;
  currency: string;
  startMs: number;
  sums: Record<Measure, MeasureSum>;
  transactions: number;
  roundIds: string[];
}

/**
 * DESIGN.md 5.2: the net change of each 15-minute bucket (partner, gameCode, currency, UTC interval of
 * occurredAt) that a batch's effects touch. A rollback's effect targets the cancelled transaction, so it
 * subtracts from that transaction's bucket. Each round the batch applies a transaction of is named once,
 * in `roundIds` of the bucket of its first applied transaction: the settlements consumer counts those
 * the partner had not seen (BucketDelta). A bucket whose changes net to zero is still reported: it
 * exists now, whatever the batching (a bet and its rollback in one batch or two). Sorted by bucket
 * start, game and currency. It depends on the effects alone, so it is computed ahead of the partner's lock.
 */
export function aggregateBuckets(effects: readonly Effect[]): BucketDelta[] {
  const buckets = new Map<string, Map<string, Map<number, BucketSums>>>();
  const all: BucketSums[] = [];
  const roundsNamed = new Set<string>();
  const startOf = bucketStarts();
  for (const { sign, target } of effects) {
    assert(target.kind !== 'ROLLBACK', 'an effect targets the transaction that counts, never a rollback');
    const bucket = bucketOf(buckets, all, target, startOf(target.occurredAt));
    const measure = measureOf(target);
    addToSum(bucket.sums[measure], target.amount, sign);
    bucket.transactions += sign;
    if (sign === 1 && !roundsNamed.has(target.roundId)) {
      roundsNamed.add(target.roundId);
      bucket.roundIds.push(target.roundId);
    }
  }
  all.sort((a, b) => a.startMs - b.startMs || compare(a.gameCode, b.gameCode) || compare(a.currency, b.currency));
  return all.map(toDelta);
}

/** Canonical instants ('2026-11-20T21:15:03.120Z') of one minute share their bucket: this prefix names the minute. */
const minutePrefixLength = 'YYYY-MM-DDTHH:MM'.length;
const canonicalInstantLength = 'YYYY-MM-DDTHH:MM:SS.mmmZ'.length;
/** Minutes remembered per aggregation: a batch spans few, and the bound keeps a hostile one cheap. */
const minutesRememberedMax = 4096;

/**
 * The bucket start of an instant, parsing each minute once per aggregation (Date.parse is a large
 * part of aggregating a batch). Anything but the canonical form is parsed on its own.
 */
function bucketStarts(): (occurredAt: string) => number {
  const byMinute = new Map<string, number>();
  return (occurredAt) => {
    if (occurredAt.length !== canonicalInstantLength || occurredAt.charCodeAt(canonicalInstantLength - 1) !== 0x5a /* Z */) {
      return bucketStartMs(Date.parse(occurredAt));
    }
    const minute = occurredAt.slice(0, minutePrefixLength);
    let startMs = byMinute.get(minute);
    if (startMs === undefined) {
      startMs = bucketStartMs(Date.parse(occurredAt));
      if (byMinute.size < minutesRememberedMax) byMinute.set(minute, startMs);
    }
    return startMs;
  };
}

function bucketOf(buckets: Map<string, Map<string, Map<number, BucketSums>>>, all: BucketSums[], tx: CanonicalTransaction, startMs: number): BucketSums {
  let byCurrency = buckets.get(tx.gameCode);
  if (byCurrency === undefined) {
    byCurrency = new Map();
    buckets.set(tx.gameCode, byCurrency);
  }
  let byStart = byCurrency.get(tx.currency);
  if (byStart === undefined) {
    byStart = new Map();
    byCurrency.set(tx.currency, byStart);
  }
  let bucket = byStart.get(startMs);
  if (bucket === undefined) {
    const sums = Object.fromEntries(measures.map((measure) => [measure, emptySum()])) as Record<Measure, MeasureSum>;
    bucket = { gameCode: tx.gameCode, currency: tx.currency, startMs, sums, transactions: 0, roundIds: [] };
    byStart.set(startMs, bucket);
    all.push(bucket);
  }
  return bucket;
}

function measureOf(tx: CanonicalTransaction): Measure {
  switch (tx.kind) {
    case 'BET':
      return tx.funding === 'BONUS' ? 'bonusStake' : 'cashStake';
    case 'WIN':
      return tx.funding === 'BONUS' ? 'bonusWin' : 'cashWin';
    case 'JACKPOT_CONTRIBUTION':
      return 'jackpotContribution';
    case 'JACKPOT_WIN':
      return 'jackpotWin';
    case 'ROLLBACK':
      throw new AssertionError('a rollback never counts in a bucket by itself');
    default:
      return assertUnreachable(tx.kind);
  }
}

function toDelta(bucket: BucketSums): BucketDelta {
  const sums = Object.fromEntries(measures.map((measure) => [measure, sumToDecimal(bucket.sums[measure])])) as Record<Measure, Decimal>;
  return {
    gameCode: bucket.gameCode,
    currency: bucket.currency,
    bucketStart: new Date(bucket.startMs).toISOString(),
    cashStake: decimalToString(sums.cashStake),
    bonusStake: decimalToString(sums.bonusStake),
    cashWin: decimalToString(sums.cashWin),
    bonusWin: decimalToString(sums.bonusWin),
    jackpotContribution: decimalToString(sums.jackpotContribution),
    jackpotWin: decimalToString(sums.jackpotWin),
    transactions: bucket.transactions,
    rounds: 0,
    roundIds: bucket.roundIds,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
