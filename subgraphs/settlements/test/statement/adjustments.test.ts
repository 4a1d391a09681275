import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import {
  countingAdjustments,
  decideAdjustment,
  proposeAdjustment,
  type AdjustmentChange,
} from '../../src/domain/statement/adjustments.ts';
import { transition } from '../../src/domain/statement/state-machine.ts';
import { alice, augEndMs, august, bob, hourMs, olga } from './fixtures.ts';

const nowMs = augEndMs - hourMs;
const input = { id: 'adj-1', amount: '-12.50', currency: 'EUR', reason: 'goodwill credit for outage' };

function ok(result: AdjustmentChange | ClearhouseError): AdjustmentChange {
  if (result instanceof ClearhouseError) throw new Error(`unexpected ${result.code}: ${result.message}`);
  return result;
}

function code(result: unknown): string {
  expect(result).toBeInstanceOf(ClearhouseError);
  return (result as ClearhouseError).code;
}

describe('manual adjustments', () => {
  it('start PENDING, are counted on the period, and do not count yet', () => {
    const { adjustment, period } = ok(proposeAdjustment(august(), input, alice, nowMs));
    expect(adjustment).toMatchObject({ status: 'PENDING', amount: '-12.50', authorId: 'alice' });
    expect(period.pendingAdjustmentCount).toBe(1);
    expect(countingAdjustments([adjustment])).toEqual([]);
  });

  it('count once a second FINANCE user approves them', () => {
    const proposed = ok(proposeAdjustment(august(), input, alice, nowMs));
    const decided = ok(decideAdjustment(proposed.period, proposed.adjustment, 'APPROVE', bob, nowMs));
    expect(decided.adjustment).toMatchObject({ status: 'APPROVED', decidedBy: 'bob' });
    expect(decided.period.pendingAdjustmentCount).toBe(0);
    expect(countingAdjustments([decided.adjustment])).toHaveLength(1);
  });

  it('never count once rejected', () => {
    const proposed = ok(proposeAdjustment(august(), input, alice, nowMs));
    const decided = ok(decideAdjustment(proposed.period, proposed.adjustment, 'REJECT', bob, nowMs));
    expect(decided.adjustment.status).toBe('REJECTED');
    expect(countingAdjustments([decided.adjustment])).toEqual([]);
  });

  it('cannot be approved or rejected by their author', () => {
    const proposed = ok(proposeAdjustment(august(), input, alice, nowMs));
    expect(code(decideAdjustment(proposed.period, proposed.adjustment, 'APPROVE', alice, nowMs))).toBe('SELF_APPROVAL');
    expect(code(decideAdjustment(proposed.period, proposed.adjustment, 'REJECT', alice, nowMs))).toBe('SELF_APPROVAL');
  });

  it('cannot be decided twice', () => {
    const proposed = ok(proposeAdjustment(august(), input, alice, nowMs));
    const decided = ok(decideAdjustment(proposed.period, proposed.adjustment, 'APPROVE', bob, nowMs));
    const period = { ...decided.period, pendingAdjustmentCount: 1 };
    expect(code(decideAdjustment(period, decided.adjustment, 'REJECT', bob, nowMs))).toBe('CONFLICT');
  });

  it('need the FINANCE role to propose and to decide', () => {
    expect(code(proposeAdjustment(august(), input, olga, nowMs))).toBe('FORBIDDEN');
    const proposed = ok(proposeAdjustment(august(), input, alice, nowMs));
    expect(code(decideAdjustment(proposed.period, proposed.adjustment, 'APPROVE', olga, nowMs))).toBe('FORBIDDEN');
  });

  it('may be added while the period is CLOSING but not once it is closed', () => {
    expect(ok(proposeAdjustment(august(), input, alice, augEndMs + hourMs)).period.status).toBe('CLOSING');
    const closed = august({ status: 'CLOSED', closedBy: 'bob', closedAtMs: augEndMs });
    expect(code(proposeAdjustment(closed, input, alice, augEndMs + hourMs))).toBe('CONFLICT');
  });

  it('hold the period open until they are decided, then let it close', () => {
    const proposed = ok(proposeAdjustment(august(), input, alice, nowMs));
    const afterEndMs = augEndMs + hourMs;
    expect(code(transition(proposed.period, { type: 'CLOSE' }, alice, afterEndMs))).toBe('CONFLICT');
    const decided = ok(decideAdjustment(proposed.period, proposed.adjustment, 'APPROVE', bob, afterEndMs));
    expect(transition(decided.period, { type: 'CLOSE' }, alice, afterEndMs)).toMatchObject({ status: 'CLOSED' });
  });

  it('refuse amounts that are zero, not decimals, or finer than the currency minor units', () => {
    for (const amount of ['0', '0.00', '1.234', '1,50', '1e3', '', 'abc']) {
      expect(code(proposeAdjustment(august(), { ...input, amount }, alice, nowMs))).toBe('BAD_INPUT');
    }
    expect(code(proposeAdjustment(august(), { ...input, currency: 'JPY', amount: '100.5' }, alice, nowMs))).toBe('BAD_INPUT');
    expect(ok(proposeAdjustment(august(), { ...input, currency: 'BHD', amount: '1.5' }, alice, nowMs)).adjustment.amount).toBe('1.500');
  });

  it('refuse an empty or oversized reason', () => {
    expect(code(proposeAdjustment(august(), { ...input, reason: '  ' }, alice, nowMs))).toBe('BAD_INPUT');
    expect(code(proposeAdjustment(august(), { ...input, reason: 'r'.repeat(501) }, alice, nowMs))).toBe('BAD_INPUT');
  });

  it('are limited in number while undecided', () => {
    const crowded = august({ pendingAdjustmentCount: 100 });
    expect(code(proposeAdjustment(crowded, input, alice, nowMs))).toBe('LIMIT_EXCEEDED');
  });
});
