import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { systemClock, topics } from '@clearhouse/kernel';
import { appendEvents, connect, migrate, postgresExecutor, resolveDatabase, type Sql, withDatabase } from '@clearhouse/kernel/db/index';
import { gatewayAuthenticator } from '@clearhouse/kernel/graphql/index';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import { ingestBatch } from '../subgraphs/transactions/src/app/ingest.ts';
import type { TransactionsInsert } from '../subgraphs/transactions/src/app/chunk-writes.ts';
import { parseNdjsonLine, signNdjsonBatch } from '../subgraphs/transactions/src/domain/index.ts';
import { start } from '../subgraphs/transactions/src/server.ts';

/**
 * End-to-end ingest rate (DESIGN.md 2): HTTP → adapter → validation → stored rows + committed ingest
 * event, for the ndjson batch path and the csv file path, beside a raw COPY of the same rows into an
 * identical table in the same run. The rate stops at the committed event; `untilApplied` lets a caller
 * (the final benchmark) also wait for the settlements consumer before the clock stops.
 *
 * Also measures the two ways ingestBatch can insert transactions (multi-row INSERT over unnest, COPY).
 * Run: `npx tsx bench/ingest.ts [rows]` (DATABASE_URL, or an embedded PostgreSQL of its own).
 */
export interface IngestBenchOptions {
  /** A fresh, migrated database; the benchmark creates its partners and one scratch table in it. */
  databaseUrl: string;
  rows: number;
  /** Rounds of every measurement; medians are reported (the machine may be shared and noisy). */
  repeats: number;
  /**
   * Rounds run first and left out of the medians: the first round of a fresh process runs the code
   * before V8 has optimised it and was the slowest in most runs (batch path 0.28–0.45× where later
   * rounds of the same runs reached 0.46–0.68×). A running service has paid that cost long before.
   */
  warmups: number;
  /** Lines per ndjson request (at most one ingest chunk). */
  batchLines: number;
  /** Batch requests in flight at once: parsing one overlaps storing another. */
  concurrency: number;
  /** Awaited before each end-to-end clock stops, e.g. until the settlements consumer applied every event. */
  untilApplied?: () => Promise<void>;
  log?: (line: string) => void;
}

export interface IngestBenchFigures {
  rows: number;
  rawCopyPerSecond: number;
  batchPerSecond: number;
  filePerSecond: number;
  batchToCopy: number;
  fileToCopy: number;
  insertPerSecond: Record<TransactionsInsert, number>;
}

const gatewaySecret = randomBytes(24).toString('hex');
/** The raw COPY streams its prepared text in blocks this large: as fast as the server takes it. */
const rawCopyBlockBytes = 1024 * 1024;
const batchSecret = 'bench-batch-secret';
const games = Array.from({ length: 20 }, (_, index) => `G${index + 1}`);
const baseMs = Date.now() - 2 * 86_400_000;

interface Row {
  id: string;
  round: string;
  player: string;
  game: string;
  kind: 'BET' | 'WIN';
  amount: string;
  ms: number;
}

/** The benchmark's row `index`: three transactions a round, 5,000 players, 20 games, 10 ms apart. */
export function rowOf(prefix: string, index: number): Row {
  return {
    id: `${prefix}-${index}`,
    round: `${prefix}-R${Math.floor(index / 3)}`,
    player: `p${index % 5000}`,
    game: games[index % games.length]!,
    kind: index % 3 === 2 ? 'WIN' : 'BET',
    amount: `${1 + (index % 500)}.${String(index % 100).padStart(2, '0')}`,
    ms: baseMs + index * 10,
  };
}

function rowsOf(prefix: string, count: number): Row[] {
  return Array.from({ length: count }, (_, index) => rowOf(prefix, index));
}

export const ndjsonOf = (row: Row) =>
  `{"id":"${row.id}","round":"${row.round}","player":"${row.player}","game":"${row.game}","kind":"${row.kind}","amount":"${row.amount}","ccy":"EUR","bonus":0,"ref":null,"ts":${row.ms}}`;

function csvTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}
export const csvHeader = 'TxID;RoundID;PlayerID;GameID;Type;Amount;Currency;BonusFlag;RefTxID;Timestamp';
export const csvOf = (row: Row) => `${row.id};${row.round};${row.player};${row.game};${row.kind === 'BET' ? 'B' : 'W'};${row.amount.replace('.', ',')};EUR;N;;${csvTimestamp(row.ms)}`;
const copyOf = (partnerId: string, receivedAt: string) => (row: Row) =>
  `${partnerId}\t${row.id}\t${row.round}\t${row.player}\t${row.game}\t${row.kind}\tCASH\t${row.amount}\tEUR\t${new Date(row.ms).toISOString()}\t\\N\tAPPLIED\t${receivedAt}\tBENCH\t\\N\t\\N\n`;

export async function createPartner(sql: Sql, code: string, adapter: string, secrets: string[]): Promise<string> {
  const partnerId = randomUUID();
  const adapterConfig = { type: adapter, pollUrl: null, pollApiKey: null, pollIntervalSeconds: null };
  await sql.begin(async (tx) => {
    await appendEvents(postgresExecutor(tx), [
      { topic: topics.partnerUpserted, partnerId, payload: { partnerId, code, name: code, kind: 'GAME_PROVIDER', timezone: 'UTC', adapter: adapterConfig, createdAt: new Date().toISOString() } },
      { topic: topics.gamesRegistered, partnerId, payload: { partnerId, games: games.map((game) => ({ code: game, name: game, category: 'SLOT', declaredRtp: '96.00' })) } },
      { topic: topics.ingestSecretRotated, partnerId, payload: { partnerId, secrets } },
    ]);
  });
  return partnerId;
}

/** How long a measurement waits at most for the database's background work to end. */
const quiesceMsMax = 15_000;

/**
 * Starts each measurement from the same state: dirty pages written out (CHECKPOINT, where the role may)
 * and no autovacuum worker running. Measured without it, autovacuum and checkpoints of the rows written
 * by the measurement before made one raw COPY of 100,000 rows run anywhere from 97,000 to 190,000
 * rows/s in a single run, which no ratio survives.
 */
async function quiesce(sql: Sql): Promise<void> {
  await sql`checkpoint`.catch(() => undefined);
  const deadlineMs = Date.now() + quiesceMsMax;
  while (Date.now() < deadlineMs) {
    const [row] = await sql`select count(*)::int as busy from pg_stat_activity where backend_type = 'autovacuum worker'`;
    if (row!.busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const startedMs = performance.now();
  await work();
  return performance.now() - startedMs;
}

async function expectOk(response: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function benchmarkIngest(options: IngestBenchOptions): Promise<IngestBenchFigures> {
  const log = options.log ?? (() => {});
  const server = await start({
    databaseUrl: options.databaseUrl,
    port: 0,
    authenticate: gatewayAuthenticator(gatewaySecret),
    clock: systemClock,
    ingest: { gatewaySecrets: gatewaySecret, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } },
    poller: false,
  });
  const sql = connect(options.databaseUrl, { max: 4, application: 'clearhouse-bench-ingest' });
  const base = `http://127.0.0.1:${server.port}`;
  const ratios = { batch: [] as number[], file: [] as number[] };
  const samples = { copy: [] as number[], batch: [] as number[], file: [] as number[], unnest: [] as number[], insertCopy: [] as number[] };
  try {
    await sql`create table if not exists public.bench_raw_copy (like transactions.transactions including all)`;
    for (let round = 0; round < options.warmups + options.repeats; round += 1) {
      await createPartner(sql, `BATCH${round}`, 'NDJSON_BATCH', [batchSecret]);
      await createPartner(sql, `FILE${round}`, 'CSV_REPORT', []);
      await server.drainPartnerEvents();
      const rows = rowsOf(`r${round}`, options.rows);

      // Raw COPY: the same rows, already in COPY text, into an identical table (primary key included).
      // Measured right before each path, so that each ratio compares two figures taken moments apart
      // (the machine's COPY rate drifts between rounds: checkpoints, WAL segments, neighbours).
      const rawCopy = async (): Promise<number> => {
        const text = Buffer.from(rows.map(copyOf(randomUUID(), new Date().toISOString())).join(''));
        await quiesce(sql);
        const copyMs = await timed(async () => {
          await sql.begin(async (tx) => {
            const writable = await tx`copy public.bench_raw_copy from stdin`.writable();
            const blocks = function* () {
              for (let at = 0; at < text.length; at += rawCopyBlockBytes) yield text.subarray(at, at + rawCopyBlockBytes);
            };
            await pipeline(Readable.from(blocks()), writable);
          });
        });
        const rate = options.rows / (copyMs / 1000);
        samples.copy.push(rate);
        return rate;
      };

      // The batch path: signed ndjson requests, `concurrency` in flight.
      const bodies: string[] = [];
      for (let at = 0; at < rows.length; at += options.batchLines) bodies.push(rows.slice(at, at + options.batchLines).map(ndjsonOf).join('\n'));
      const copyBeforeBatch = await rawCopy();
      await quiesce(sql);
      const batchMs = await timed(async () => {
        let next = 0;
        const worker = async () => {
          while (next < bodies.length) {
            const body = bodies[next++]!;
            const timestampSeconds = Math.floor(Date.now() / 1000);
            const response = await fetch(`${base}/ingest/BATCH${round}/batch`, {
              method: 'POST',
              body,
              headers: { 'content-type': 'application/x-ndjson', 'x-timestamp': String(timestampSeconds), 'x-signature': signNdjsonBatch({ timestampSeconds, body, secret: batchSecret }) },
            });
            await expectOk(response, 'batch');
          }
        };
        await Promise.all(Array.from({ length: options.concurrency }, worker));
        await options.untilApplied?.();
      });
      samples.batch.push(options.rows / (batchMs / 1000));
      ratios.batch.push(samples.batch.at(-1)! / copyBeforeBatch);

      // The file path: one streamed upload of the same rows as a csv-report.
      const csv = Buffer.from(`${csvHeader}\n${rows.map((row) => csvOf({ ...row, id: `f${row.id}`, round: `f${row.round}` })).join('\n')}\n`);
      const copyBeforeFile = await rawCopy();
      await quiesce(sql);
      const fileMs = await timed(async () => {
        const chunks = function* () {
          for (let at = 0; at < csv.length; at += 64 * 1024) yield csv.subarray(at, at + 64 * 1024);
        };
        const identity = { sub: 'bench', roles: ['OPS' as const], partnerId: null, expiresAtMs: Date.now() + 3_600_000 };
        const response = await fetch(`${base}/ingest/FILE${round}/file`, {
          method: 'POST',
          body: Readable.toWeb(Readable.from(chunks())) as ReadableStream,
          headers: { 'content-type': 'text/csv', ...signGatewayRequest(identity, '', gatewaySecret, Date.now()) },
          duplex: 'half',
        } as RequestInit);
        const answer = await expectOk(response, 'file');
        if (answer.accepted !== options.rows) throw new Error(`file: ${JSON.stringify(answer).slice(0, 300)}`);
        await options.untilApplied?.();
      });
      samples.file.push(options.rows / (fileMs / 1000));
      ratios.file.push(samples.file.at(-1)! / copyBeforeFile);

      // The insert inside ingestBatch, both ways, on parsed candidates (no HTTP, no parsing in the clock).
      for (const mode of round % 2 === 0 ? (['unnest', 'copy'] as const) : (['copy', 'unnest'] as const)) {
        const partnerId = await createPartner(sql, `INS${mode}${round}`, 'NDJSON_BATCH', []);
        await server.drainPartnerEvents();
        const candidates = rowsOf(`i${mode}${round}`, options.rows).map((row, index) => parseNdjsonLine(ndjsonOf(row), index + 1));
        const deps = { ...server.deps, transactionsInsert: mode };
        const ms = await timed(async () => {
          for (let at = 0; at < candidates.length; at += options.batchLines) await ingestBatch(deps, partnerId, candidates.slice(at, at + options.batchLines), 'BENCH');
        });
        (mode === 'copy' ? samples.insertCopy : samples.unnest).push(options.rows / (ms / 1000));
      }
      log(
        `${round < options.warmups ? `warm-up ${round + 1}` : `round ${round + 1 - options.warmups}`}: raw COPY ${copyBeforeBatch.toFixed(0)}/s, batch ${samples.batch.at(-1)!.toFixed(0)}/s (${ratios.batch.at(-1)!.toFixed(2)}x), ` +
          `raw COPY ${copyBeforeFile.toFixed(0)}/s, file ${samples.file.at(-1)!.toFixed(0)}/s (${ratios.file.at(-1)!.toFixed(2)}x), ` +
          `ingestBatch with unnest ${samples.unnest.at(-1)!.toFixed(0)}/s, with COPY ${samples.insertCopy.at(-1)!.toFixed(0)}/s`,
      );
    }
  } finally {
    await sql`drop table if exists public.bench_raw_copy`;
    await sql.end();
    await server.stop();
  }
  // Each warm-up round added its figures first (two raw COPYs each).
  const counted = (values: number[]) => median(values.slice(options.warmups));
  return {
    rows: options.rows,
    rawCopyPerSecond: median(samples.copy.slice(2 * options.warmups)),
    batchPerSecond: counted(samples.batch),
    filePerSecond: counted(samples.file),
    batchToCopy: counted(ratios.batch),
    fileToCopy: counted(ratios.file),
    insertPerSecond: { unnest: counted(samples.unnest), copy: counted(samples.insertCopy) },
  };
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 200_000);
  const database = await resolveDatabase({ dataDir: resolve(import.meta.dirname, '..', '.data', 'bench-ingest-pg'), port: await freePort() });
  const admin = connect(database.url, { max: 1, application: 'clearhouse-bench-ingest' });
  const name = `clearhouse_bench_ingest_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${name}`);
    const databaseUrl = withDatabase(database.url, name);
    await migrate(databaseUrl);
    console.log(`ingest benchmark: ${rows} rows per path and round, ${database.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`);
    const figures = await benchmarkIngest({ databaseUrl, rows, repeats: 5, warmups: 1, batchLines: 10_000, concurrency: 2, log: (line) => console.log(`  ${line}`) });
    console.log('medians:');
    console.log(`  raw COPY into an identical table   ${figures.rawCopyPerSecond.toFixed(0).padStart(8)} rows/s`);
    console.log(`  batch path (HTTP ndjson → event)   ${figures.batchPerSecond.toFixed(0).padStart(8)} tx/s   ${figures.batchToCopy.toFixed(2)} × raw COPY`);
    console.log(`  file path (HTTP csv → events)      ${figures.filePerSecond.toFixed(0).padStart(8)} tx/s   ${figures.fileToCopy.toFixed(2)} × raw COPY`);
    console.log(`  ingestBatch inserting with unnest  ${figures.insertPerSecond.unnest.toFixed(0).padStart(8)} tx/s`);
    console.log(`  ingestBatch inserting with COPY    ${figures.insertPerSecond.copy.toFixed(0).padStart(8)} tx/s`);
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    await database.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
