import { assert, dec, Decimal, minorUnits, roundMoney, sum, ZERO } from '@clearhouse/kernel';

/**
 * Double-entry postings of DESIGN.md 5.5: an approved statement books the fee (and each approved
 * adjustment) as fee expense against a payable to the partner; a payment settles that payable from
 * cash. Every posting balances, in one currency, with amounts at the currency's minor units.
 */
export const ledgerAccounts = ['FEE_EXPENSE', 'PAYABLE_TO_PARTNER', 'CASH'] as const;
export type LedgerAccount = (typeof ledgerAccounts)[number];

export const postingSides = ['DEBIT', 'CREDIT'] as const;
export type PostingSide = (typeof postingSides)[number];

export const postingKinds = ['STATEMENT_APPROVED', 'PAYMENT'] as const;
export type PostingKind = (typeof postingKinds)[number];

export interface PostingLine {
  account: LedgerAccount;
  side: PostingSide;
  /** Positive, printed with exactly the currency's minor units. */
  amount: string;
  memo: string;
}

export interface Posting {
  kind: PostingKind;
  partnerId: string;
  periodId: string;
  currency: string;
  /** The statement's period id, or the payment reference. */
  reference: string;
  /** ISO 8601 instant. */
  postedAt: string;
  lines: PostingLine[];
}

/** A fee pair plus one pair per adjustment, with room to spare. */
export const postingLinesMax = 512;

/** Books an approved statement; null when the fee and every adjustment are zero (nothing to post). */
export function statementPosting(input: {
  partnerId: string;
  periodId: string;
  currency: string;
  fee: string;
  adjustments: readonly { id: string; amount: string }[];
  postedAt: string;
}): Posting | null {
  const fee = dec(input.fee);
  assert(!fee.lessThan(ZERO), 'a fee is never negative');
  const lines = pair(input.currency, fee, 'FEE_EXPENSE', 'PAYABLE_TO_PARTNER', 'fee');
  for (const adjustment of input.adjustments) {
    lines.push(
      ...pair(input.currency, dec(adjustment.amount), 'FEE_EXPENSE', 'PAYABLE_TO_PARTNER', `adjustment ${adjustment.id}`),
    );
  }
  if (lines.length === 0) return null;
  const { partnerId, periodId, currency, postedAt } = input;
  return checked({ kind: 'STATEMENT_APPROVED', partnerId, periodId, currency, reference: periodId, postedAt, lines });
}

/** Books a payment of the partner's payable; null when nothing is paid now (below minimum payout). */
export function paymentPosting(input: {
  partnerId: string;
  periodId: string;
  currency: string;
  amount: string;
  reference: string;
  postedAt: string;
}): Posting | null {
  const lines = pair(input.currency, dec(input.amount), 'PAYABLE_TO_PARTNER', 'CASH', 'payment');
  if (lines.length === 0) return null;
  const { partnerId, periodId, currency, reference, postedAt } = input;
  return checked({ kind: 'PAYMENT', partnerId, periodId, currency, reference, postedAt, lines });
}

/** Why a posting is not a valid, balanced posting, or null when it is one. Never throws. */
export function postingProblem(posting: Posting): string | null {
  if (!postingKinds.includes(posting.kind)) return `unknown posting kind ${String(posting.kind)}`;
  if (!Array.isArray(posting.lines) || posting.lines.length === 0) return 'a posting has at least one line';
  if (posting.lines.length > postingLinesMax) return `a posting has at most ${postingLinesMax} lines`;
  let places: number;
  try {
    places = minorUnits(posting.currency);
  } catch {
    return `unknown currency ${String(posting.currency)}`;
  }
  const debits: Decimal[] = [];
  const credits: Decimal[] = [];
  for (const [index, line] of posting.lines.entries()) {
    if (!ledgerAccounts.includes(line.account)) return `line ${index + 1}: unknown account ${String(line.account)}`;
    if (!postingSides.includes(line.side)) return `line ${index + 1}: unknown side ${String(line.side)}`;
    const amount = moneyOrNull(line.amount, places);
    if (amount === null || !amount.greaterThan(ZERO)) {
      return `line ${index + 1}: amount ${String(line.amount)} is not a positive amount in ${posting.currency}`;
    }
    (line.side === 'DEBIT' ? debits : credits).push(amount);
  }
  if (!sum(debits).equals(sum(credits))) return 'debits and credits do not balance';
  return null;
}

/** Debits `debit` and credits `credit` by |amount|; a negative amount swaps the sides. */
function pair(currency: string, amount: Decimal, debit: LedgerAccount, credit: LedgerAccount, memo: string): PostingLine[] {
  if (amount.isZero()) return [];
  const printed = roundMoney(amount.abs(), minorUnits(currency));
  assert(dec(printed).equals(amount.abs()), 'posted amounts are already at minor units');
  const [to, from] = amount.lessThan(ZERO) ? [credit, debit] : [debit, credit];
  return [
    { account: to, side: 'DEBIT', amount: printed, memo },
    { account: from, side: 'CREDIT', amount: printed, memo },
  ];
}

function checked(posting: Posting): Posting {
  const problem = postingProblem(posting);
  assert(problem === null, `posting is invalid: ${problem}`);
  assert(!Number.isNaN(Date.parse(posting.postedAt)), 'postedAt is an ISO instant');
  return posting;
}

/** The amount if it is a money string at exactly the currency's minor units (the canonical print). */
function moneyOrNull(text: unknown, places: number): Decimal | null {
  if (typeof text !== 'string' || !/^-?\d{1,30}(\.\d+)?$/.test(text)) return null;
  const amount = new Decimal(text);
  return roundMoney(amount, places) === text ? amount : null;
}
