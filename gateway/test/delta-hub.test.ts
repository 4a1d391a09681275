import { describe, expect, it } from 'vitest';
import { parse, type ExecutionResult } from 'graphql';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { DeltaHub, type DeltaPointer, type HubPorts, splitBatch } from '../src/subscriptions/hub.ts';
import { batchQuery, planSubscription } from '../src/subscriptions/rewrite.ts';

const finance: AuthContext = { sub: 'fiona', roles: ['FINANCE'], partnerId: null, expiresAtMs: Number.MAX_SAFE_INTEGER };
const partnerUser = (partnerId: string): AuthContext => ({ sub: `user-${partnerId}`, roles: ['PARTNER'], partnerId, expiresAtMs: Number.MAX_SAFE_INTEGER });
const subscription = 'subscription S($p: ID) { deltas: settlementDeltas(partnerId: $p) { seq partner { name } } }';

function plan(variables: Record<string, unknown> = {}) {
  return planSubscription(parse(subscription), undefined, variables);
}

/** A feed in memory; execute answers each aliased event from `rows` and records every call. */
function fakePorts(rows: DeltaPointer[]) {
  const executions: { query: string; variables: Record<string, unknown>; identity: AuthContext }[] = [];
  let feed: DeltaPointer[] = [];
  const ports: HubPorts = {
    async execute(query, variables, identity) {
      executions.push({ query, variables, identity });
      const data: Record<string, unknown> = {};
      for (const [name, id] of Object.entries(variables)) {
        if (!name.startsWith('__clearhouseEvent')) continue;
        const row = rows.find((candidate) => candidate.id === id)!;
        data[`clearhouseEvent${name.slice('__clearhouseEvent'.length)}`] = { seq: row.seq, partner: { name: row.partnerId } };
      }
      return { data };
    },
    async pointersAfter(afterId, limit) {
      if (afterId === null) return feed.slice(-1);
      return feed.filter((pointer) => Number(pointer.id) > Number(afterId)).slice(0, limit);
    },
    async partnerPointersAfter(partnerId, afterSeq, limit) {
      return rows.filter((pointer) => pointer.partnerId === partnerId && pointer.seq > afterSeq).slice(0, limit);
    },
  };
  return { ports, executions, publish: (pointers: DeltaPointer[]) => void (feed = [...feed, ...pointers]) };
}

async function take(queue: AsyncIterator<ExecutionResult>, count: number): Promise<ExecutionResult[]> {
  const taken: ExecutionResult[] = [];
  for (let index = 0; index < count; index++) taken.push((await queue.next()).value as ExecutionResult);
  return taken;
}

describe('the delta hub', () => {
  const rows: DeltaPointer[] = Array.from({ length: 70 }, (_, index) => ({ id: String(index + 1), partnerId: index % 2 === 0 ? 'A' : 'B', seq: Math.floor(index / 2) + 1 }));

  it('resolves a page once per group, in batches, and gives every member the same results in order', async () => {
    const { ports, executions, publish } = fakePorts(rows);
    const hub = new DeltaHub(ports);
    await hub.start();
    const everyone = [hub.subscribe(plan(), finance), hub.subscribe(plan(), { ...finance, sub: 'frank' })];
    const onlyA = hub.subscribe(plan({ p: 'A' }), finance);
    publish(rows);
    await hub.wake();
    const [first, second] = await Promise.all(everyone.map((queue) => take(queue, 70)));
    expect(first!.map((result) => (result.data as any).deltas.seq)).toEqual(rows.map((row) => row.seq));
    expect(second).toEqual(first);
    expect(second![0]).toBe(first![0]);
    const a = await take(onlyA, 35);
    expect(a.every((result) => (result.data as any).deltas.partner.name === 'A')).toBe(true);
    // Same operation, variables and scope for all three (partnerId is not in the per-event query):
    // 70 events in batches of 64 and 8 (6 padded with the last id), nothing resolved twice.
    expect(executions.map((execution) => Object.keys(execution.variables).length)).toEqual([64, 8]);
    expect(executions[0]!.query).toContain('clearhouseEvent63: settlementDelta(id: $__clearhouseEvent63)');
  });

  it('resolves separately for a different scope, and shows a partner user only its own deltas', async () => {
    const { ports, executions, publish } = fakePorts(rows);
    const hub = new DeltaHub(ports);
    await hub.start();
    const staff = hub.subscribe(plan(), finance);
    const partner = hub.subscribe(plan(), partnerUser('B'));
    publish(rows.slice(0, 4));
    await hub.wake();
    expect((await take(staff, 4)).map((result) => (result.data as any).deltas.partner.name)).toEqual(['A', 'B', 'A', 'B']);
    expect((await take(partner, 2)).map((result) => (result.data as any).deltas.partner.name)).toEqual(['B', 'B']);
    expect(executions.map((execution) => execution.identity.sub).sort()).toEqual(['fiona', 'user-B']);
  });

  it('splits batches the gateway refuses as too large, and keeps the smaller size', async () => {
    const { ports, executions, publish } = fakePorts(rows);
    const execute = ports.execute;
    ports.execute = async (query, variables, identity) => {
      const events = Object.keys(variables).filter((name) => name.startsWith('__clearhouseEvent')).length;
      if (events <= 16) return execute(query, variables, identity);
      executions.push({ query, variables, identity });
      return { errors: [{ message: 'too many aliases', extensions: { code: 'LIMIT_EXCEEDED' } } as never] };
    };
    const hub = new DeltaHub(ports);
    await hub.start();
    const queue = hub.subscribe(plan(), finance);
    publish(rows.slice(0, 40));
    await hub.wake();
    expect((await take(queue, 40)).map((result) => (result.data as any).deltas.seq)).toEqual(rows.slice(0, 40).map((row) => row.seq));
    publish(rows.slice(40, 60));
    await hub.wake();
    expect((await take(queue, 20)).every((result) => !result.errors)).toBe(true);
    // 40 events: 64 refused; 32 refused (8 beside it pass); 16 + 16. The next page starts at 16: 16 + 4.
    expect(executions.map((execution) => Object.keys(execution.variables).length)).toEqual([64, 32, 8, 16, 16, 16, 4]);
  });

  it('dispatches announced deltas that follow on without reading the feed, and reads it for a hole', async () => {
    const { ports, publish } = fakePorts(rows);
    let feedReads = 0;
    const pointersAfter = ports.pointersAfter;
    ports.pointersAfter = (afterId, limit) => {
      if (afterId !== null) feedReads += 1;
      return pointersAfter(afterId, limit);
    };
    const hub = new DeltaHub(ports);
    await hub.start();
    const queue = hub.subscribe(plan(), finance);
    const announce = (pointer: DeltaPointer) => hub.wake(JSON.stringify(pointer));
    publish(rows.slice(0, 3));
    await Promise.all([announce(rows[0]!), announce(rows[1]!), announce(rows[2]!)]);
    expect((await take(queue, 3)).map((result) => (result.data as any).deltas.seq)).toEqual([1, 1, 2]);
    expect(feedReads).toBe(0);
    // id 5 announced after id 3: id 4 is not known to be burned or lost, so the feed is read.
    publish(rows.slice(3, 5));
    await announce(rows[4]!);
    expect((await take(queue, 2)).map((result) => (result.data as any).deltas.partner.name)).toEqual(['B', 'A']);
    expect(feedReads).toBe(1);
    // An old or unreadable announcement changes nothing; a wake-up without one reads the feed.
    await announce(rows[1]!);
    await hub.wake('not json');
    expect(feedReads).toBe(2);
  });

  it('replays a gap from the feed before going on', async () => {
    const { ports, publish } = fakePorts(rows);
    const hub = new DeltaHub(ports);
    await hub.start();
    const queue = hub.subscribe(plan({ p: 'A' }), finance);
    publish([rows[0]!]);
    await hub.wake();
    // Partner A's seq 2 (id 3) is missing from what the hub reads next: the subscriber gets it replayed.
    publish([rows[4]!]);
    await hub.wake();
    expect((await take(queue, 3)).map((result) => (result.data as any).deltas.seq)).toEqual([1, 2, 3]);
  });
});

describe('a batched per-event query', () => {
  it('repeats the selection under aliases, with fragments and the variables it uses', () => {
    const document = parse('subscription ($c: String!) { settlementDeltas { ...D fx: totalsIn(currency: $c) { ggr } } } fragment D on SettlementDelta { seq }');
    const query = batchQuery(planSubscription(document, undefined, { c: 'USD' }), 2);
    expect(query).toContain('query ($c: String!, $__clearhouseEvent0: ID!, $__clearhouseEvent1: ID!)');
    expect(query).toContain('clearhouseEvent1: settlementDelta(id: $__clearhouseEvent1) {');
    expect(query).toContain('fragment D on SettlementDelta');
  });

  it('splits the answer per event, each error to its own event, re-rooted where the client expects it', () => {
    const results = splitBatch(
      {
        data: { clearhouseEvent0: { seq: 1 }, clearhouseEvent1: null },
        errors: [{ message: 'no', path: ['clearhouseEvent1', 'partner'] } as never, { message: 'everyone' } as never],
      },
      2,
      'deltas',
    );
    expect(results[0]).toEqual({ data: { deltas: { seq: 1 } }, errors: [{ message: 'everyone' }] });
    expect(results[1]).toEqual({ data: { deltas: null }, errors: [{ message: 'no', path: ['deltas', 'partner'] }, { message: 'everyone' }] });
  });
});
