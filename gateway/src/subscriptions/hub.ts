import type { ExecutionResult, GraphQLError } from 'graphql';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { canSeePartner } from '@clearhouse/kernel/auth/scope';
import { PushQueue } from './queue.ts';
import { batchAliasPrefix, batchQuery, batchVariablePrefix, type SubscriptionPlan } from './rewrite.ts';

export interface DeltaPointer {
  id: string;
  partnerId: string;
  seq: number;
}

export interface HubPorts {
  /** Runs a per-event query through the gateway as `identity`. */
  execute(query: string, variables: Record<string, unknown>, identity: AuthContext): Promise<ExecutionResult>;
  /** Deltas committed after the global id `afterId`, oldest first. */
  pointersAfter(afterId: string | null, limit: number): Promise<DeltaPointer[]>;
  /** One partner's deltas after `afterSeq`, oldest first. */
  partnerPointersAfter(partnerId: string, afterSeq: number, limit: number): Promise<DeltaPointer[]>;
  log?(entry: Record<string, unknown>): void;
}

export const pointerPageMax = 500;
export const subscriberQueueMax = 10_000;
/**
 * Events resolved by one gateway execution. Batches are padded to a power of two (repeating the last
 * id), so each group's operation has at most log2(batchEventsMax) + 1 shapes for the planner to cache.
 */
export const batchEventsMax = 64;
/** A batch whose execution failed as a whole (a subgraph unreachable for a moment) is tried this often. */
export const resolveAttemptsMax = 2;
const resolveRetryDelayMs = 50;

/** Subscribers with the same operation, variables and scope: each event is resolved once for all of them. */
interface Group {
  key: string;
  plan: SubscriptionPlan;
  /** The scope all members share (roles, partner): what decides which events the group sees. */
  identity: AuthContext;
  members: Set<Subscriber>;
  queries: Map<number, string>;
  /** Events per execution: batchEventsMax, less once the gateway refused a batch as too large. */
  batchMax: number;
}

interface Subscriber {
  group: Group;
  identity: AuthContext;
  partnerFilter: string | null;
  lastSeq: Map<string, number>;
  queue: PushQueue<ExecutionResult>;
  /** Deliveries to one subscriber run one after another, so it sees its partner's deltas in order. */
  chain: Promise<void>;
}

/** The results of a batch, by delta id. */
type Resolved = Map<string, ExecutionResult>;

function scopeKey(identity: AuthContext): string {
  return JSON.stringify([[...identity.roles].sort(), identity.partnerId]);
}

function wants(subscriber: Subscriber, pointer: DeltaPointer): boolean {
  return subscriber.partnerFilter === null || subscriber.partnerFilter === pointer.partnerId;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Fans settlement deltas out to subscribers. Subscribers are grouped by (operation, variables, scope);
 * a page of events is resolved once per group, in batches (one gateway execution, hence one request
 * per subgraph, for up to batchEventsMax events), and each result object is shared by every member.
 * The feed of pointers, not the wake-up signal, is the source of truth: a missed wake-up only delays
 * delivery.
 */
export class DeltaHub {
  private readonly groups = new Map<string, Group>();
  private subscribers = 0;
  private lastId = '0';
  private pumping: Promise<void> | null = null;
  private wakeAgain = false;
  /** Pointers announced by wake-ups, not yet dispatched (see wake()). */
  private hinted: DeltaPointer[] = [];

  constructor(private readonly ports: HubPorts) {}

  /** Starts following the feed from its current end (new subscribers get the next delta, not history). */
  async start(): Promise<void> {
    // Asked with no id, the feed answers with its newest delta only: that is where we start.
    const [newest] = await this.ports.pointersAfter(null, 1);
    this.lastId = newest?.id ?? '0';
  }

  get subscriberCount(): number {
    return this.subscribers;
  }

  subscribe(plan: SubscriptionPlan, identity: AuthContext): PushQueue<ExecutionResult> {
    const key = JSON.stringify([plan.query, plan.queryVariables, scopeKey(identity)]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, plan, identity, members: new Set(), queries: new Map(), batchMax: batchEventsMax };
      this.groups.set(key, group);
    }
    const joined = group;
    const subscriber: Subscriber = {
      group: joined,
      identity,
      partnerFilter: (plan.args.partnerId as string | null | undefined) ?? null,
      lastSeq: new Map(),
      queue: new PushQueue<ExecutionResult>(() => this.leave(subscriber), subscriberQueueMax),
      chain: Promise.resolve(),
    };
    joined.members.add(subscriber);
    this.subscribers += 1;
    const afterSeq = plan.args.afterSeq as number | null | undefined;
    if (subscriber.partnerFilter && typeof afterSeq === 'number') {
      const partnerId = subscriber.partnerFilter;
      subscriber.lastSeq.set(partnerId, afterSeq);
      this.enqueue(subscriber, () => this.catchUp(subscriber, partnerId));
    }
    return subscriber.queue;
  }

  private leave(subscriber: Subscriber): void {
    const { group } = subscriber;
    if (!group.members.delete(subscriber)) return;
    this.subscribers -= 1;
    if (group.members.size === 0 && this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  private isSubscribed(subscriber: Subscriber): boolean {
    return subscriber.group.members.has(subscriber);
  }

  /**
   * Called on every wake-up (NOTIFY, Redis, NATS or a timer); coalesces overlapping calls. A wake-up
   * may announce the delta that caused it (`{"id","partnerId","seq"}`, as the settlements subgraph's
   * NOTIFY does): when announced deltas follow on from the last one dispatched without a hole, they
   * are dispatched without asking the feed. Deltas commit in id order, so the delta after the last
   * one seen, once announced (at commit), is the next one; anything else (a hole: an id burned by a
   * rolled-back transaction, a lost wake-up, an unreadable hint) goes to the feed, as does every
   * wake-up without a hint (the periodic one).
   */
  wake(hint?: unknown): Promise<void> {
    const pointer = pointerOf(hint);
    if (pointer) this.hinted.push(pointer);
    if (this.pumping) {
      this.wakeAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        // The NOTIFYs of one commit arrive together: let the rest of them in, then resolve them as one page.
        await new Promise<void>((done) => setImmediate(done));
        do {
          this.wakeAgain = false;
          await this.pump();
        } while (this.wakeAgain);
      } catch (error) {
        this.ports.log?.({ level: 'error', msg: 'delta feed failed', error: String(error) });
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  private async pump(): Promise<void> {
    if (this.hinted.length > 0) {
      const hinted = this.hinted;
      this.hinted = [];
      const run: DeltaPointer[] = [];
      let expected = BigInt(this.lastId) + 1n;
      let hole = false;
      for (const pointer of hinted.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))) {
        const id = BigInt(pointer.id);
        if (id < expected) continue;
        if (id > expected) {
          hole = true;
          break;
        }
        run.push(pointer);
        expected += 1n;
      }
      if (run.length > 0) {
        this.lastId = run.at(-1)!.id;
        this.dispatch(run);
      }
      if (!hole) return;
    }
    for (;;) {
      const page = await this.ports.pointersAfter(this.lastId, pointerPageMax);
      if (page.length === 0) return;
      this.lastId = page.at(-1)!.id;
      this.dispatch(page);
      if (page.length < pointerPageMax) return;
    }
  }

  /** One resolution per group for the events any member wants; then each member's share, in order. */
  private dispatch(page: readonly DeltaPointer[]): void {
    for (const group of this.groups.values()) {
      const visible = page.filter((pointer) => canSeePartner(group.identity, pointer.partnerId));
      if (visible.length === 0) continue;
      let wanted: DeltaPointer[] | null = null;
      const shares: [Subscriber, DeltaPointer[]][] = [];
      const byFilter = new Map<string, DeltaPointer[]>();
      for (const subscriber of group.members) {
        let share = visible;
        if (subscriber.partnerFilter !== null) {
          share = byFilter.get(subscriber.partnerFilter) ?? visible.filter((pointer) => wants(subscriber, pointer));
          byFilter.set(subscriber.partnerFilter, share);
        }
        if (share.length === 0) continue;
        shares.push([subscriber, share]);
        if (share === visible) wanted = visible;
      }
      if (shares.length === 0) continue;
      if (wanted === null) {
        const ids = new Set(shares.flatMap(([, share]) => share.map((pointer) => pointer.id)));
        wanted = visible.filter((pointer) => ids.has(pointer.id));
      }
      const resolved = this.resolve(group, wanted);
      // Settled here as well, so a failure is never an unhandled rejection while deliveries wait their turn.
      resolved.catch(() => {});
      for (const [subscriber, share] of shares) this.enqueue(subscriber, () => this.deliver(subscriber, share, resolved));
    }
  }

  private enqueue(subscriber: Subscriber, work: () => Promise<void>): void {
    subscriber.chain = subscriber.chain.then(work).catch((error: unknown) => {
      this.ports.log?.({ level: 'error', msg: 'delivery failed', error: String(error) });
    });
  }

  private async deliver(subscriber: Subscriber, pointers: readonly DeltaPointer[], resolved: Promise<Resolved>): Promise<void> {
    let results: Resolved | null = null;
    for (const pointer of pointers) {
      if (!this.isSubscribed(subscriber)) return;
      const last = subscriber.lastSeq.get(pointer.partnerId);
      if (last !== undefined && pointer.seq <= last) continue;
      if (last !== undefined && pointer.seq > last + 1) {
        // A gap (a page missed while this subscriber caught up, say): the feed replays it, this one included.
        await this.catchUp(subscriber, pointer.partnerId);
        continue;
      }
      results ??= await resolved;
      subscriber.queue.push(results.get(pointer.id)!);
      subscriber.lastSeq.set(pointer.partnerId, pointer.seq);
    }
  }

  /** Replays what a subscriber missed (afterSeq, or a gap), from the feed, in order. */
  private async catchUp(subscriber: Subscriber, partnerId: string): Promise<void> {
    for (;;) {
      if (!this.isSubscribed(subscriber)) return;
      const afterSeq = subscriber.lastSeq.get(partnerId) ?? 0;
      const page = await this.ports.partnerPointersAfter(partnerId, afterSeq, pointerPageMax);
      if (page.length === 0) return;
      const results = await this.resolve(subscriber.group, page);
      for (const pointer of page) {
        if (!this.isSubscribed(subscriber)) return;
        subscriber.queue.push(results.get(pointer.id)!);
        subscriber.lastSeq.set(partnerId, pointer.seq);
      }
    }
  }

  /** Resolves `pointers` for a group, group.batchMax at a time, all batches at once. */
  private async resolve(group: Group, pointers: readonly DeltaPointer[]): Promise<Resolved> {
    const resolved: Resolved = new Map();
    await Promise.all(chunks(pointers, group.batchMax).map((batch) => this.resolveBatch(group, batch, resolved)));
    return resolved;
  }

  /** Events are resolved as a current member: its token is live (an expired one closes its socket). */
  private executorOf(group: Group): AuthContext {
    const member = group.members.values().next();
    return member.done ? group.identity : member.value.identity;
  }

  private queryFor(group: Group, size: number): string {
    let query = group.queries.get(size);
    if (query === undefined) {
      query = batchQuery(group.plan, size);
      group.queries.set(size, query);
    }
    return query;
  }

  /**
   * One execution for a batch of events; the answer split into one result per event. A batch the
   * gateway refuses as too large (operation limits: aliases, tokens, cost) is split in halves, and
   * the group keeps the smaller size from then on.
   */
  private async resolveBatch(group: Group, pointers: readonly DeltaPointer[], into: Resolved): Promise<void> {
    let size = 1;
    while (size < pointers.length) size *= 2;
    const variables: Record<string, unknown> = { ...group.plan.queryVariables };
    for (let index = 0; index < size; index++) variables[`${batchVariablePrefix}${index}`] = pointers[Math.min(index, pointers.length - 1)]!.id;
    const query = this.queryFor(group, size);
    let result: ExecutionResult | null = null;
    for (let attempt = 1; attempt <= resolveAttemptsMax; attempt++) {
      try {
        result = await this.ports.execute(query, variables, this.executorOf(group));
      } catch (error) {
        if (attempt === resolveAttemptsMax) throw error;
      }
      if (result !== null && !failedWhole(result, pointers.length)) break;
      if (result !== null && size > 1 && refusedAsTooLarge(result)) {
        group.batchMax = Math.min(group.batchMax, size / 2);
        this.ports.log?.({ level: 'info', msg: 'subscription batch refused by the operation limits; smaller batches from now on', batchMax: group.batchMax });
        await Promise.all(chunks(pointers, group.batchMax).map((batch) => this.resolveBatch(group, batch, into)));
        return;
      }
      if (attempt < resolveAttemptsMax) await sleep(resolveRetryDelayMs);
    }
    splitBatch(result!, pointers.length, group.plan.responseKey).forEach((split, index) => into.set(pointers[index]!.id, split));
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Codes with which the gateway refuses an operation before running it. */
const refusalCodes = new Set(['LIMIT_EXCEEDED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);

function refusedAsTooLarge(result: ExecutionResult): boolean {
  return (result.errors ?? []).some((error) => refusalCodes.has(String(error.extensions?.code)));
}

/** A wake-up's announced delta, or null when it announces none (or nothing readable). */
function pointerOf(hint: unknown): DeltaPointer | null {
  if (typeof hint !== 'string' || !hint.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(hint) as Partial<DeltaPointer>;
    if (typeof parsed.id !== 'string' || !/^\d{1,19}$/.test(parsed.id) || typeof parsed.partnerId !== 'string' || !Number.isSafeInteger(parsed.seq)) return null;
    return { id: parsed.id, partnerId: parsed.partnerId, seq: parsed.seq! };
  } catch {
    return null;
  }
}

/** Every event of the batch came back null with errors: nothing was resolved, worth one more try. */
function failedWhole(result: ExecutionResult, count: number): boolean {
  if (!result.errors?.length) return false;
  const data = result.data as Record<string, unknown> | null | undefined;
  for (let index = 0; index < count; index++) if (data?.[`${batchAliasPrefix}${index}`] != null) return false;
  return true;
}

/**
 * The batch's answer as one result per event, shaped as the subscriber asked (`{ [responseKey]: … }`).
 * An error whose path starts at an event's alias belongs to that event (path re-rooted at responseKey);
 * an error with no such path belongs to every event of the batch.
 */
export function splitBatch(result: ExecutionResult, count: number, responseKey: string): ExecutionResult[] {
  const data = result.data as Record<string, unknown> | null | undefined;
  const errorsByIndex = new Map<number, GraphQLError[]>();
  const shared: GraphQLError[] = [];
  for (const error of result.errors ?? []) {
    const head = error.path?.[0];
    const index = typeof head === 'string' && head.startsWith(batchAliasPrefix) ? Number(head.slice(batchAliasPrefix.length)) : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      shared.push(error);
      continue;
    }
    const rerooted = { ...(typeof (error as { toJSON?: unknown }).toJSON === 'function' ? error.toJSON() : error), path: [responseKey, ...error.path!.slice(1)] };
    const list = errorsByIndex.get(index) ?? [];
    list.push(rerooted as unknown as GraphQLError);
    errorsByIndex.set(index, list);
  }
  const results: ExecutionResult[] = [];
  for (let index = 0; index < count; index++) {
    const errors = [...(errorsByIndex.get(index) ?? []), ...shared];
    const value = data?.[`${batchAliasPrefix}${index}`] ?? null;
    results.push(errors.length > 0 ? { data: { [responseKey]: value }, errors } : { data: { [responseKey]: value } });
  }
  return results;
}
