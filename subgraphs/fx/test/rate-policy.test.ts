import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import { judgeFixing, ratePolicy } from '../src/domain/rate-policy.ts';

const previous = { date: '2026-11-19', currency: 'USD', rate: '1.1000' };
const on = (rate: string) => ({ date: '2026-11-20', currency: 'USD', rate });

describe('rate policy', () => {
  it('applies the first fixing of a currency', () => {
    expect(judgeFixing(on('1.1'), null)).toEqual({ decision: 'APPLY', jump: null });
  });

  it('applies a move within 10 % and reports the signed jump exactly', () => {
    const result = judgeFixing(on('1.155'), previous);
    expect(result.decision).toBe('APPLY');
    expect(result.jump?.toFixed()).toBe('0.05');
  });

  it('applies a jump of exactly the threshold, up or down', () => {
    expect(judgeFixing(on('1.21'), previous).decision).toBe('APPLY');
    expect(judgeFixing(on('0.99'), previous).decision).toBe('APPLY');
  });

  it('holds a jump beyond the threshold for confirmation, up or down', () => {
    const up = judgeFixing(on('1.2100001'), previous);
    expect(up.decision).toBe('HOLD');
    expect(up.jump?.toSignificantDigits(12).toFixed()).toBe('0.100000090909');
    const misplacedPoint = judgeFixing(on('0.11'), previous);
    expect(misplacedPoint).toMatchObject({ decision: 'HOLD', previous });
    expect(misplacedPoint.jump?.toFixed()).toBe('-0.9');
  });

  it('uses a configured threshold', () => {
    const strict = ratePolicy('0.01');
    expect(judgeFixing(on('1.12'), previous, strict).decision).toBe('HOLD');
    expect(judgeFixing(on('1.105'), previous, strict).decision).toBe('APPLY');
  });

  it('refuses a threshold that is not a positive decimal', () => {
    for (const text of ['0', '-0.1', 'ten', '']) expect(() => ratePolicy(text)).toThrow(ClearhouseError);
  });

  it('rejects a non-positive or malformed rate before comparing', () => {
    for (const rate of ['0', '-1.1', '1,1', '1e2']) {
      expect(() => judgeFixing(on(rate), previous)).toThrow(expect.objectContaining({ code: 'INVALID_RATE' }));
    }
  });

  it('rejects an unknown currency and a bad date', () => {
    expect(() => judgeFixing({ ...on('1.1'), currency: 'XTS' }, null)).toThrow(expect.objectContaining({ code: 'INVALID_RATE' }));
    expect(() => judgeFixing({ ...on('1.1'), date: '2026-13-01' }, null)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
