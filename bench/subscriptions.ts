/**
 * (b) Subscription fan-out: 1,000 graphql-ws subscribers on our gateway selecting
 * `settlementDeltas { seq totals { ggr } partner { name } }` (partner.name comes from the partners
 * subgraph), while recorded transactions produce N deltas; against a bare graphql-ws server (useServer,
 * a trivial schema, in-memory pub/sub) pushing N events of the same shape to 1,000 subscribers.
 *
 * deliveries/s = subscribers × N / (last delivery − trigger), where the trigger is the ingest request
 * for ours (so it includes ingest, the settlements consumer, the feed and per-event resolution) and the
 * push call for the bare server. The fan-out window (first to last delivery) is printed beside it.
 * The subscribers run in this process, the servers each in their own.
 */
import { benchToken } from './support/config.ts';
import { type BenchServer, startBenchServer } from './support/database.ts';
import { type BenchPartner, benchGames, createPartners, postBatch, type NdjsonLine } from './support/fixtures.ts';
import { Cleanup, cpuMsOf, startOurGateway, startService, startSubgraphs } from './support/processes.ts';
import { format, type Figure, say, table, within } from './support/report.ts';
import { type NextMessage, openSubscribers, waitFor } from './support/subscribers.ts';

export interface SubscriptionBenchOptions {
  subscribers: number;
  /** Partners producing deltas; each produces `weeks` deltas (one per weekly period touched). */
  partners: number;
  weeks: number;
}

export const subscriptionBenchDefaults: SubscriptionBenchOptions = { subscribers: 1000, partners: 10, weeks: 30 };
const subscriptionBenchMsMax = 240_000;
const deliveryWaitMs = 90_000;
/** Every message is counted and scanned for errors; one in this many is parsed and checked in full. */
const parseSample = 25;

export const deltaSubscription = `subscription BenchDeltas { settlementDeltas { seq totals { ggr } partner { name } } }`;

/** Counts deliveries per subscriber; resolves `done` when every subscriber has `expected`. */
class Tally {
  counts: number[];
  firstAtMs = Number.NaN;
  lastAtMs = Number.NaN;
  errors: string[] = [];
  private expected = Number.POSITIVE_INFINITY;
  private complete = 0;
  private finish: (() => void) | null = null;

  constructor(readonly subscribers: number) {
    this.counts = new Array<number>(subscribers).fill(0);
  }

  reset(expected: number): Promise<void> {
    this.counts.fill(0);
    this.complete = 0;
    this.expected = expected;
    this.firstAtMs = Number.NaN;
    this.lastAtMs = Number.NaN;
    this.errorResults = 0;
    this.errors = [];
    return new Promise<void>((done) => (this.finish = done));
  }

  /** Results with errors count as deliveries (the subscriber was told) but are reported. */
  errorResults = 0;

  next({ index, atMs, result, hasErrors }: NextMessage): void {
    if (hasErrors || (result && !result.data?.settlementDeltas?.partner?.name)) {
      this.errorResults += 1;
      if (this.errors.length < 3) this.errors.push(JSON.stringify(result).slice(0, 300));
    }
    if (Number.isNaN(this.firstAtMs)) this.firstAtMs = atMs;
    this.lastAtMs = atMs;
    if (++this.counts[index]! === this.expected && ++this.complete === this.subscribers) this.finish?.();
  }

  get delivered(): number {
    return this.counts.reduce((sum, count) => sum + count, 0);
  }
}

/** One line per weekly period of the last `weeks` weeks: each makes its period change once. */
function weeklyLines(partner: BenchPartner, round: string, weeks: number): NdjsonLine[] {
  const now = Date.now();
  return Array.from({ length: weeks }, (_, week) => ({
    id: `${round}-${partner.code}-${week}`, round: `${round}-${week}`, player: `p-${week % 11}`, game: benchGames[week % benchGames.length]!,
    kind: 'BET' as const, amount: `${(week % 9) + 1}.25`, ccy: 'EUR', bonus: 0 as const, ref: null, ts: now - week * 7 * 86_400_000 - 3_600_000,
  }));
}

interface Measured {
  /** CPU spent per delivery by the server process(es) and by the subscribers' process. */
  serverCpuUsPerDelivery: number;
  clientCpuUsPerDelivery: number;
  seconds: number;
  windowSeconds: number;
  firstAfterMs: number;
  deliveriesPerSecond: number;
  windowDeliveriesPerSecond: number;
}

/** CPU ms so far of the servers under test (by pid) and of this process (the subscribers). */
function cpuNow(pids: number[]): { server: number; client: number } {
  const usage = process.cpuUsage();
  return { server: pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0), client: (usage.user + usage.system) / 1000 };
}

function measured(tally: Tally, triggerAtMs: number, deltas: number, cpuBefore: { server: number; client: number }, pids: number[]): Measured {
  const deliveries = tally.subscribers * deltas;
  const cpuAfter = cpuNow(pids);
  const seconds = (tally.lastAtMs - triggerAtMs) / 1000;
  const windowSeconds = (tally.lastAtMs - tally.firstAtMs) / 1000;
  return {
    serverCpuUsPerDelivery: ((cpuAfter.server - cpuBefore.server) * 1000) / deliveries,
    clientCpuUsPerDelivery: ((cpuAfter.client - cpuBefore.client) * 1000) / deliveries,
    seconds, windowSeconds, firstAfterMs: tally.firstAtMs - triggerAtMs,
    deliveriesPerSecond: deliveries / seconds, windowDeliveriesPerSecond: deliveries / windowSeconds,
  };
}

async function ours(server: BenchServer, options: SubscriptionBenchOptions, cleanup: Cleanup): Promise<Measured & { deltas: number; errorResults: number; errors: string[] }> {
  const databaseUrl = await server.freshDatabase('subscriptions');
  const subgraphs = await startSubgraphs(databaseUrl);
  cleanup.add(() => subgraphs.stop());
  const gateway = await startOurGateway(databaseUrl, subgraphs);
  cleanup.add(() => gateway.stop());
  const tokens = { admin: await benchToken(['ADMIN']), finance: await benchToken(['FINANCE']) };
  const partners = await createPartners(gateway.info.url, tokens, subgraphs, { count: options.partners, cycle: 'WEEKLY' });
  const base = new URL(gateway.info.url).origin;

  const tally = new Tally(options.subscribers);
  const subscribers = await openSubscribers({
    url: gateway.info.url.replace('http:', 'ws:'), count: options.subscribers, query: deltaSubscription, token: tokens.finance,
    parseEvery: parseSample,
    onNext: (message) => tally.next(message),
    onError: (index, error) => tally.errors.push(`subscriber ${index}: ${error}`),
  });
  cleanup.add(() => subscribers.close());
  await waitFor('subscribed on our gateway', () => gateway.call<number>('subscribers'), options.subscribers, 30_000);
  say('subscriptions', `${options.subscribers} subscribers on our gateway`);

  // Warm-up: one partner, two weeks → two deltas to everyone (plans, JIT, connections).
  const warm = tally.reset(2);
  await postBatch(base, partners[0]!, weeklyLines(partners[0]!, 'warm', 2));
  await within(deliveryWaitMs, 'warm-up deliveries', warm);

  const deltas = options.partners * options.weeks;
  const done = tally.reset(deltas);
  const pids = [gateway.pid, ...Object.values(subgraphs.processes).map((service) => service.pid)];
  const cpuBefore = cpuNow(pids);
  const triggerAtMs = performance.now();
  await Promise.all(partners.map((partner) => postBatch(base, partner, weeklyLines(partner, 'run', options.weeks))));
  try {
    await within(deliveryWaitMs, 'deliveries on our gateway', done);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${tally.delivered} of ${deltas * options.subscribers} delivered; errors: ${tally.errors.join(' | ')}`);
  }
  const result = measured(tally, triggerAtMs, deltas, cpuBefore, pids);
  await subscribers.close();
  return { ...result, deltas, errorResults: tally.errorResults, errors: [...tally.errors] };
}

async function bare(options: SubscriptionBenchOptions, deltas: number, cleanup: Cleanup): Promise<Measured> {
  const bareServer = await startService<{ url: string }>({ kind: 'bare-ws' });
  cleanup.add(() => bareServer.stop());
  const tally = new Tally(options.subscribers);
  const subscribers = await openSubscribers({
    url: bareServer.info.url, count: options.subscribers, query: deltaSubscription,
    parseEvery: parseSample,
    onNext: (message) => tally.next(message),
    onError: (index, error) => tally.errors.push(`subscriber ${index}: ${error}`),
  });
  cleanup.add(() => subscribers.close());
  await waitFor('subscribed on the bare server', () => bareServer.call<number>('subscribers'), options.subscribers, 30_000);

  const warm = tally.reset(2);
  await bareServer.call('push', 2);
  await within(deliveryWaitMs, 'bare warm-up deliveries', warm);

  const done = tally.reset(deltas);
  const cpuBefore = cpuNow([bareServer.pid]);
  const triggerAtMs = performance.now();
  await bareServer.call('push', deltas);
  await within(deliveryWaitMs, 'deliveries on the bare server', done);
  if (tally.errors.length > 0) throw new Error(`bare subscribers got errors: ${tally.errors.join(' | ')}`);
  const result = measured(tally, triggerAtMs, deltas, cpuBefore, [bareServer.pid]);
  await subscribers.close();
  return result;
}

export async function benchSubscriptions(server: BenchServer, options: SubscriptionBenchOptions = subscriptionBenchDefaults): Promise<Figure[]> {
  const cleanup = new Cleanup();
  try {
    return await within(subscriptionBenchMsMax, 'the subscription benchmark', (async () => {
      const o = await ours(server, options, cleanup);
      // Our system stops before the baseline starts, so neither shares the machine with the other.
      await cleanup.run();
      const b = await bare(options, o.deltas, cleanup);
      const line = (name: string, m: Measured) =>
        `${name}: ${format(m.deliveriesPerSecond)} deliveries/s from trigger (${format(m.seconds, 's')}; first after ${format(m.firstAfterMs, 'ms')}), ` +
        `${format(m.windowDeliveriesPerSecond)}/s first-to-last (${format(m.windowSeconds, 's')}); ` +
        `CPU per delivery: server ${format(m.serverCpuUsPerDelivery, 'µs')}, subscribers ${format(m.clientCpuUsPerDelivery, 'µs')}`;
      say('subscriptions', `${options.subscribers} subscribers × ${o.deltas} deltas = ${options.subscribers * o.deltas} deliveries each`);
      say('subscriptions', line('ours', o));
      if (o.errorResults > 0) say('subscriptions', `ours: ${o.errorResults} deliveries were errors, e.g. ${o.errors[0]}`);
      say('subscriptions', line('bare', b));
      const ratio = o.deliveriesPerSecond / b.deliveriesPerSecond;
      say('subscriptions', `ours/bare ${format(ratio, 'x')} from trigger, ${format(o.windowDeliveriesPerSecond / b.windowDeliveriesPerSecond, 'x')} first-to-last`);
      return [
        { bench: 'subscriptions', name: `ours deliveries/s (${options.subscribers} subs × ${o.deltas} deltas)`, value: o.deliveriesPerSecond, unit: '/s' },
        { bench: 'subscriptions', name: 'ours deliveries that were errors', value: o.errorResults, unit: '', bar: { op: '<=', target: 0 } },
        { bench: 'subscriptions', name: 'bare graphql-ws deliveries/s', value: b.deliveriesPerSecond, unit: '/s' },
        { bench: 'subscriptions', name: 'ours / bare (first-to-last window)', value: o.windowDeliveriesPerSecond / b.windowDeliveriesPerSecond, unit: 'x' },
        { bench: 'subscriptions', name: 'ours / bare (from trigger)', value: ratio, unit: 'x', bar: { op: '>=', target: 0.8 } },
      ];
    })());
  } finally {
    await cleanup.run();
  }
}

if (import.meta.main) {
  const server = await startBenchServer();
  try {
    console.log(table(await benchSubscriptions(server)));
  } finally {
    await server.stop();
  }
}
