import { describe, expect, it } from 'vitest';
import { quarantineReasons } from '@clearhouse/kernel';
import { expected } from './support/examples.ts';
import { replayExamples } from './support/replay.ts';

describe('replaying shared/examples/basic through the adapters and the in-memory store', () => {
  const oneByOne = replayExamples(1);
  const byFiveHundred = replayExamples(500);

  it('quarantines exactly the records expected.json counts, per reason', () => {
    const expectedCounts = Object.fromEntries(quarantineReasons.map((reason) => [reason, expected.quarantine[reason] ?? 0]));
    expect(oneByOne.quarantined).toEqual(expectedCounts);
  });

  it('counts the identical re-sends as duplicates and holds no rollback at the end', () => {
    expect(oneByOne.duplicates).toBe(expected.duplicates);
    expect(oneByOne.heldRollbacks).toEqual(expected.heldRollbacks);
  });

  it('ends in the same stored state and bucket totals whether records arrive one by one or 500 at a time', () => {
    expect(byFiveHundred.quarantined).toEqual(oneByOne.quarantined);
    expect(byFiveHundred.duplicates).toBe(oneByOne.duplicates);
    expect(byFiveHundred.stored).toEqual(oneByOne.stored);
    expect(byFiveHundred.buckets).toEqual(oneByOne.buckets);
  });
});
