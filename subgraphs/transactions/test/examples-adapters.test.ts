import { describe, expect, it } from 'vitest';
import { isActiveCurrency } from '@clearhouse/kernel';
import { sameContent } from '../src/domain/stored.ts';
import { scenario, type ScenarioRecord } from './support/examples.ts';
import { partners, wireBatches } from './support/replay.ts';

/** What the format stage must make of a canonical record of scenario.json. */
function expectedFormatOutcome(record: ScenarioRecord): string {
  if (record.malformed !== undefined) return 'MALFORMED';
  if (!isActiveCurrency(record.currency)) return 'UNKNOWN_CURRENCY';
  if (record.amount.startsWith('-')) return 'NEGATIVE_AMOUNT';
  return 'OK';
}

describe('the adapters on the wire files of shared/examples/basic', () => {
  for (const partner of partners) {
    it(`read every ${partner} record as the canonical record scenario.json lists, in arrival order`, () => {
      const candidates = wireBatches(partner, Number.MAX_SAFE_INTEGER).flat();
      const records = scenario.records.filter((record) => record.partner === partner);
      expect(candidates).toHaveLength(records.length);
      candidates.forEach((candidate, index) => {
        const record = records[index]!;
        const context = `${partner} #${index} ${record.externalId}`;
        expect(candidate.ok ? 'OK' : candidate.reason, context).toBe(expectedFormatOutcome(record));
        if (candidate.ok) expect(sameContent(candidate.tx, record), context).toBe(true);
        else if (candidate.externalId !== undefined) expect(candidate.externalId, context).toBe(record.externalId);
      });
    });
  }
});
