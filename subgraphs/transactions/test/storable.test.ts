import { describe, expect, it } from 'vitest';
import { storableCandidate } from '../src/app/storable.ts';
import { ok, tx } from './support/builders.ts';

describe('storableCandidate', () => {
  it('keeps a record whose text PostgreSQL can store as it is', () => {
    const candidate = ok(tx({ externalId: 'ok-1', playerId: 'ünïcødé 😀' }));
    expect(storableCandidate(candidate)).toBe(candidate);
  });

  it('finds a NUL or a lone surrogate in any field, even two halves that would pair across fields', () => {
    const cases = [
      { externalId: 'a\u0000' },
      { roundId: '\udc00' },
      { currency: 'EU\ud800' },
      { refersTo: 'x\udfff', kind: 'ROLLBACK' as const },
      // A high surrogate ending one field and a low one starting the next are two lone surrogates.
      { externalId: 'id\ud83d', roundId: '\ude00round' },
    ];
    for (const fields of cases) {
      expect(storableCandidate(ok(tx(fields))), JSON.stringify(fields)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    }
  });
});
