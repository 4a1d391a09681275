/**
 * `npm run bench`: every benchmark, one after another, on one PostgreSQL (DATABASE_URL, or an embedded
 * one under .data/bench-pg), each starting and stopping what it needs on 127.0.0.1; then one summary
 * table of the figures and the ratios held to the bar (README). Exits 0 when every benchmark ran, bar
 * met or not (a missed bar is a figure to read, not a crash); 1 when one could not run.
 *
 *   npm run bench                          all of them
 *   npm run bench -- --only gateway,latency
 *
 * The machine is expected to be small and shared: ratios are taken within one run, the gateway runs
 * alternate, and the load average is printed so that a noisy run can be told from a slow system.
 */
import { loadavg, availableParallelism } from 'node:os';
import { benchGateway } from './gateway.ts';
import { benchLatency } from './latency.ts';
import { benchSubscriptions } from './subscriptions.ts';
import { startBenchServer, type BenchServer } from './support/database.ts';
import { startService } from './support/processes.ts';
import { type Figure, format, say, table, within } from './support/report.ts';

/** Well under 10 minutes for the whole run; each benchmark has its own, smaller bound as well. */
const runMsMax = 9.5 * 60_000;
const ingestRows = 100_000;
const ingestRounds = 5;
/** Lines of the two uploads of the file-memory benchmark (about 24 and 235 MB of csv-report). */
const fileMemoryLines = [300_000, 3_000_000] as const;

async function benchIngestEndToEnd(server: BenchServer): Promise<Figure[]> {
  const { benchmarkIngest } = await import('./ingest.ts');
  const databaseUrl = await server.freshDatabase('ingest');
  // End to end: the clock of each path stops once the settlements consumer has applied every event.
  const settlements = await startService({ kind: 'settlements', databaseUrl });
  try {
    const figures = await benchmarkIngest({
      databaseUrl, rows: ingestRows, repeats: ingestRounds, warmups: 1, batchLines: 10_000, concurrency: 2,
      untilApplied: () => settlements.call('drain'),
      log: (line) => say('ingest', line),
    });
    say('ingest', `raw COPY ${format(figures.rawCopyPerSecond)} rows/s | batch ${format(figures.batchPerSecond)} tx/s (${format(figures.batchToCopy, 'x')}) | ` +
      `file ${format(figures.filePerSecond)} tx/s (${format(figures.fileToCopy, 'x')}) | medians of ${ingestRounds} rounds of ${figures.rows} rows after one warm-up round, each ratio against a raw COPY taken just before`);
    return [
      { bench: 'ingest', name: 'raw COPY rows/s', value: figures.rawCopyPerSecond, unit: '/s' },
      { bench: 'ingest', name: 'ndjson batch end to end tx/s', value: figures.batchPerSecond, unit: '/s' },
      { bench: 'ingest', name: 'csv file end to end tx/s', value: figures.filePerSecond, unit: '/s' },
      { bench: 'ingest', name: 'batch / raw COPY', value: figures.batchToCopy, unit: 'x', bar: { op: '>=', target: 0.5 } },
      { bench: 'ingest', name: 'file / raw COPY', value: figures.fileToCopy, unit: 'x', bar: { op: '>=', target: 0.5 } },
    ];
  } finally {
    await settlements.stop();
  }
}

/** A streamed csv-report upload at two sizes ten times apart: its live heap peak must not grow with the file. */
async function benchFileMemory(server: BenchServer): Promise<Figure[]> {
  const { benchmarkFileMemory } = await import('./file-memory.ts');
  const databaseUrl = await server.freshDatabase('filememory');
  const figures = await benchmarkFileMemory({ databaseUrl, lines: fileMemoryLines, log: (line) => say('file-memory', line) });
  return [
    ...figures.sizes.flatMap((size) => [
      { bench: 'file-memory', name: `${format(size.lines)} lines (${size.fileMb.toFixed(0)} MB): live heap peak growth`, value: size.heapGrowthMb, unit: 'MB' },
      { bench: 'file-memory', name: `${format(size.lines)} lines: RSS peak growth (info)`, value: size.rssGrowthMb, unit: 'MB' },
    ]),
    { bench: 'file-memory', name: `heap growth ${format(fileMemoryLines[1]!)} / ${format(fileMemoryLines[0]!)} lines`, value: figures.growthRatio, unit: 'x', bar: { op: '<=', target: 1.5 } },
  ];
}

const benches: Record<string, (server: BenchServer) => Promise<Figure[]>> = {
  gateway: (server) => benchGateway(server),
  subscriptions: (server) => benchSubscriptions(server),
  latency: (server) => benchLatency(server),
  ingest: benchIngestEndToEnd,
  'file-memory': benchFileMemory,
};

function selected(): string[] {
  const at = process.argv.indexOf('--only');
  if (at === -1) return Object.keys(benches);
  const names = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !(name in benches));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--only takes a comma-separated list of: ${Object.keys(benches).join(', ')}`);
  return names;
}

async function main(): Promise<number> {
  const names = selected();
  const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
  const startedMs = Date.now();
  say('run', `node ${process.version}, ${availableParallelism()} cores, load average ${load()}; benchmarks: ${names.join(', ')}`);
  const server = await startBenchServer();
  say('run', server.embedded ? 'embedded PostgreSQL (.data/bench-pg)' : 'PostgreSQL from DATABASE_URL');
  const figures: Figure[] = [];
  const failed: string[] = [];
  try {
    for (const name of names) {
      const benchStartedMs = Date.now();
      say('run', `— ${name} (load average ${load()})`);
      try {
        const remainingMs = runMsMax - (Date.now() - startedMs);
        figures.push(...(await within(remainingMs, `the run (at ${name})`, benches[name]!(server))));
      } catch (error) {
        failed.push(name);
        say('run', `${name} failed: ${String((error as Error)?.stack ?? error)}`);
      }
      say('run', `${name} took ${format((Date.now() - benchStartedMs) / 1000, 's')}`);
    }
  } finally {
    await server.stop();
  }
  console.log(`\nClearhouse benchmarks — ${new Date().toISOString()}, ${availableParallelism()} cores, load average at the end ${load()}, ` +
    `${format((Date.now() - startedMs) / 1000, 's')} in all\n`);
  console.log(table(figures));
  if (failed.length > 0) console.log(`\nnot run to the end: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

process.exit(await main());
