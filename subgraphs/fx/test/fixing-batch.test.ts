import { describe, expect, it } from 'vitest';
import { judgeBatch } from '../src/domain/fixing-batch.ts';
import { ratePolicy } from '../src/domain/rate-policy.ts';

const policy = ratePolicy('0.10');
const usd = (date: string, rate: string) => ({ date, currency: 'USD', rate });

describe('judging a batch of fixings', () => {
  it('judges each day against the day before it in the same batch, whatever order the file lists them in', () => {
    const decision = judgeBatch([usd('2026-09-03', '1.30'), usd('2026-09-01', '1.10'), usd('2026-09-02', '1.20')], [], policy, false);
    expect(decision.apply).toEqual([usd('2026-09-01', '1.10'), usd('2026-09-02', '1.20'), usd('2026-09-03', '1.30')]);
    expect(decision.hold).toEqual([]);
  });

  it('does not let a held fixing become the previous fixing of the next day', () => {
    const decision = judgeBatch([usd('2026-09-02', '11.0'), usd('2026-09-03', '1.12')], [usd('2026-09-01', '1.10')], policy, false);
    expect(decision.hold.map((held) => [held.date, held.previousRate])).toEqual([['2026-09-02', '1.10']]);
    expect(decision.apply).toEqual([usd('2026-09-03', '1.12')]);
  });

  it('judges a back-filled day against the stored fixing before it, not the later one', () => {
    const decision = judgeBatch([usd('2026-09-02', '1.11')], [usd('2026-09-01', '1.10'), usd('2026-09-10', '2.00')], policy, false);
    expect(decision.apply).toEqual([usd('2026-09-02', '1.11')]);
  });

  it('counts a fixing stored with the same value as unchanged, trailing zeros or not', () => {
    const decision = judgeBatch([usd('2026-09-01', '1.100'), usd('2026-09-02', '1.1')], [usd('2026-09-01', '1.1'), usd('2026-09-02', '1.10')], policy, false);
    expect(decision).toEqual({ apply: [], hold: [], unchanged: 2 });
  });

  it('judges currencies independently', () => {
    const decision = judgeBatch([usd('2026-09-02', '1.5'), { date: '2026-09-02', currency: 'GBP', rate: '0.86' }], [usd('2026-09-01', '1.1'), { date: '2026-09-01', currency: 'GBP', rate: '0.85' }], policy, false);
    expect(decision.apply.map((fixing) => fixing.currency)).toEqual(['GBP']);
    expect(decision.hold.map((fixing) => fixing.currency)).toEqual(['USD']);
  });

  it('applies everything when confirmed', () => {
    expect(judgeBatch([usd('2026-09-02', '11')], [usd('2026-09-01', '1.1')], policy, true).apply).toEqual([usd('2026-09-02', '11')]);
  });

  it('rejects the whole batch before deciding anything when one fixing is invalid', () => {
    expect(() => judgeBatch([usd('2026-09-01', '1.1'), usd('2026-09-02', '0')], [], policy, false)).toThrow(/not positive/);
  });
});
