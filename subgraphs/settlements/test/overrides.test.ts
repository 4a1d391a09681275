import { describe, expect, it } from 'vitest';
import { localStartOf, matchOverride } from '../src/domain/overrides.ts';
import type { GameCategory } from '@clearhouse/kernel/terms/index';
import { termsOf } from './support/builders.ts';

const terms = termsOf({
  timezone: 'Europe/Berlin',
  overrides: [
    { name: 'live casino', categories: ['LIVE_CASINO'], rate: '0.25' },
    { name: 'late promo', weekdays: ['FRI'], hours: { from: '22:00', to: '02:00' }, rate: '0.08' },
    { name: 'flagship', games: ['book-of-x'], rate: '0.09' },
    { name: 'night slots', categories: ['SLOT'], hours: { from: '23:00', to: '01:00' }, rate: '0.05' },
  ],
});

function matched(gameCode: string, category: GameCategory | undefined, instantIso: string): string | null {
  const local = localStartOf(Date.parse(instantIso), terms.timezone);
  const index = matchOverride(terms.overrides, { gameCode, category, local });
  return index < 0 ? null : terms.overrides[index]!.name;
}

describe('override matching', () => {
  it('reads a FRI 22:00–02:00 window on the bucket\'s own local start: Friday early and late, never Saturday early', () => {
    // Berlin is UTC+2 in September 2026; 2026-09-18 is a Friday.
    expect(matched('g', 'TABLE', '2026-09-17T22:00:00Z')).toBe('late promo'); // Fri 00:00
    expect(matched('g', 'TABLE', '2026-09-17T23:45:00Z')).toBe('late promo'); // Fri 01:45
    expect(matched('g', 'TABLE', '2026-09-18T00:00:00Z')).toBeNull(); // Fri 02:00: `to` is exclusive
    expect(matched('g', 'TABLE', '2026-09-18T19:45:00Z')).toBeNull(); // Fri 21:45
    expect(matched('g', 'TABLE', '2026-09-18T20:00:00Z')).toBe('late promo'); // Fri 22:00: `from` is inclusive
    expect(matched('g', 'TABLE', '2026-09-18T21:45:00Z')).toBe('late promo'); // Fri 23:45
    expect(matched('g', 'TABLE', '2026-09-18T22:00:00Z')).toBeNull(); // Sat 00:00
  });

  it('takes the first override in list order when several match', () => {
    expect(matched('book-of-x', 'LIVE_CASINO', '2026-09-18T21:00:00Z')).toBe('live casino');
    expect(matched('book-of-x', 'SLOT', '2026-09-18T21:00:00Z')).toBe('late promo');
    expect(matched('book-of-x', 'SLOT', '2026-09-19T21:00:00Z')).toBe('flagship'); // Sat 23:00
    expect(matched('other', 'SLOT', '2026-09-19T21:00:00Z')).toBe('night slots');
  });

  it('needs every given condition to hold', () => {
    expect(matched('other', 'SLOT', '2026-09-19T23:00:00Z')).toBeNull(); // Sun 01:00: outside 23:00–01:00
    expect(matched('other', 'TABLE', '2026-09-19T21:00:00Z')).toBeNull(); // right hour, wrong category
  });

  it('lets a game missing from the catalogue match no category condition', () => {
    expect(matched('unknown', undefined, '2026-09-16T10:00:00Z')).toBeNull();
  });

  it('reads local time in winter time after the October change', () => {
    // 2026-10-30 is a Friday; Berlin is UTC+1 then, so 21:00Z is 22:00 local.
    expect(matched('g', 'TABLE', '2026-10-30T21:00:00Z')).toBe('late promo');
    expect(matched('g', 'TABLE', '2026-10-30T20:45:00Z')).toBeNull();
  });
});
