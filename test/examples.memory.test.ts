import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimUnseen, countRounds, Decimal, FxTable, isActiveCurrency, type CanonicalTransaction, type QuarantineReason } from '@clearhouse/kernel';
import { ingestInMemory, MemoryStore, type Candidate } from '../subgraphs/transactions/src/domain/index.ts';
import { accumulate, type BucketMap } from '../subgraphs/settlements/src/domain/buckets.ts';
import { periodsOfBuckets, rateChain, type RatedPeriod } from '../subgraphs/settlements/src/domain/chain.ts';
import type { ContractVersion } from '../subgraphs/settlements/src/domain/periods.ts';
import { validateTerms, type GameCategory } from '@clearhouse/kernel/terms/index';

/**
 * Replays shared/examples/basic in memory: every canonical record through the transactions domain's
 * in-memory store, the bucket deltas of its events into settlement buckets, then every period rated
 * in order and compared with expected.json. No database, no HTTP.
 */
import { examplesDir } from './support/examples-dir.ts';

interface ScenarioRecord extends CanonicalTransaction {
  partner: string;
  malformed?: string;
}

interface Scenario {
  now: string;
  partners: { code: string }[];
  games: { partner: string; code: string; category: GameCategory }[];
  contracts: { partner: string; effectiveFrom: string; terms: unknown }[];
  fx: { date: string; currency: string; rate: string }[];
  records: ScenarioRecord[];
}

interface ExpectedPeriod {
  partner: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  totals: Record<string, string>;
  groups: { override: string; base: string; fee: string }[];
  tierBands: { from: string; upTo: string | null; slice: string; rate: string }[];
  fxPending: { gameCode: string; currency: string; bucketStart: string }[];
  [figure: string]: unknown;
}

interface Expected {
  periods: ExpectedPeriod[];
  quarantine: Partial<Record<QuarantineReason, number>>;
  duplicates: number;
  heldRollbacks: unknown[];
}

const scenario = JSON.parse(readFileSync(`${examplesDir}/scenario.json`, 'utf8')) as Scenario;
const expected = JSON.parse(readFileSync(`${examplesDir}/expected.json`, 'utf8')) as Expected;

const unroundedFigures = ['tieredBase', 'computedFee', 'carryIn', 'carryOut'] as const;
const roundedFigures = ['fee', 'payable', 'paidNow', 'payableCarryIn', 'payableCarryOut'] as const;
const tolerance = new Decimal('1e-8');

/** The format stage an adapter would have run on the wire record (DESIGN.md section 4, stage 1). */
function candidateOf(record: ScenarioRecord): Candidate {
  const { partner: _partner, malformed, ...tx } = record;
  const raw = JSON.stringify(record);
  const fail = (reason: QuarantineReason, detail: string): Candidate => ({ ok: false, reason, detail, raw });
  if (malformed !== undefined) return fail('MALFORMED', `the wire record of ${tx.externalId} cannot be parsed`);
  if (tx.kind === 'ROLLBACK' && tx.refersTo === null) return fail('MALFORMED', 'a ROLLBACK needs a reference');
  if (!isActiveCurrency(tx.currency)) return fail('UNKNOWN_CURRENCY', `${tx.currency} is not an active currency`);
  if (tx.amount.startsWith('-')) return fail('NEGATIVE_AMOUNT', `amount ${tx.amount} is negative`);
  return { ok: true, tx: { ...tx, refersTo: tx.kind === 'ROLLBACK' ? tx.refersTo : null }, raw };
}

function versionsOf(partner: string): ContractVersion[] {
  return scenario.contracts
    .filter((contract) => contract.partner === partner)
    .map((contract) => {
      const validation = validateTerms(contract.terms);
      if (!validation.ok) throw new Error(`${partner} terms are invalid: ${JSON.stringify(validation.errors)}`);
      return { effectiveFrom: contract.effectiveFrom, terms: validation.terms };
    });
}

function expectClose(actual: string | undefined, wanted: string, label: string): void {
  expect(actual, label).toBeDefined();
  const difference = new Decimal(actual!).minus(wanted).abs();
  expect(difference.lessThan(tolerance), `${label}: ${actual} vs ${wanted}`).toBe(true);
}

const store = new MemoryStore();
const ratedByPartner = new Map<string, RatedPeriod[]>();

beforeAll(() => {
  const nowMs = Date.parse(scenario.now);
  const fx = FxTable.of(scenario.fx);
  for (const { code } of scenario.partners) {
    const catalogue = new Map(scenario.games.filter((game) => game.partner === code).map((game) => [game.code, game.category]));
    const buckets: BucketMap = new Map();
    // The settlements consumer's part: each round the events name is counted once per partner.
    const claim = claimUnseen(new Set());
    const ctx = { nowMs, retentionDays: 400, gameExists: (game: string) => catalogue.has(game) };
    for (const record of scenario.records.filter((candidate) => candidate.partner === code)) {
      const { event } = ingestInMemory(store, code, [candidateOf(record)], ctx, scenario.now);
      if (event !== null) accumulate(buckets, event.partnerId, countRounds(event.deltas, claim));
    }
    const periods = periodsOfBuckets(versionsOf(code), buckets.values());
    ratedByPartner.set(code, rateChain({ periods, gameCategories: catalogue, fx }));
  }
});

describe('the basic worked example, replayed in memory', () => {
  it('rates exactly the periods expected.json lists, per partner, in order', () => {
    for (const { code } of scenario.partners) {
      const wanted = expected.periods.filter((period) => period.partner === code).map((period) => [Date.parse(period.periodStart), Date.parse(period.periodEnd)]);
      const actual = (ratedByPartner.get(code) ?? []).map((period) => [period.startMs, period.endMs]);
      expect(actual, code).toEqual(wanted);
    }
  });

  describe.each(expected.periods.map((period) => [`${period.partner} ${period.periodStart}`, period] as const))('period %s', (_label, want) => {
    const actual = (): RatedPeriod => {
      const period = ratedByPartner.get(want.partner)?.find((rated) => rated.startMs === Date.parse(want.periodStart));
      expect(period, 'period exists').toBeDefined();
      return period!;
    };

    it('has the expected totals in the contract currency', () => {
      const period = actual();
      expect(period.currency).toBe(want.currency);
      for (const [field, value] of Object.entries(want.totals)) expectClose(period.totals[field as keyof typeof period.totals], value, `totals.${field}`);
    });

    it('has the expected override groups, tier bands and unrounded fee figures', () => {
      const period = actual();
      expect(period.groups.map((group) => group.override)).toEqual(want.groups.map((group) => group.override));
      want.groups.forEach((group, index) => {
        expectClose(period.groups[index]?.base, group.base, `${group.override} base`);
        expectClose(period.groups[index]?.fee, group.fee, `${group.override} fee`);
      });
      expect(period.tierBands.map((band) => [band.from, band.upTo, band.rate])).toEqual(want.tierBands.map((band) => [band.from, band.upTo, band.rate]));
      want.tierBands.forEach((band, index) => expectClose(period.tierBands[index]?.slice, band.slice, `band ${index} slice`));
      for (const figure of unroundedFigures) expectClose(period[figure], want[figure] as string, figure);
    });

    it('has exactly the expected rounded money and carries', () => {
      const period = actual();
      for (const figure of roundedFigures) expect(period[figure], figure).toBe(want[figure]);
    });

    it('lists exactly the expected FX-pending buckets, in order', () => {
      const pending = (list: { gameCode: string; currency: string; bucketStart: string }[]) =>
        list.map((bucket) => [bucket.gameCode, bucket.currency, Date.parse(bucket.bucketStart)]);
      expect(pending(actual().fxPending)).toEqual(pending(want.fxPending));
    });
  });

  it('quarantines, counts duplicates and holds rollbacks as expected.json says', () => {
    let duplicates = 0;
    let held = 0;
    const quarantined: Partial<Record<QuarantineReason, number>> = {};
    for (const { code } of scenario.partners) {
      const stats = store.partner(code).stats();
      duplicates += stats.duplicates;
      held += stats.heldRollbacks;
      for (const [reason, count] of Object.entries(stats.quarantined) as [QuarantineReason, number][]) {
        if (count > 0) quarantined[reason] = (quarantined[reason] ?? 0) + count;
      }
    }
    expect(quarantined).toEqual(expected.quarantine);
    expect(duplicates).toBe(expected.duplicates);
    expect(held).toBe(expected.heldRollbacks.length);
  });
});
