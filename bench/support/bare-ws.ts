import type { Server } from 'node:http';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/**
 * The baseline of the subscription benchmark: a bare graphql-ws server (useServer, a trivial schema,
 * an in-memory pub/sub) pushing events of the same shape as our settlementDeltas selection
 * `{ seq totals { ggr } partner { name } }`. graphql-ws executes the selection per subscriber, as any
 * plain graphql-ws server does.
 */
const schema = buildSchema(`
  type Query { ok: Boolean }
  type Totals { ggr: String! }
  type Partner { name: String! }
  type SettlementDelta { seq: Int! totals: Totals! partner: Partner! }
  type Subscription { settlementDeltas: SettlementDelta! }
`);

interface Delta {
  seq: number;
  totals: { ggr: string };
  partner: { name: string };
}

/** One subscriber's stream: pushed events, pulled by graphql-ws. */
class Stream implements AsyncIterableIterator<{ settlementDeltas: Delta }> {
  private readonly items: { settlementDeltas: Delta }[] = [];
  private readonly pulls: ((result: IteratorResult<{ settlementDeltas: Delta }>) => void)[] = [];
  private done = false;

  constructor(private readonly onClose: () => void) {}

  push(delta: Delta): void {
    if (this.done) return;
    const item = { settlementDeltas: delta };
    const pull = this.pulls.shift();
    if (pull) pull({ value: item, done: false });
    else this.items.push(item);
  }

  next(): Promise<IteratorResult<{ settlementDeltas: Delta }>> {
    const item = this.items.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.pulls.push(resolve));
  }

  return(): Promise<IteratorResult<{ settlementDeltas: Delta }>> {
    if (!this.done) {
      this.done = true;
      for (const pull of this.pulls.splice(0)) pull({ value: undefined, done: true });
      this.onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export function startBareServer(httpServer: Server) {
  const streams = new Set<Stream>();
  let seq = 0;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const roots = {
    settlementDeltas: () => {
      const stream: Stream = new Stream(() => streams.delete(stream));
      streams.add(stream);
      return stream;
    },
  };
  const cleanup = useServer({ schema, roots: { subscription: roots as never } }, wsServer);
  return {
    get subscriberCount() {
      return streams.size;
    },
    /** Publishes `count` events to every subscriber (queued at once, as a page of deltas is). */
    push(count: number): number {
      for (let index = 0; index < count; index++) {
        seq += 1;
        const delta: Delta = { seq, totals: { ggr: `${1000 + seq}.25` }, partner: { name: 'Bench Partner 01' } };
        for (const stream of streams) stream.push(delta);
      }
      return seq;
    },
    close: async () => {
      await cleanup.dispose();
      await new Promise<void>((done) => wsServer.close(() => done()));
    },
  };
}
