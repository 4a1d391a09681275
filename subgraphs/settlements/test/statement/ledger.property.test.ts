import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendToLedger, entryHash, verifyLedger, type LedgerEntry } from '../../src/domain/statement/ledger.ts';
import { paymentPosting, statementPosting, type Posting } from '../../src/domain/statement/postings.ts';

const cents = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map(formatCents);

function formatCents(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  return `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}`;
}

const text = fc.string({ minLength: 1, maxLength: 12 });
const postedAt = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString());

const posting: fc.Arbitrary<Posting | null> = fc.oneof(
  fc.record({
    partnerId: text,
    periodId: text,
    currency: fc.constantFrom('EUR', 'USD', 'GBP'),
    fee: cents.map((amount) => amount.replace('-', '')),
    adjustments: fc.array(fc.record({ id: text, amount: cents }), { maxLength: 3 }),
    postedAt,
  }).map(statementPosting),
  fc.record({ partnerId: text, periodId: text, currency: fc.constant('EUR'), amount: cents, reference: text, postedAt }).map(
    paymentPosting,
  ),
);

const ledger = fc.array(posting, { minLength: 1, maxLength: 12 }).map((postings) => {
  const entries: LedgerEntry[] = [];
  for (const item of postings) if (item !== null) entries.push(appendToLedger(entries.at(-1) ?? null, item));
  return entries;
}).filter((entries) => entries.length > 0);

/** Each tampering changes exactly one field of one entry to a different value. */
type Tamper = (entry: LedgerEntry, pick: number) => LedgerEntry;
const otherHex = (hash: string): string => `${hash[0] === 'a' ? 'b' : 'a'}${hash.slice(1)}`;
const onLine = (entry: LedgerEntry, pick: number, change: (line: LedgerEntry['lines'][0]) => LedgerEntry['lines'][0]) => {
  const index = pick % entry.lines.length;
  return { ...entry, lines: entry.lines.map((line, at) => (at === index ? change(line) : line)) };
};
const tampers: Record<string, Tamper> = {
  seq: (entry) => ({ ...entry, seq: entry.seq + 1 }),
  kind: (entry) => ({ ...entry, kind: entry.kind === 'PAYMENT' ? 'STATEMENT_APPROVED' : 'PAYMENT' }),
  partnerId: (entry) => ({ ...entry, partnerId: `${entry.partnerId}x` }),
  periodId: (entry) => ({ ...entry, periodId: `${entry.periodId}x` }),
  currency: (entry) => ({ ...entry, currency: entry.currency === 'EUR' ? 'USD' : 'EUR' }),
  reference: (entry) => ({ ...entry, reference: `${entry.reference}x` }),
  postedAt: (entry) => ({ ...entry, postedAt: new Date(Date.parse(entry.postedAt) + 1).toISOString() }),
  prevHash: (entry) => ({ ...entry, prevHash: otherHex(entry.prevHash) }),
  hash: (entry) => ({ ...entry, hash: otherHex(entry.hash) }),
  amount: (entry, pick) => onLine(entry, pick, (line) => ({ ...line, amount: line.amount === '0.01' ? '0.02' : '0.01' })),
  account: (entry, pick) =>
    onLine(entry, pick, (line) => ({ ...line, account: line.account === 'CASH' ? 'FEE_EXPENSE' : 'CASH' })),
  side: (entry, pick) => onLine(entry, pick, (line) => ({ ...line, side: line.side === 'DEBIT' ? 'CREDIT' : 'DEBIT' })),
  memo: (entry, pick) => onLine(entry, pick, (line) => ({ ...line, memo: `${line.memo}x` })),
};
const contentFields = Object.keys(tampers).filter((field) => field !== 'hash' && field !== 'prevHash');

describe('ledger chain properties', () => {
  it('accepts every untampered chain', () => {
    fc.assert(
      fc.property(ledger, (entries) => {
        expect(verifyLedger(entries)).toEqual({ ok: true, head: { seq: entries.length, hash: entries.at(-1)!.hash } });
      }),
    );
  });

  it('rejects any single-field change, at the changed entry', () => {
    fc.assert(
      fc.property(ledger, fc.nat(), fc.constantFrom(...Object.keys(tampers)), fc.nat(), (entries, at, field, pick) => {
        const index = at % entries.length;
        const tampered = entries.map((entry, position) => (position === index ? tampers[field]!(entry, pick) : entry));
        expect(verifyLedger(tampered)).toMatchObject({ ok: false, firstBrokenSeq: index + 1 });
      }),
    );
  });

  it('rejects any single-field change whose entry hash the forger recomputed, given the recorded head', () => {
    fc.assert(
      fc.property(ledger, fc.nat(), fc.constantFrom(...contentFields), fc.nat(), (entries, at, field, pick) => {
        const index = at % entries.length;
        const head = { seq: entries.length, hash: entries.at(-1)!.hash };
        const forge = (entry: LedgerEntry): LedgerEntry => {
          const changed = tampers[field]!(entry, pick);
          return { ...changed, hash: entryHash(changed) };
        };
        const tampered = entries.map((entry, position) => (position === index ? forge(entry) : entry));
        const result = verifyLedger(tampered, { head });
        expect(result.ok).toBe(false);
      }),
    );
  });
});
