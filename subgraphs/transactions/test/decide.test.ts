import { describe, expect, it } from 'vitest';
import { AssertionError } from '@clearhouse/kernel';
import type { Candidate } from '../src/domain/candidate.ts';
import { candidatesPerBatchMax, decideBatch, type BatchDecision } from '../src/domain/decide.ts';
import { ingestInMemory, MemoryStore, type PartnerMemory } from '../src/domain/memory-store.ts';
import { batchLookups } from '../src/domain/stored.ts';
import { ctx, nowIso, nowMs, ok, rollbackOf, tx } from './support/builders.ts';

/** A partner store holding what earlier batches left. */
function storeWith(...batches: Candidate[][]): PartnerMemory {
  const store = new MemoryStore();
  for (const batch of batches) ingestInMemory(store, 'P', batch, ctx, nowIso);
  return store.partner('P');
}

function reasons(decision: BatchDecision): string[] {
  return decision.quarantines.map((quarantine) => quarantine.reason);
}

function statuses(decision: BatchDecision): Record<string, string> {
  return Object.fromEntries([
    ...decision.inserts.map((row) => [row.externalId, row.status]),
    ...decision.statusChanges.map((change) => [change.externalId, change.status]),
  ]);
}

function effects(decision: BatchDecision): string[] {
  return decision.effects.map(({ sign, target }) => `${sign > 0 ? '+' : '-'}${target.externalId}`);
}

const bet = tx({ externalId: 'B-1', amount: '5.00' });
const win = tx({ externalId: 'W-1', kind: 'WIN', amount: '7.50' });

describe('decideBatch: applying and format results', () => {
  it('stores a new transaction as APPLIED with a +amount effect', () => {
    const decision = decideBatch([ok(bet)], storeWith(), ctx);
    expect(decision.inserts).toEqual([{ ...bet, status: 'APPLIED', raw: 'raw:B-1:5.00' }]);
    expect(effects(decision)).toEqual(['+B-1']);
    expect(decision.counts).toMatchObject({ accepted: 1, duplicates: 0, heldRollbacks: 0 });
  });

  it('keeps an adapter quarantine with its reason, raw text, line and externalId, and stores nothing', () => {
    const failed: Candidate = { ok: false, reason: 'NEGATIVE_AMOUNT', detail: 'amount is negative', raw: 'raw', line: 3, externalId: 'N-1' };
    const decision = decideBatch([failed], storeWith(), ctx);
    expect(decision.quarantines).toEqual([{ reason: 'NEGATIVE_AMOUNT', detail: 'amount is negative', raw: 'raw', line: 3, externalId: 'N-1' }]);
    expect(decision.inserts).toEqual([]);
    expect(decision.counts.quarantined.NEGATIVE_AMOUNT).toBe(1);
  });

  it('refuses a batch above the bound: a caller bug, not an operating condition', () => {
    const candidates = Array.from({ length: candidatesPerBatchMax + 1 }, (_, index) => ok(tx({ externalId: `T-${index}` })));
    expect(() => decideBatch(candidates, storeWith(), ctx)).toThrow(AssertionError);
  });
});

describe('decideBatch: business checks', () => {
  it('quarantines a game outside the catalogue as UNKNOWN_GAME, before any timestamp check', () => {
    expect(reasons(decideBatch([ok(tx({ gameCode: 'G9' }))], storeWith(), ctx))).toEqual(['UNKNOWN_GAME']);
    expect(reasons(decideBatch([ok(tx({ gameCode: 'G9', occurredAt: '2030-01-01T00:00:00.000Z' }))], storeWith(), ctx))).toEqual(['UNKNOWN_GAME']);
  });

  it('quarantines more than 5 minutes ahead of now as FUTURE_TIMESTAMP, and accepts exactly 5 minutes', () => {
    const at = (ms: number) => ok(tx({ occurredAt: new Date(ms).toISOString() }));
    expect(reasons(decideBatch([at(nowMs + 300_001)], storeWith(), ctx))).toEqual(['FUTURE_TIMESTAMP']);
    expect(reasons(decideBatch([at(nowMs + 300_000)], storeWith(), ctx))).toEqual([]);
  });

  it('quarantines older than the retention window as TOO_OLD, with the 400-day default and a configured window', () => {
    const daysAgo = (days: number, extraMs = 0) => ok(tx({ occurredAt: new Date(nowMs - days * 86_400_000 - extraMs).toISOString() }));
    expect(reasons(decideBatch([daysAgo(400, 1)], storeWith(), ctx))).toEqual(['TOO_OLD']);
    expect(reasons(decideBatch([daysAgo(400)], storeWith(), ctx))).toEqual([]);
    const { retentionDays: _unused, ...withoutRetention } = ctx;
    expect(reasons(decideBatch([daysAgo(400, 1)], storeWith(), withoutRetention))).toEqual(['TOO_OLD']);
    expect(reasons(decideBatch([daysAgo(31)], storeWith(), { ...ctx, retentionDays: 30 }))).toEqual(['TOO_OLD']);
  });

  it('runs business checks before the cross-check: a conflicting re-send for an unknown game is UNKNOWN_GAME', () => {
    const store = storeWith([ok(bet)]);
    expect(reasons(decideBatch([ok({ ...bet, gameCode: 'G9' })], store, ctx))).toEqual(['UNKNOWN_GAME']);
  });
});

describe('decideBatch: duplicates', () => {
  it('counts an identical re-send as a duplicate, comparing amounts by value, with no effect', () => {
    const decision = decideBatch([ok({ ...bet, amount: '5.0000' })], storeWith([ok(bet)]), ctx);
    expect(decision.counts).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(decision.quarantines).toEqual([]);
    expect(decision.effects).toEqual([]);
  });

  it('quarantines a re-send with different content as DUPLICATE_CONFLICT', () => {
    const store = storeWith([ok(bet)]);
    for (const change of [{ amount: '5.01' }, { roundId: 'R-2' }, { playerId: 'P-2' }, { gameCode: 'G2' }, { kind: 'WIN' as const }, { funding: 'BONUS' as const }, { currency: 'USD' }, { occurredAt: '2026-11-21T10:05:00.001Z' }]) {
      expect(reasons(decideBatch([ok({ ...bet, ...change })], store, ctx)), JSON.stringify(change)).toEqual(['DUPLICATE_CONFLICT']);
    }
  });

  it('sees earlier records of the same batch: the same record twice is stored once and counted once as a duplicate', () => {
    const decision = decideBatch([ok(bet), ok(bet), ok({ ...bet, amount: '6.00' })], storeWith(), ctx);
    expect(decision.counts).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(reasons(decision)).toEqual(['DUPLICATE_CONFLICT']);
    expect(effects(decision)).toEqual(['+B-1']);
  });

  it('judges a record again on its own after an earlier one with its externalId was quarantined', () => {
    const store = storeWith([ok({ ...bet, gameCode: 'G9' })]);
    const decision = decideBatch([ok(bet)], store, ctx);
    expect(decision.quarantines).toEqual([]);
    expect(statuses(decision)).toEqual({ 'B-1': 'APPLIED' });
  });
});

describe('decideBatch: rollbacks of stored originals', () => {
  it("cancels the original and subtracts the original's amount from the original's bucket", () => {
    const rollback = rollbackOf(bet, { gameCode: 'G2', occurredAt: '2026-11-21T11:00:00.000Z', roundId: 'R-9', amount: '5' });
    const decision = decideBatch([ok(rollback)], storeWith([ok(bet)]), ctx);
    expect(decision.statusChanges).toEqual([{ externalId: 'B-1', status: 'CANCELLED' }]);
    expect(decision.inserts.map((row) => [row.externalId, row.status])).toEqual([['B-1-RB', 'APPLIED']]);
    expect(decision.effects).toEqual([{ sign: -1, target: bet }]);
  });

  it('quarantines a rollback of a rollback as ROLLBACK_OF_ROLLBACK, even when its amount also differs', () => {
    const rollback = rollbackOf(bet);
    const store = storeWith([ok(bet), ok(rollback)]);
    expect(reasons(decideBatch([ok(rollbackOf(rollback, { amount: '1.00' }))], store, ctx))).toEqual(['ROLLBACK_OF_ROLLBACK']);
  });

  it('quarantines a second rollback of a cancelled original as ALREADY_ROLLED_BACK, even when its amount also differs', () => {
    const store = storeWith([ok(bet), ok(rollbackOf(bet))]);
    expect(reasons(decideBatch([ok(rollbackOf(bet, { externalId: 'RB-2' }))], store, ctx))).toEqual(['ALREADY_ROLLED_BACK']);
    expect(reasons(decideBatch([ok(rollbackOf(bet, { externalId: 'RB-3', amount: '1.00' }))], store, ctx))).toEqual(['ALREADY_ROLLED_BACK']);
  });

  it('treats an identical re-send of an applied rollback as a duplicate, not as ALREADY_ROLLED_BACK', () => {
    const store = storeWith([ok(bet), ok(rollbackOf(bet))]);
    expect(decideBatch([ok(rollbackOf(bet))], store, ctx).counts).toMatchObject({ duplicates: 1 });
  });

  it('quarantines a rollback whose currency or amount differs as ROLLBACK_MISMATCH, comparing amounts by value', () => {
    const store = storeWith([ok(bet)]);
    expect(reasons(decideBatch([ok(rollbackOf(bet, { amount: '5.01' }))], store, ctx))).toEqual(['ROLLBACK_MISMATCH']);
    expect(reasons(decideBatch([ok(rollbackOf(bet, { currency: 'USD' }))], store, ctx))).toEqual(['ROLLBACK_MISMATCH']);
    expect(reasons(decideBatch([ok(rollbackOf(bet, { amount: '5.000' }))], store, ctx))).toEqual([]);
  });

  it('applies a bet and its rollback sent in the same batch', () => {
    const decision = decideBatch([ok(bet), ok(rollbackOf(bet))], storeWith(), ctx);
    expect(statuses(decision)).toEqual({ 'B-1': 'CANCELLED', 'B-1-RB': 'APPLIED' });
    expect(effects(decision)).toEqual(['+B-1', '-B-1']);
  });

  it('quarantines a rollback that names itself as its original as ROLLBACK_OF_ROLLBACK', () => {
    const selfRollback = tx({ externalId: 'S-1', kind: 'ROLLBACK', refersTo: 'S-1' });
    const decision = decideBatch([ok(selfRollback)], storeWith(), ctx);
    expect(reasons(decision)).toEqual(['ROLLBACK_OF_ROLLBACK']);
    expect(decision.inserts).toEqual([]);
  });
});

describe('decideBatch: held rollbacks', () => {
  it('holds a rollback whose original has not arrived: stored, without effect; a re-send of it is a duplicate', () => {
    const decision = decideBatch([ok(rollbackOf(bet)), ok(rollbackOf(bet))], storeWith(), ctx);
    expect(statuses(decision)).toEqual({ 'B-1-RB': 'HELD' });
    expect(decision.effects).toEqual([]);
    expect(decision.counts).toMatchObject({ accepted: 1, duplicates: 1, heldRollbacks: 1 });
  });

  it('when the original arrives in a later batch, applies it and lets the held rollback cancel it', () => {
    const store = storeWith([ok(rollbackOf(bet))]);
    const decision = decideBatch([ok(bet)], store, ctx);
    expect(decision.inserts.map((row) => [row.externalId, row.status])).toEqual([['B-1', 'CANCELLED']]);
    expect(decision.statusChanges).toEqual([{ externalId: 'B-1-RB', status: 'APPLIED' }]);
    expect(effects(decision)).toEqual(['+B-1', '-B-1']);
    expect(decision.counts).toMatchObject({ accepted: 1, heldRollbacks: 0 });
  });

  it('releases a rollback held earlier in the same batch', () => {
    const decision = decideBatch([ok(rollbackOf(bet)), ok(bet)], storeWith(), ctx);
    expect(statuses(decision)).toEqual({ 'B-1-RB': 'APPLIED', 'B-1': 'CANCELLED' });
    expect(effects(decision)).toEqual(['+B-1', '-B-1']);
  });

  it('quarantines alone a held rollback that does not match its original, which then applies and stays', () => {
    const held = rollbackOf(bet, { amount: '9.99' });
    const store = storeWith([ok(held, 12)]);
    const decision = decideBatch([ok(bet)], store, ctx);
    expect(decision.quarantines).toEqual([
      { reason: 'ROLLBACK_MISMATCH', detail: expect.stringContaining('9.99'), raw: 'raw:B-1-RB:9.99', externalId: 'B-1-RB' },
    ]);
    expect(decision.removals).toEqual(['B-1-RB']);
    expect(statuses(decision)).toEqual({ 'B-1': 'APPLIED' });
    expect(effects(decision)).toEqual(['+B-1']);
  });

  it('checks several held rollbacks in arrival order: the first that passes cancels, the next is ALREADY_ROLLED_BACK', () => {
    const mismatched = rollbackOf(bet, { externalId: 'RB-1', amount: '1.00' });
    const first = rollbackOf(bet, { externalId: 'RB-2' });
    const second = rollbackOf(bet, { externalId: 'RB-3' });
    const store = storeWith([ok(mismatched), ok(first)]);
    const decision = decideBatch([ok(second), ok(bet)], store, ctx);
    expect(reasons(decision)).toEqual(['ROLLBACK_MISMATCH', 'ALREADY_ROLLED_BACK']);
    expect(decision.quarantines.map((quarantine) => quarantine.externalId)).toEqual(['RB-1', 'RB-3']);
    expect(decision.removals).toEqual(['RB-1']);
    expect(statuses(decision)).toEqual({ 'RB-2': 'APPLIED', 'B-1': 'CANCELLED' });
    expect(decision.quarantines[1]).toMatchObject({ raw: 'raw:RB-3:5.00' });
  });

  it('keeps a rollback held when its original is quarantined', () => {
    const store = storeWith([ok(rollbackOf(bet))]);
    const decision = decideBatch([ok({ ...bet, gameCode: 'G9' })], store, ctx);
    expect(reasons(decision)).toEqual(['UNKNOWN_GAME']);
    expect(decision.statusChanges).toEqual([]);
    expect(store.heldRollbacks().map((row) => row.externalId)).toEqual(['B-1-RB']);
  });

  it('quarantines a held rollback of a rollback as ROLLBACK_OF_ROLLBACK as soon as the rollback it names is stored', () => {
    const first = rollbackOf(bet);
    const second = rollbackOf(first);
    const decision = decideBatch([ok(second), ok(first)], storeWith(), ctx);
    expect(reasons(decision)).toEqual(['ROLLBACK_OF_ROLLBACK']);
    expect(statuses(decision)).toEqual({ 'B-1-RB': 'HELD' });
  });

  it('judges a re-sent rollback on its own after its held version left the store, within one batch', () => {
    const wrong = rollbackOf(bet, { amount: '1.00' });
    const right = rollbackOf(bet);
    const decision = decideBatch([ok(wrong), ok(bet), ok(right)], storeWith(), ctx);
    expect(reasons(decision)).toEqual(['ROLLBACK_MISMATCH']);
    expect(statuses(decision)).toEqual({ 'B-1': 'CANCELLED', 'B-1-RB': 'APPLIED' });
    expect(decision.inserts.find((row) => row.externalId === 'B-1-RB')?.amount).toBe('5.00');
  });

  it('applies the removal of a held rollback and its re-insertion in the memory store', () => {
    const store = new MemoryStore();
    ingestInMemory(store, 'P', [ok(rollbackOf(bet, { amount: '1.00' }))], ctx, nowIso);
    const { decision } = ingestInMemory(store, 'P', [ok(bet), ok(rollbackOf(bet))], ctx, nowIso);
    expect(decision.removals).toEqual(['B-1-RB']);
    expect(store.partner('P').get('B-1-RB')).toMatchObject({ status: 'APPLIED', amount: '5.00' });
    expect(store.partner('P').stats()).toMatchObject({ accepted: 2, heldRollbacks: 0 });
  });
});

describe('batchLookups', () => {
  it("lists the batch's ids and the ids its rollbacks refer to, once each, and skips quarantined candidates", () => {
    const failed: Candidate = { ok: false, reason: 'MALFORMED', detail: '', raw: '', externalId: 'X-1' };
    const lookups = batchLookups([ok(bet), ok(rollbackOf(win)), ok(bet), failed]);
    expect(lookups).toEqual({ externalIds: ['B-1', 'W-1-RB', 'W-1'], heldFor: ['B-1', 'W-1-RB'], referenced: ['W-1'] });
  });
});
