/**
 * (a) Gateway throughput: our gateway (@apollo/gateway, gateway/src/server.ts) against Hive Gateway with
 * its router runtime, on the same supergraph, the same query (two subgraphs: partners with their
 * games, and a partner's settlement periods, each joined back to its partner), in front of the same
 * running subgraphs, both signing subgraph requests the same way. autocannon, same connections and
 * duration; a warm-up each, then measured runs in A-B-B-A order so that drift hits both alike.
 * Every response is compared with the expected body. Hive's in-flight deduplication (on by default)
 * is off for the compared figure: it sends one subgraph request for many identical concurrent client
 * requests, which ours does not do; one run with it on is printed for information. The CPU the gateway
 * process spends per request is printed too: it does not depend on how fast the subgraphs answer.
 */
import autocannon from 'autocannon';
import { benchToken } from './support/config.ts';
import { type BenchServer, startBenchServer } from './support/database.ts';
import { benchGames, createPartners, postBatch, settle, type NdjsonLine } from './support/fixtures.ts';
import { Cleanup, cpuMsOf, cpuWindow, startHiveGateway, startOurGateway, startSubgraphs, systemCpuGroups } from './support/processes.ts';
import { format, type Figure, say, table, within } from './support/report.ts';

export interface GatewayBenchOptions {
  connections: number;
  warmupSeconds: number;
  runSeconds: number;
  /** Measured runs per gateway (A-B-B-A…). */
  runs: number;
}

export const gatewayBenchDefaults: GatewayBenchOptions = { connections: 16, warmupSeconds: 3, runSeconds: 5, runs: 4 };
const gatewayBenchMsMax = 180_000;

export const benchQuery = `query PartnerOverview($partnerId: ID!) {
  partners(first: 20) { id code name games { code name category declaredRtp } }
  settlementPeriods(partnerId: $partnerId) {
    id start end status currency fee payable
    totals { cashStake cashWin ggr ngr }
    partner { id code name games { code category } }
  }
}`;

type GatewayName = 'ours' | 'hive' | 'hive-dedup';

interface Run {
  gateway: GatewayName;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  seconds: number;
  /** CPU the gateway process itself spent per request (user + system). */
  cpuMsPerRequest: number;
  /** CPU per request of the subgraphs and PostgreSQL behind it. */
  behindMsPerRequest: Record<string, number>;
}

function historyLines(partnerIndex: number): NdjsonLine[] {
  const lines: NdjsonLine[] = [];
  const now = Date.now();
  for (let month = 0; month < 6; month++) {
    for (let index = 0; index < 40; index++) {
      const ts = now - month * 30 * 86_400_000 - (index + 1) * 3_600_000;
      lines.push({
        id: `hist-${partnerIndex}-${month}-${index}`, round: `r-${month}-${index}`, player: `p-${index % 7}`, game: benchGames[index % benchGames.length]!,
        kind: index % 3 === 2 ? 'WIN' : 'BET', amount: `${(index % 9) + 1}.${String(index % 100).padStart(2, '0')}`, ccy: 'EUR', bonus: 0, ref: null, ts,
      });
    }
  }
  return lines;
}

async function load(url: string, token: string, body: string, expected: string, seconds: number, connections: number) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
    connections,
    duration: seconds,
    timeout: 10,
    expectBody: expected,
  });
  const failed = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (failed > 0) throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx, ${result.mismatches} wrong bodies`);
  return result;
}

export async function benchGateway(server: BenchServer, options: GatewayBenchOptions = gatewayBenchDefaults): Promise<Figure[]> {
  const cleanup = new Cleanup();
  try {
    return await within(gatewayBenchMsMax, 'the gateway benchmark', run(server, options, cleanup));
  } finally {
    await cleanup.run();
  }
}

async function run(server: BenchServer, options: GatewayBenchOptions, cleanup: Cleanup): Promise<Figure[]> {
  const databaseUrl = await server.freshDatabase('gateway');
  const subgraphs = await startSubgraphs(databaseUrl);
  cleanup.add(() => subgraphs.stop());
  const [ours, hive, hiveDedup] = await Promise.all([
    startOurGateway(databaseUrl, subgraphs),
    startHiveGateway(subgraphs, { deduplicate: false }),
    startHiveGateway(subgraphs, { deduplicate: true }),
  ]);
  cleanup.add(() => ours.stop());
  cleanup.add(() => hive.stop());
  cleanup.add(() => hiveDedup.stop());
  const gateways = { ours, hive, 'hive-dedup': hiveDedup };

  const tokens = { admin: await benchToken(['ADMIN']), finance: await benchToken(['FINANCE']) };
  const partners = await createPartners(ours.info.url, tokens, subgraphs, { count: 5, cycle: 'MONTHLY' });
  await postBatch(new URL(ours.info.url).origin, partners[0]!, historyLines(0));
  await settle(subgraphs);

  const body = JSON.stringify({ query: benchQuery, variables: { partnerId: partners[0]!.id } });
  const expected = {} as Record<GatewayName, string>;
  for (const name of Object.keys(gateways) as GatewayName[]) {
    const response = await fetch(gateways[name].info.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.finance}` }, body });
    expected[name] = await response.text();
    const parsed = JSON.parse(expected[name]) as { data?: unknown; errors?: unknown };
    if (!response.ok || parsed.errors || !parsed.data) throw new Error(`${name} answered ${response.status}: ${expected[name].slice(0, 500)}`);
    if (JSON.stringify(parsed) !== JSON.stringify(JSON.parse(expected.ours))) {
      throw new Error(`the gateways answer differently:\nours ${expected.ours.slice(0, 400)}\n${name} ${expected[name].slice(0, 400)}`);
    }
  }
  const periods = (JSON.parse(expected.ours) as { data: { settlementPeriods: unknown[] } }).data.settlementPeriods.length;
  say('gateway', `same answer from all (${expected.ours.length} bytes, ${periods} periods); every response is checked against it`);

  const behind = systemCpuGroups([subgraphs.processes.partners, subgraphs.processes.settlements], server.port);
  delete behind['bench (clients)'];
  const measure = async (name: GatewayName, seconds: number): Promise<Run> => {
    const pid = gateways[name].pid;
    const cpuBefore = cpuMsOf(pid);
    const stopBehind = cpuWindow(behind);
    const result = await load(gateways[name].info.url, tokens.finance, body, expected[name], seconds, options.connections);
    const requests = result.requests.total;
    const behindMsPerRequest = Object.fromEntries(Object.entries(stopBehind()).map(([group, cores]) => [group, (cores * result.duration * 1000) / requests]));
    return {
      gateway: name, requests, seconds: result.duration, requestsPerSecond: requests / result.duration,
      p50: result.latency.p50, p99: result.latency.p99, cpuMsPerRequest: (cpuMsOf(pid) - cpuBefore) / requests, behindMsPerRequest,
    };
  };
  for (const name of Object.keys(gateways) as GatewayName[]) await measure(name, options.warmupSeconds);

  // A-B-B-A… between ours and Hive (both doing the same subgraph requests), then one informational
  // run of Hive with its in-flight deduplication on.
  const order: GatewayName[] = [];
  for (let index = 0; index < options.runs; index++) order.push(...(index % 2 === 0 ? (['ours', 'hive'] as const) : (['hive', 'ours'] as const)));
  order.push('hive-dedup');
  const runs: Run[] = [];
  for (const name of order) {
    const entry = await measure(name, options.runSeconds);
    runs.push(entry);
    say('gateway', `${name.padEnd(10)} ${format(entry.requestsPerSecond).padStart(6)} req/s  p50 ${entry.p50} ms  p99 ${entry.p99} ms  ` +
      `CPU-ms/req: gateway ${format(entry.cpuMsPerRequest)}, ${Object.entries(entry.behindMsPerRequest).map(([group, ms]) => `${group} ${format(ms)}`).join(', ')}  ` +
      `(${entry.requests} requests, ${options.connections} connections, ${format(entry.seconds)} s)`);
  }

  const summary = (name: GatewayName) => {
    const mine = runs.filter((entry) => entry.gateway === name);
    const requests = mine.reduce((sum, entry) => sum + entry.requests, 0);
    const seconds = mine.reduce((sum, entry) => sum + entry.seconds, 0);
    const cpu = mine.reduce((sum, entry) => sum + entry.cpuMsPerRequest * entry.requests, 0) / requests;
    return { rps: requests / seconds, p50: Math.max(...mine.map((entry) => entry.p50)), p99: Math.max(...mine.map((entry) => entry.p99)), cpu };
  };
  const o = summary('ours');
  const h = summary('hive');
  const d = summary('hive-dedup');
  const ratio = o.rps / h.rps;
  say('gateway', `ours ${format(o.rps)} req/s | hive ${format(h.rps)} req/s | ours/hive ${format(ratio, 'x')} | gateway CPU per request ours ${format(o.cpu)} ms, hive ${format(h.cpu)} ms`);
  const latency = (x: { p50: number; p99: number }) => `${x.p50} ms / ${x.p99} ms`;
  return [
    { bench: 'gateway', name: `ours req/s (${options.connections} conns)`, value: o.rps, unit: 'req/s' },
    { bench: 'gateway', name: 'ours latency p50 / p99', value: o.p50, unit: 'ms', display: latency(o) },
    { bench: 'gateway', name: 'hive router runtime req/s', value: h.rps, unit: 'req/s' },
    { bench: 'gateway', name: 'hive latency p50 / p99', value: h.p50, unit: 'ms', display: latency(h) },
    { bench: 'gateway', name: 'ours / hive req/s', value: ratio, unit: 'x', bar: { op: '>=', target: 1 } },
    { bench: 'gateway', name: 'gateway CPU-ms/req ours / hive', value: o.cpu, unit: 'ms', display: `${format(o.cpu)} / ${format(h.cpu)}` },
    { bench: 'gateway', name: 'hive with in-flight dedup req/s (info)', value: d.rps, unit: 'req/s' },
  ];
}

if (import.meta.main) {
  const server = await startBenchServer();
  try {
    console.log(table(await benchGateway(server)));
  } finally {
    await server.stop();
  }
}
