import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import {
  parseProviderTransactionReport,
  reconcileTransactions,
  type ProviderTransactionRow,
} from '../../src/domain/statement/reconciliation-transactions.ts';

function theirs(lines: string[]): ProviderTransactionRow[] {
  const result = parseProviderTransactionReport(['TxID;Amount;Currency', ...lines].join('\r\n'));
  if (result instanceof ClearhouseError) throw new Error(`unexpected ${result.code}`);
  expect(result.rejected).toEqual([]);
  return result.rows;
}

describe('transaction-level reconciliation', () => {
  it('lists transactions missing on either side and amounts or currencies that differ', () => {
    const report = theirs(['T-1;10.00;EUR', 'T-2;5.50;EUR', 'T-3;7.00;EUR', 'T-5;12.3400;USD', 'T-6;1.00;EUR']);
    const ours = [
      { transactionId: 'T-1', amount: '10', currency: 'EUR' },
      { transactionId: 'T-2', amount: '5.49', currency: 'EUR' },
      { transactionId: 'T-4', amount: '3.00', currency: 'EUR' },
      { transactionId: 'T-5', amount: '12.34', currency: 'USD' },
      { transactionId: 'T-6', amount: '1.00', currency: 'GBP' },
    ];
    expect(reconcileTransactions(report, ours)).toEqual([
      {
        kind: 'AMOUNT_MISMATCH',
        transactionId: 'T-2',
        ours: { amount: '5.49', currency: 'EUR' },
        theirs: { amount: '5.50', currency: 'EUR' },
        difference: '-0.01',
      },
      { kind: 'MISSING_OURS', transactionId: 'T-3', line: 4, theirs: { amount: '7.00', currency: 'EUR' } },
      { kind: 'MISSING_THEIRS', transactionId: 'T-4', ours: { amount: '3.00', currency: 'EUR' } },
      {
        kind: 'AMOUNT_MISMATCH',
        transactionId: 'T-6',
        ours: { amount: '1.00', currency: 'GBP' },
        theirs: { amount: '1.00', currency: 'EUR' },
        difference: null,
      },
    ]);
  });

  it('compares transaction amounts exactly: a sub-cent difference is a mismatch', () => {
    const differences = reconcileTransactions(theirs(['T-1;0.001;EUR']), [{ transactionId: 'T-1', amount: '0.0011', currency: 'EUR' }]);
    expect(differences).toEqual([expect.objectContaining({ kind: 'AMOUNT_MISMATCH', difference: '0.0001' })]);
  });

  it('rejects repeated ids and bad lines with their line numbers', () => {
    const result = parseProviderTransactionReport('\uFEFFTxID;Amount;Currency\nT-1;1.00;EUR\nT-1;2.00;EUR\nT-2;abc;EUR\nT-3;1.00;eur\n');
    expect(result).toEqual({
      rows: [{ line: 2, transactionId: 'T-1', amount: '1.00', currency: 'EUR' }],
      rejected: [
        { line: 3, reason: 'TxID repeats line 2' },
        { line: 4, reason: expect.stringContaining('Amount "abc"') },
        { line: 5, reason: 'unknown currency "eur"' },
      ],
    });
  });
});
