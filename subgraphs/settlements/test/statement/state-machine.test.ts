import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import { autoCloseActorId } from '../../src/domain/statement/actor.ts';
import {
  transition,
  type PeriodAction,
  type PeriodState,
  type PeriodStatus,
} from '../../src/domain/statement/state-machine.ts';
import { alice, augEndMs, august, bob, hourMs, olga } from './fixtures.ts';

const afterEndMs = augEndMs + hourMs;
const beforeEndMs = augEndMs - hourMs;

function inStatus(status: PeriodStatus): PeriodState {
  switch (status) {
    case 'OPEN':
      return august();
    case 'CLOSING':
      return august({ status: 'CLOSING' });
    case 'CLOSED':
      return august({ status: 'CLOSED', closedBy: alice.id, closedAtMs: afterEndMs });
    case 'APPROVED':
      return { ...inStatus('CLOSED'), status: 'APPROVED', approvedBy: bob.id, approvedAtMs: afterEndMs };
    case 'PAID':
      return { ...inStatus('APPROVED'), status: 'PAID', paymentReference: 'SEPA-1', paidAtMs: afterEndMs };
  }
}

function expectError(result: PeriodState | ClearhouseError, code: string): ClearhouseError {
  expect(result).toBeInstanceOf(ClearhouseError);
  const error = result as ClearhouseError;
  expect(error.code).toBe(code);
  return error;
}

function expectState(result: PeriodState | ClearhouseError): PeriodState {
  if (result instanceof ClearhouseError) throw new Error(`unexpected ${result.code}: ${result.message}`);
  return result;
}

describe('period lifecycle', () => {
  it('keeps a period OPEN until its end passes, then makes it CLOSING', () => {
    expect(expectState(transition(august(), { type: 'TICK' }, olga, beforeEndMs)).status).toBe('OPEN');
    expect(expectState(transition(august(), { type: 'TICK' }, olga, augEndMs)).status).toBe('CLOSING');
  });

  it('lets a FINANCE user close a CLOSING period and records who closed it', () => {
    const closed = expectState(transition(august({ status: 'CLOSING' }), { type: 'CLOSE' }, alice, afterEndMs));
    expect(closed).toMatchObject({ status: 'CLOSED', closedBy: 'alice', closedAtMs: afterEndMs });
  });

  it('closes a stored OPEN period whose end has passed, because the clock made it CLOSING', () => {
    expect(expectState(transition(august(), { type: 'CLOSE' }, alice, afterEndMs)).status).toBe('CLOSED');
  });

  it('refuses to close a period before its end', () => {
    const error = expectError(transition(august(), { type: 'CLOSE' }, alice, beforeEndMs), 'CONFLICT');
    expect(error.message).toContain('has not ended');
  });

  it('refuses to close a period while an adjustment awaits approval', () => {
    const period = august({ status: 'CLOSING', pendingAdjustmentCount: 1 });
    expect(expectError(transition(period, { type: 'CLOSE' }, alice, afterEndMs), 'CONFLICT').message).toContain(
      'await approval',
    );
  });

  it('closes by itself autoCloseAfterHours after the end, dated when it fell due', () => {
    const period = august({ autoCloseAfterHours: 48 });
    expect(expectState(transition(period, { type: 'TICK' }, olga, augEndMs + 47 * hourMs)).status).toBe('CLOSING');
    const closed = expectState(transition(period, { type: 'TICK' }, olga, augEndMs + 50 * hourMs));
    expect(closed).toMatchObject({ status: 'CLOSED', closedBy: autoCloseActorId, closedAtMs: augEndMs + 48 * hourMs });
  });

  it('does not close by itself while an adjustment awaits approval', () => {
    const period = august({ autoCloseAfterHours: 1, pendingAdjustmentCount: 2 });
    expect(expectState(transition(period, { type: 'TICK' }, olga, augEndMs + 10 * hourMs)).status).toBe('CLOSING');
  });

  it('stays CLOSING forever when the contract sets no automatic close', () => {
    expect(expectState(transition(august(), { type: 'TICK' }, olga, augEndMs + 10_000 * hourMs)).status).toBe('CLOSING');
  });

  it('lets a FINANCE user other than the closer approve', () => {
    const approved = expectState(transition(inStatus('CLOSED'), { type: 'APPROVE' }, bob, afterEndMs));
    expect(approved).toMatchObject({ status: 'APPROVED', approvedBy: 'bob' });
  });

  it('refuses self-approval by the user who closed the period', () => {
    expectError(transition(inStatus('CLOSED'), { type: 'APPROVE' }, alice, afterEndMs), 'SELF_APPROVAL');
  });

  it('lets any FINANCE user approve a period that closed by itself', () => {
    const period = august({ autoCloseAfterHours: 0 });
    expect(expectState(transition(period, { type: 'APPROVE' }, alice, afterEndMs)).status).toBe('APPROVED');
  });

  it('refuses approval while buckets wait for an FX rate, and says so', () => {
    const period = { ...inStatus('CLOSED'), fxPendingCount: 3 };
    const error = expectError(transition(period, { type: 'APPROVE' }, bob, afterEndMs), 'CONFLICT');
    expect(error.message).toContain('3 bucket(s) still wait for an FX rate');
  });

  it('marks an approved statement paid with its payment reference', () => {
    const paid = expectState(transition(inStatus('APPROVED'), { type: 'MARK_PAID', reference: ' SEPA-42 ' }, alice, afterEndMs));
    expect(paid).toMatchObject({ status: 'PAID', paymentReference: 'SEPA-42', paidAtMs: afterEndMs });
  });

  it('refuses to mark paid without a payment reference', () => {
    expectError(transition(inStatus('APPROVED'), { type: 'MARK_PAID', reference: '   ' }, alice, afterEndMs), 'BAD_INPUT');
    const long = 'x'.repeat(201);
    expectError(transition(inStatus('APPROVED'), { type: 'MARK_PAID', reference: long }, alice, afterEndMs), 'BAD_INPUT');
  });

  const actions: PeriodAction[] = [{ type: 'CLOSE' }, { type: 'APPROVE' }, { type: 'MARK_PAID', reference: 'R-1' }];
  const legal: Record<PeriodAction['type'], PeriodStatus> = { TICK: 'OPEN', CLOSE: 'CLOSING', APPROVE: 'CLOSED', MARK_PAID: 'APPROVED' };
  const statuses: PeriodStatus[] = ['OPEN', 'CLOSING', 'CLOSED', 'APPROVED', 'PAID'];

  for (const action of actions) {
    for (const status of statuses.filter((candidate) => candidate !== legal[action.type])) {
      it(`refuses ${action.type} on a ${status} period as a conflict`, () => {
        const nowMs = status === 'OPEN' ? beforeEndMs : afterEndMs;
        expectError(transition(inStatus(status), action, bob, nowMs), 'CONFLICT');
      });
    }
    it(`refuses ${action.type} to a user without the FINANCE role`, () => {
      expectError(transition(inStatus(legal[action.type]), action, olga, afterEndMs), 'FORBIDDEN');
    });
  }

  it('leaves frozen periods unchanged when the clock ticks', () => {
    for (const status of ['CLOSED', 'APPROVED', 'PAID'] as const) {
      expect(expectState(transition(inStatus(status), { type: 'TICK' }, olga, afterEndMs + 1e6))).toEqual(inStatus(status));
    }
  });
});
