import { describe, expect, it } from 'vitest';
import { AssertionError, dec, sum } from '@clearhouse/kernel';
import { appendToLedger, entryHash, verifyLedger, type LedgerEntry } from '../../src/domain/statement/ledger.ts';
import {
  paymentPosting,
  statementPosting,
  type LedgerAccount,
  type Posting,
} from '../../src/domain/statement/postings.ts';

const base = { partnerId: 'nova', currency: 'EUR', postedAt: '2026-09-03T10:00:00.000Z' };

function chain(postings: readonly Posting[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const posting of postings) entries.push(appendToLedger(entries.at(-1) ?? null, posting));
  return entries;
}

function sampleLedger(): LedgerEntry[] {
  return chain([
    statementPosting({ ...base, periodId: 'aug', fee: '150.00', adjustments: [{ id: 'a1', amount: '-12.50' }] })!,
    paymentPosting({ ...base, periodId: 'aug', amount: '137.50', reference: 'SEPA-1' })!,
    statementPosting({ ...base, periodId: 'sep', fee: '326.93', adjustments: [] })!,
    paymentPosting({ ...base, periodId: 'sep', amount: '326.93', reference: 'SEPA-2' })!,
  ]);
}

/** Debit balance of an account: debits minus credits. */
function balance(entries: readonly LedgerEntry[], account: LedgerAccount): string {
  const lines = entries.flatMap((entry) => entry.lines).filter((line) => line.account === account);
  return sum(lines.map((line) => (line.side === 'DEBIT' ? dec(line.amount) : dec(line.amount).negated()))).toFixed(2);
}

function rehash(entry: LedgerEntry): LedgerEntry {
  return { ...entry, hash: entryHash(entry) };
}

describe('ledger postings', () => {
  it('book an approved statement as fee expense against a payable to the partner, adjustments by sign', () => {
    const posting = statementPosting({ ...base, periodId: 'aug', fee: '150', adjustments: [{ id: 'a1', amount: '-12.5' }] });
    expect(posting?.lines).toEqual([
      { account: 'FEE_EXPENSE', side: 'DEBIT', amount: '150.00', memo: 'fee' },
      { account: 'PAYABLE_TO_PARTNER', side: 'CREDIT', amount: '150.00', memo: 'fee' },
      { account: 'PAYABLE_TO_PARTNER', side: 'DEBIT', amount: '12.50', memo: 'adjustment a1' },
      { account: 'FEE_EXPENSE', side: 'CREDIT', amount: '12.50', memo: 'adjustment a1' },
    ]);
  });

  it('book a payment as payable to the partner against cash', () => {
    const posting = paymentPosting({ ...base, periodId: 'aug', amount: '35793', currency: 'JPY', reference: 'WIRE-9' });
    expect(posting).toMatchObject({ kind: 'PAYMENT', reference: 'WIRE-9' });
    expect(posting?.lines).toEqual([
      { account: 'PAYABLE_TO_PARTNER', side: 'DEBIT', amount: '35793', memo: 'payment' },
      { account: 'CASH', side: 'CREDIT', amount: '35793', memo: 'payment' },
    ]);
  });

  it('post nothing when the fee, the adjustments or the payment are zero', () => {
    expect(statementPosting({ ...base, periodId: 'oct', fee: '0', adjustments: [] })).toBeNull();
    expect(paymentPosting({ ...base, periodId: 'oct', amount: '0', reference: 'none' })).toBeNull();
  });

  it('balance in every entry, and leave the payable at zero once everything booked is paid', () => {
    const entries = sampleLedger();
    for (const entry of entries) {
      const debits = sum(entry.lines.filter((line) => line.side === 'DEBIT').map((line) => dec(line.amount)));
      const credits = sum(entry.lines.filter((line) => line.side === 'CREDIT').map((line) => dec(line.amount)));
      expect(debits.equals(credits)).toBe(true);
    }
    expect(balance(entries, 'PAYABLE_TO_PARTNER')).toBe('0.00');
    expect(balance(entries, 'FEE_EXPENSE')).toBe('464.43');
    expect(balance(entries, 'CASH')).toBe('-464.43');
  });

  it('refuse an unbalanced posting as a programming error', () => {
    const unbalanced: Posting = {
      ...statementPosting({ ...base, periodId: 'aug', fee: '150.00', adjustments: [] })!,
      lines: [
        { account: 'FEE_EXPENSE', side: 'DEBIT', amount: '150.00', memo: 'fee' },
        { account: 'PAYABLE_TO_PARTNER', side: 'CREDIT', amount: '149.99', memo: 'fee' },
      ],
    };
    expect(() => appendToLedger(null, unbalanced)).toThrow(AssertionError);
  });

  it('refuse amounts finer than the currency minor units rather than rounding them', () => {
    expect(() => statementPosting({ ...base, periodId: 'aug', fee: '150.001', adjustments: [] })).toThrow(AssertionError);
  });
});

describe('ledger hash chain', () => {
  it('verifies an untampered chain and reports its head', () => {
    const entries = sampleLedger();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
    expect(verifyLedger(entries)).toEqual({ ok: true, head: { seq: 4, hash: entries[3]!.hash } });
    expect(verifyLedger([])).toEqual({ ok: true, head: null });
  });

  it('detects an altered amount', () => {
    const entries = sampleLedger();
    const line = entries[1]!.lines[0]!;
    entries[1] = { ...entries[1]!, lines: [{ ...line, amount: '1137.50' }, entries[1]!.lines[1]!] };
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: expect.stringContaining('altered') });
  });

  it('detects an altered amount even when the forger recomputes that entry hash', () => {
    const entries = sampleLedger();
    const lines = entries[0]!.lines.map((line) => ({ ...line, amount: line.memo === 'fee' ? '15.00' : line.amount }));
    entries[0] = rehash({ ...entries[0]!, lines });
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: expect.stringContaining('prevHash') });
  });

  it('detects a changed account', () => {
    const entries = sampleLedger();
    const [debit, credit] = entries[3]!.lines as [LedgerEntry['lines'][0], LedgerEntry['lines'][0]];
    entries[3] = { ...entries[3]!, lines: [debit, { ...credit, account: 'FEE_EXPENSE' }] };
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('detects a deleted entry', () => {
    const entries = sampleLedger();
    entries.splice(1, 1);
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: expect.stringContaining('deleted') });
  });

  it('detects entries removed from the end against a recorded head', () => {
    const entries = sampleLedger();
    const head = { seq: 4, hash: entries[3]!.hash };
    expect(verifyLedger(entries.slice(0, 3))).toMatchObject({ ok: true });
    expect(verifyLedger(entries.slice(0, 3), { head })).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    expect(verifyLedger(entries, { head })).toMatchObject({ ok: true });
  });

  it('detects a chain rewritten from some entry on against a head recorded before, and accepts later appends', () => {
    const entries = sampleLedger();
    const head = { seq: 2, hash: entries[1]!.hash };
    expect(verifyLedger(entries, { head })).toMatchObject({ ok: true });
    const forged = chain([
      statementPosting({ ...base, periodId: 'aug', fee: '150.00', adjustments: [{ id: 'a1', amount: '-12.50' }] })!,
      paymentPosting({ ...base, periodId: 'aug', amount: '1137.50', reference: 'SEPA-1' })!,
      statementPosting({ ...base, periodId: 'sep', fee: '326.93', adjustments: [] })!,
    ]);
    expect(verifyLedger(forged)).toMatchObject({ ok: true });
    expect(verifyLedger(forged, { head })).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('detects an inserted entry, even one correctly linked to its predecessor', () => {
    const entries = sampleLedger();
    const forged = appendToLedger(entries[1]!, paymentPosting({ ...base, periodId: 'aug', amount: '500.00', reference: 'X' })!);
    entries.splice(2, 0, forged);
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('detects two entries swapped', () => {
    const entries = sampleLedger();
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('detects a renumbered entry', () => {
    const entries = sampleLedger();
    entries[2] = rehash({ ...entries[2]!, seq: 7 });
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('rejects an unbalanced entry even with a consistent hash', () => {
    const entries = sampleLedger().slice(0, 1);
    const lines = entries[0]!.lines.map((line, index) => (index === 0 ? { ...line, amount: '151.00' } : line));
    entries[0] = rehash({ ...entries[0]!, lines });
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: expect.stringContaining('balance') });
  });

  it('rejects malformed data without throwing', () => {
    const entries = sampleLedger();
    entries[1] = { ...entries[1]!, lines: null as never };
    expect(verifyLedger(entries)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: expect.stringContaining('malformed') });
  });

  it('verifies page by page from the last verified entry', () => {
    const entries = sampleLedger();
    const first = verifyLedger(entries.slice(0, 2));
    expect(first.ok).toBe(true);
    const after = first.ok ? first.head! : { seq: 0, hash: '' };
    expect(verifyLedger(entries.slice(2), { after })).toMatchObject({ ok: true, head: { seq: 4 } });
    expect(verifyLedger(entries.slice(3), { after })).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });
});
