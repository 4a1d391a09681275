import type { ExecutionResult } from 'graphql';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { canSeePartner } from '@clearhouse/kernel/auth/scope';
import { PushQueue } from './queue.ts';
import type { SubscriptionPlan } from './rewrite.ts';

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

interface Subscriber {
  plan: SubscriptionPlan;
  identity: AuthContext;
  partnerFilter: string | null;
  groupKey: string;
  lastSeq: Map<string, number>;
  queue: PushQueue<ExecutionResult>;
  /** Deliveries to one subscriber run one after another, so it sees its partner's deltas in order. */
  chain: Promise<void>;
}

function scopeKey(identity: AuthContext): string {
  return JSON.stringify([[...identity.roles].sort(), identity.partnerId]);
}

/**
 * Fans settlement deltas out to subscribers. Each event is resolved once per distinct (operation,
 * variables, scope) and that one result is sent to every subscriber of the group. The feed of
 * pointers, not the wake-up signal, is the source of truth: a missed wake-up only delays delivery.
 */
export class DeltaHub {
  private readonly subscribers = new Set<Subscriber>();
  private lastId = '0';
  private pumping: Promise<void> | null = null;
  private wakeAgain = false;

  constructor(private readonly ports: HubPorts) {}

  /** Starts following the feed from its current end (new subscribers get the next delta, not history). */
  async start(): Promise<void> {
    // Asked with no id, the feed answers with its newest delta only: that is where we start.
    const [newest] = await this.ports.pointersAfter(null, 1);
    this.lastId = newest?.id ?? '0';
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(plan: SubscriptionPlan, identity: AuthContext): PushQueue<ExecutionResult> {
    const partnerFilter = (plan.args.partnerId as string | null | undefined) ?? null;
    const subscriber: Subscriber = {
      plan,
      identity,
      partnerFilter,
      groupKey: JSON.stringify([plan.query, plan.queryVariables, scopeKey(identity)]),
      lastSeq: new Map(),
      queue: new PushQueue<ExecutionResult>(() => this.subscribers.delete(subscriber), subscriberQueueMax),
      chain: Promise.resolve(),
    };
    this.subscribers.add(subscriber);
    const afterSeq = plan.args.afterSeq as number | null | undefined;
    if (partnerFilter && typeof afterSeq === 'number') {
      subscriber.lastSeq.set(partnerFilter, afterSeq);
      this.enqueue(subscriber, () => this.catchUp(subscriber, partnerFilter));
    }
    return subscriber.queue;
  }

  /** Called on every wake-up (NOTIFY, Redis, NATS or a timer); coalesces overlapping calls. */
  wake(): Promise<void> {
    if (this.pumping) {
      this.wakeAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
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
    for (;;) {
      const page = await this.ports.pointersAfter(this.lastId, pointerPageMax);
      if (page.length === 0) return;
      this.lastId = page.at(-1)!.id;
      for (const pointer of page) this.dispatch(pointer);
    }
  }

  private dispatch(pointer: DeltaPointer): void {
    const results = new Map<string, Promise<ExecutionResult>>();
    for (const subscriber of this.subscribers) {
      if (subscriber.partnerFilter !== null && subscriber.partnerFilter !== pointer.partnerId) continue;
      if (!canSeePartner(subscriber.identity, pointer.partnerId)) continue;
      let result = results.get(subscriber.groupKey);
      if (!result) {
        result = this.resolve(subscriber, pointer);
        results.set(subscriber.groupKey, result);
      }
      const shared = result;
      this.enqueue(subscriber, () => this.deliver(subscriber, pointer, shared));
    }
  }

  private resolve(subscriber: Subscriber, pointer: DeltaPointer): Promise<ExecutionResult> {
    return this.ports.execute(subscriber.plan.query, { ...subscriber.plan.queryVariables, __clearhouseEventId: pointer.id }, subscriber.identity);
  }

  private enqueue(subscriber: Subscriber, work: () => Promise<void>): void {
    subscriber.chain = subscriber.chain.then(work).catch((error: unknown) => {
      this.ports.log?.({ level: 'error', msg: 'delivery failed', error: String(error) });
    });
  }

  private async deliver(subscriber: Subscriber, pointer: DeltaPointer, result: Promise<ExecutionResult>): Promise<void> {
    if (!this.subscribers.has(subscriber)) return;
    const last = subscriber.lastSeq.get(pointer.partnerId);
    if (last !== undefined && pointer.seq <= last) return;
    if (last !== undefined && pointer.seq > last + 1) {
      await this.catchUp(subscriber, pointer.partnerId);
      return;
    }
    subscriber.queue.push(await result);
    subscriber.lastSeq.set(pointer.partnerId, pointer.seq);
  }

  /** Replays what a subscriber missed (afterSeq, or a gap), from the feed, in order. */
  private async catchUp(subscriber: Subscriber, partnerId: string): Promise<void> {
    for (;;) {
      if (!this.subscribers.has(subscriber)) return;
      const afterSeq = subscriber.lastSeq.get(partnerId) ?? 0;
      const page = await this.ports.partnerPointersAfter(partnerId, afterSeq, pointerPageMax);
      if (page.length === 0) return;
      for (const pointer of page) {
        if (!this.subscribers.has(subscriber)) return;
        subscriber.queue.push(await this.resolve(subscriber, pointer));
        subscriber.lastSeq.set(partnerId, pointer.seq);
      }
    }
  }
}
