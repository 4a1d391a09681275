import { describe, expect, it } from 'vitest';
import { ClearhouseError, Decimal, FxTable } from '@clearhouse/kernel';
import { periodsOfBuckets, rateChain } from '../src/domain/chain.ts';
import type { ContractVersion } from '../src/domain/periods.ts';
import { bucket, categories, termsOf } from './support/builders.ts';

const games = categories({ slot: 'SLOT' });
const fx = new FxTable();
const utcMonthly = { timezone: 'UTC', cycle: 'MONTHLY', negativeCarryover: true, minimumPayout: '100' };
const v1: ContractVersion = { effectiveFrom: '2026-01-01', terms: termsOf({ ...utcMonthly, tiers: [{ upTo: null, rate: '0.10' }] }) };

function ggrBucket(at: string, ggr: string) {
  const amount = new Decimal(ggr);
  return amount.isNegative()
    ? bucket('slot', at, { cashWin: amount.negated().toFixed() })
    : bucket('slot', at, { cashStake: amount.toFixed() });
}

describe('rating a partner\'s periods in order', () => {
  it('passes the negative carry and the unpaid payable on through three periods', () => {
    const buckets = [
      ggrBucket('2026-01-10T00:00:00Z', '600'), // fee 60, below the 100 payout: carried
      ggrBucket('2026-02-10T00:00:00Z', '-1000'), // losing month: carry −1000, fee 0
      ggrBucket('2026-03-10T00:00:00Z', '1500'), // tiered base 1500 − 1000 = 500, fee 50, payable 110
    ];
    const rated = rateChain({ periods: periodsOfBuckets([v1], buckets), gameCategories: games, fx });
    expect(rated.map((period) => period.start)).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    expect(rated.map((p) => [p.carryIn, p.tieredBase, p.carryOut])).toEqual([
      ['0', '600', '0'],
      ['0', '-1000', '-1000'],
      ['-1000', '500', '0'],
    ]);
    expect(rated.map((p) => [p.fee, p.payableCarryIn, p.payable, p.paidNow, p.payableCarryOut])).toEqual([
      ['60.00', '0', '60.00', '0', '60.00'],
      ['0', '60.00', '60.00', '0', '60.00'],
      ['50.00', '60.00', '110.00', '110.00', '0'],
    ]);
  });

  it('skips a cycle without transactions: it has no period and the carries go straight to the next one', () => {
    const buckets = [ggrBucket('2026-01-10T00:00:00Z', '-300'), ggrBucket('2026-03-10T00:00:00Z', '400')];
    const rated = rateChain({ periods: periodsOfBuckets([v1], buckets), gameCategories: games, fx });
    expect(rated.map((p) => [p.start, p.carryIn, p.tieredBase, p.fee])).toEqual([
      ['2026-01-01T00:00:00.000Z', '0', '-300', '0'],
      ['2026-03-01T00:00:00.000Z', '-300', '100', '10.00'],
    ]);
  });

  it('carries across contract versions and rates each period with the version in force at its start', () => {
    const v2: ContractVersion = { effectiveFrom: '2026-02-15', terms: termsOf({ ...utcMonthly, tiers: [{ upTo: null, rate: '0.20' }] }) };
    const buckets = [ggrBucket('2026-02-10T00:00:00Z', '-200'), ggrBucket('2026-02-20T00:00:00Z', '100'), ggrBucket('2026-03-10T00:00:00Z', '1100')];
    const rated = rateChain({ periods: periodsOfBuckets([v1, v2], buckets), gameCategories: games, fx });
    expect(rated.map((p) => [p.start, p.tierBands[0]?.rate, p.tieredBase, p.fee])).toEqual([
      ['2026-02-01T00:00:00.000Z', '0.10', '-100', '0'],
      ['2026-03-01T00:00:00.000Z', '0.20', '1000', '200.00'],
    ]);
  });

  it('starts from the carries of the period before the chain', () => {
    const rated = rateChain({
      periods: periodsOfBuckets([v1], [ggrBucket('2026-05-10T00:00:00Z', '1000')]),
      gameCategories: games, fx, carryIn: new Decimal('-250'), payableCarryIn: new Decimal('40.00'),
    });
    expect([rated[0]?.tieredBase, rated[0]?.fee, rated[0]?.payable]).toEqual(['750', '75.00', '115.00']);
  });

  it('refuses to pass carries between versions in different currencies rather than guess a rate', () => {
    const dollars: ContractVersion = { effectiveFrom: '2026-02-01', terms: termsOf({ ...utcMonthly, currency: 'USD' }) };
    const periods = periodsOfBuckets([v1, dollars], [ggrBucket('2026-01-10T00:00:00Z', '10'), bucket('slot', '2026-02-10T00:00:00Z', { cashStake: '1' }, 'USD')]);
    expect(() => rateChain({ periods, gameCategories: games, fx })).toThrow(ClearhouseError);
  });
});
