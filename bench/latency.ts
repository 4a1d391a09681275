/**
 * (c) Commit-to-subscriber latency under ingest: signed NDJSON batches are posted to the public ingest
 * endpoint (the gateway's /ingest/{code}/batch, DESIGN.md 3.2) at a fixed rate of transactions per
 * second, open loop (a batch is sent when it is due, whether or not earlier ones were answered), while
 * one graphql-ws subscriber on the same gateway receives
 * `settlementDeltas { seq partner { id name } change { transactions } at }` (partner.name from the
 * partners subgraph).
 *
 * What is measured, per batch: from the moment its HTTP answer arrives (the batch is committed by
 * then: this is the commit as the client sees it, at most one loopback hop after the commit itself)
 * to the moment the subscriber receives the first delta whose running count of transactions for that
 * partner covers the batch (deltas carry change.transactions; the subscriber sums them per partner).
 * A delta that arrives before the answer counts as 0 ms. Also printed, per delta: receive time minus
 * the delta's `at` (stamped by the settlements consumer as it writes the delta, before its commit).
 */
import { availableParallelism } from 'node:os';
import { connect } from '@clearhouse/kernel/db/index';
import { deltaChannel } from '@clearhouse/settlements/infra/delta-store';
import { benchToken } from './support/config.ts';
import { type BenchServer, startBenchServer } from './support/database.ts';
import { type BenchPartner, benchGames, createPartners, ndjsonBatch, type NdjsonLine } from './support/fixtures.ts';
import { Cleanup, cpuWindow, formatCores, startOurGateway, startSubgraphs, systemCpuGroups } from './support/processes.ts';
import { format, type Figure, quantile, say, sleep, table, within } from './support/report.ts';
import { openSubscribers } from './support/subscribers.ts';

export interface LatencyBenchOptions {
  transactionsPerSecond: number;
  linesPerBatch: number;
  partners: number;
  warmupSeconds: number;
  seconds: number;
  /** Batches in flight at most; a batch due while this many wait is sent late (and counted late). */
  inFlightMax: number;
}

export const latencyBenchDefaults: LatencyBenchOptions = {
  transactionsPerSecond: 20_000, linesPerBatch: 1000, partners: 4, warmupSeconds: 3, seconds: 15, inFlightMax: 32,
};
const latencyBenchMsMax = 180_000;
const drainWaitMs = 20_000;
const tickMs = 5;

export const latencySubscription = `subscription BenchLatency { settlementDeltas { id seq partner { id name } change { transactions } at } }`;

interface Batch {
  partner: BenchPartner;
  lines: number;
  measured: boolean;
  dueAtMs: number;
  sentAtMs: number;
  answeredAtMs: number;
  accepted: number;
  /** The partner's running total of accepted transactions once this batch is in (answer order). */
  cumulative: number;
  deliveredAtMs: number;
}

function lines(partner: BenchPartner, batchNumber: number, count: number): NdjsonLine[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => ({
    id: `lat-${batchNumber}-${index}`, round: `r-${batchNumber}-${index >> 1}`, player: `p-${index % 97}`, game: benchGames[index % benchGames.length]!,
    kind: index % 2 === 0 ? ('BET' as const) : ('WIN' as const), amount: index % 2 === 0 ? '2.50' : '1.75', ccy: 'EUR', bonus: 0 as const, ref: null,
    ts: now - (index % 60) * 1000,
  }));
}

export async function benchLatency(server: BenchServer, options: LatencyBenchOptions = latencyBenchDefaults): Promise<Figure[]> {
  const cleanup = new Cleanup();
  try {
    return await within(latencyBenchMsMax, 'the latency benchmark', run(server, options, cleanup));
  } finally {
    await cleanup.run();
  }
}

async function run(server: BenchServer, options: LatencyBenchOptions, cleanup: Cleanup): Promise<Figure[]> {
  const databaseUrl = await server.freshDatabase('latency');
  const subgraphs = await startSubgraphs(databaseUrl);
  cleanup.add(() => subgraphs.stop());
  const gateway = await startOurGateway(databaseUrl, subgraphs);
  cleanup.add(() => gateway.stop());
  const tokens = { admin: await benchToken(['ADMIN']), finance: await benchToken(['FINANCE']) };
  const partners = await createPartners(gateway.info.url, tokens, subgraphs, { count: options.partners, cycle: 'MONTHLY' });
  const base = new URL(gateway.info.url).origin;

  // Per partner: batches in answer order, how far the subscriber's deltas have covered them.
  const answered = new Map<string, Batch[]>(partners.map((partner) => [partner.id, []]));
  const covered = new Map<string, number>(partners.map((partner) => [partner.id, 0]));
  const cumulative = new Map<string, number>(partners.map((partner) => [partner.id, 0]));
  const deltaLagsMs: number[] = [];
  // The split of that lag: the settlements consumer's commit (its NOTIFY, heard here too) to the subscriber.
  const notifiedAtMs = new Map<string, number>();
  const commitLagsMs: number[] = [];
  const listenSql = connect(databaseUrl, { max: 1, application: 'clearhouse-bench-listen' });
  cleanup.add(() => listenSql.end());
  await listenSql.listen(deltaChannel, (payload) => {
    try {
      notifiedAtMs.set(String((JSON.parse(payload) as { id: unknown }).id), performance.now());
    } catch {
      // a payload without the pointer: nothing to split by
    }
  });
  let measuring = false;
  const problems: string[] = [];

  const subscriber = await openSubscribers({
    url: gateway.info.url.replace('http:', 'ws:'), count: 1, query: latencySubscription, token: tokens.finance, parseEvery: 1,
    onNext: ({ atMs, result }) => {
      const delta = result?.data?.settlementDeltas as { id: string; partner: { id: string }; change: { transactions: number }; at: string } | undefined;
      if (!delta || result?.errors) {
        if (problems.length < 3) problems.push(JSON.stringify(result).slice(0, 300));
        return;
      }
      const wallNow = performance.timeOrigin + atMs;
      if (measuring) deltaLagsMs.push(wallNow - Date.parse(delta.at));
      const notified = notifiedAtMs.get(delta.id);
      if (measuring && notified !== undefined) commitLagsMs.push(atMs - notified);
      const total = (covered.get(delta.partner.id) ?? 0) + delta.change.transactions;
      covered.set(delta.partner.id, total);
      for (const batch of answered.get(delta.partner.id) ?? []) {
        if (batch.deliveredAtMs === 0 && batch.cumulative <= total) batch.deliveredAtMs = atMs;
      }
    },
    onError: (_index, error) => problems.push(error),
  });
  cleanup.add(() => subscriber.close());
  await sleep(300);

  const batches: Batch[] = [];
  let inFlight = 0;
  let batchNumber = 0;
  const send = async (batch: Batch, body: string, headers: Record<string, string>) => {
    inFlight += 1;
    batch.sentAtMs = performance.now();
    try {
      const response = await fetch(`${base}/ingest/${batch.partner.code}/batch`, { method: 'POST', headers, body });
      batch.answeredAtMs = performance.now();
      const answer = (await response.json()) as { accepted?: number };
      if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(answer).slice(0, 200)}`);
      batch.accepted = answer.accepted ?? 0;
      const total = cumulative.get(batch.partner.id)! + batch.accepted;
      cumulative.set(batch.partner.id, total);
      batch.cumulative = total;
      if ((covered.get(batch.partner.id) ?? 0) >= total) batch.deliveredAtMs = batch.answeredAtMs;
      answered.get(batch.partner.id)!.push(batch);
    } catch (error) {
      if (problems.length < 5) problems.push(`batch: ${String(error)}`);
    } finally {
      inFlight -= 1;
    }
  };

  const totalSeconds = options.warmupSeconds + options.seconds;
  const batchesPerSecond = options.transactionsPerSecond / options.linesPerBatch;
  const startMs = performance.now();
  const pending: Promise<void>[] = [];
  let measuredFromMs = 0;
  const cpuGroups = systemCpuGroups([gateway, ...Object.values(subgraphs.processes)], server.port);
  let cpuStop: (() => Record<string, number>) | null = null;
  for (;;) {
    const elapsedMs = performance.now() - startMs;
    if (elapsedMs >= totalSeconds * 1000) break;
    if (!measuring && elapsedMs >= options.warmupSeconds * 1000) {
      measuring = true;
      measuredFromMs = performance.now();
      cpuStop = cpuWindow(cpuGroups);
    }
    const due = Math.floor((elapsedMs / 1000) * batchesPerSecond) + 1;
    while (batchNumber < due && inFlight < options.inFlightMax) {
      const partner = partners[batchNumber % partners.length]!;
      const { body, headers } = ndjsonBatch(partner.secret, lines(partner, batchNumber, options.linesPerBatch));
      const batch: Batch = {
        partner, lines: options.linesPerBatch, measured: measuring, dueAtMs: startMs + (batchNumber / batchesPerSecond) * 1000,
        sentAtMs: 0, answeredAtMs: 0, accepted: 0, cumulative: 0, deliveredAtMs: 0,
      };
      batchNumber += 1;
      batches.push(batch);
      pending.push(send(batch, body, headers));
    }
    await sleep(tickMs);
  }
  await Promise.all(pending);
  const ingestEndMs = performance.now();
  const cores = cpuStop?.() ?? {};
  measuring = false;
  const drainDeadline = Date.now() + drainWaitMs;
  while (Date.now() < drainDeadline && batches.some((batch) => batch.answeredAtMs > 0 && batch.accepted > 0 && batch.deliveredAtMs === 0)) await sleep(20);

  const measured = batches.filter((batch) => batch.measured && batch.answeredAtMs > 0);
  const acceptedMeasured = measured.reduce((sum, batch) => sum + batch.accepted, 0);
  const achieved = acceptedMeasured / ((ingestEndMs - measuredFromMs) / 1000);
  const delivered = measured.filter((batch) => batch.deliveredAtMs > 0);
  const latencies = delivered.map((batch) => Math.max(0, batch.deliveredAtMs - batch.answeredAtMs));
  const answerMs = measured.map((batch) => batch.answeredAtMs - batch.sentAtMs);
  const lateMs = measured.map((batch) => batch.sentAtMs - batch.dueAtMs);
  const missing = measured.length - delivered.length;

  const p = (values: number[], q: number) => quantile(values, q);
  say('latency', `target ${format(options.transactionsPerSecond)} tx/s in batches of ${options.linesPerBatch} over ${options.partners} partners; ` +
    `${format(options.seconds)} s measured after ${options.warmupSeconds} s warm-up`);
  say('latency', `achieved ${format(achieved)} tx/s accepted (${acceptedMeasured} tx in ${measured.length} batches); ` +
    `batch answer p50 ${format(p(answerMs, 0.5))} ms p99 ${format(p(answerMs, 0.99))} ms; sent late by p99 ${format(p(lateMs, 0.99))} ms`);
  say('latency', `commit (HTTP answer) → subscriber: p50 ${format(p(latencies, 0.5))} ms  p95 ${format(p(latencies, 0.95))} ms  ` +
    `p99 ${format(p(latencies, 0.99))} ms  max ${format(Math.max(...latencies))} ms  (${delivered.length} batches${missing ? `, ${missing} never delivered` : ''})`);
  say('latency', `delta written (at) → subscriber: p50 ${format(p(deltaLagsMs, 0.5))} ms  p99 ${format(p(deltaLagsMs, 0.99))} ms  (${deltaLagsMs.length} deltas); ` +
    `of which delta committed (NOTIFY) → subscriber: p50 ${format(p(commitLagsMs, 0.5))} ms  p99 ${format(p(commitLagsMs, 0.99))} ms`);
  say('latency', `CPU cores used while measuring (machine has ${availableParallelism()}): ${formatCores(cores)}`);
  if (problems.length > 0) say('latency', `problems: ${problems.join(' | ')}`);

  return [
    { bench: 'latency', name: 'ingest achieved tx/s (target 20k)', value: achieved, unit: 'tx/s', bar: { op: '>=', target: options.transactionsPerSecond * 0.95 } },
    { bench: 'latency', name: 'commit→subscriber p50 / p95', value: p(latencies, 0.5), unit: 'ms', display: `${format(p(latencies, 0.5))} ms / ${format(p(latencies, 0.95))} ms` },
    { bench: 'latency', name: 'commit→subscriber p99', value: missing > 0 ? Number.POSITIVE_INFINITY : p(latencies, 0.99), unit: 'ms', bar: { op: '<=', target: 100 } },
    { bench: 'latency', name: 'delta at→subscriber p99 (info)', value: p(deltaLagsMs, 0.99), unit: 'ms' },
    { bench: 'latency', name: 'delta commit→subscriber p99 (info)', value: p(commitLagsMs, 0.99), unit: 'ms' },
  ];
}

if (import.meta.main) {
  const server = await startBenchServer();
  try {
    console.log(table(await benchLatency(server)));
  } finally {
    await server.stop();
  }
}
