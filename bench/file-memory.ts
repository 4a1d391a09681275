import { randomBytes } from 'node:crypto';
import { systemClock } from '@clearhouse/kernel';
import { connect } from '@clearhouse/kernel/db/index';
import { gatewayAuthenticator } from '@clearhouse/kernel/graphql/index';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import { start } from '../subgraphs/transactions/src/server.ts';
import { generatedStream, sampleMemoryPeak } from '../test/support/generated-stream.ts';
import { createPartner, csvHeader, csvOf, rowOf } from './ingest.ts';

/**
 * Memory of a streamed csv-report upload (issue: "a multi-million-line file imports with bounded
 * memory"): the same upload at two sizes, ten times apart, into a transactions service in this process.
 * The file is generated while it is sent, so the heap holds only what the service keeps of it. The live
 * heap (after a full collection, every half second) is sampled during each upload; its peak growth over
 * the heap before the upload is the figure, and bounded memory means the larger file grows it by about
 * as much as the smaller one, not ten times as much.
 */

export interface FileMemoryFigures {
  sizes: { lines: number; fileMb: number; heapGrowthMb: number; rssGrowthMb: number; linesPerSecond: number }[];
  /** Heap peak growth of the largest upload over that of the smallest. */
  growthRatio: number;
}

const sampleEveryMs = 500;

export async function benchmarkFileMemory(options: { databaseUrl: string; lines: readonly number[]; log?: (line: string) => void }): Promise<FileMemoryFigures> {
  const log = options.log ?? (() => {});
  const gatewaySecret = randomBytes(24).toString('hex');
  const server = await start({
    databaseUrl: options.databaseUrl,
    port: 0,
    authenticate: gatewayAuthenticator(gatewaySecret),
    clock: systemClock,
    ingest: { gatewaySecrets: gatewaySecret, fileBytesMax: 8 * 1024 ** 3 },
    poller: false,
  });
  const sql = connect(options.databaseUrl, { max: 1, application: 'clearhouse-bench-file-memory' });
  const sizes: FileMemoryFigures['sizes'] = [];
  try {
    for (const [at, lines] of options.lines.entries()) {
      const code = `MEM${at}`;
      await createPartner(sql, code, 'CSV_REPORT', []);
      await server.drainPartnerEvents();
      const file = generatedStream(lines, (index) => (index < 0 ? csvHeader : csvOf(rowOf(`m${at}`, index))));
      const memory = sampleMemoryPeak(sampleEveryMs);
      const startedMs = performance.now();
      const identity = { sub: 'bench', roles: ['OPS' as const], partnerId: null, expiresAtMs: Date.now() + 3_600_000 };
      const response = await fetch(`http://127.0.0.1:${server.port}/ingest/${code}/file`, {
        method: 'POST',
        body: file.stream,
        headers: { 'content-type': 'text/csv', ...signGatewayRequest(identity, '', gatewaySecret, Date.now()) },
        duplex: 'half',
      } as RequestInit);
      const answer = (await response.json()) as { accepted?: number };
      const seconds = (performance.now() - startedMs) / 1000;
      const { heapGrowth, rssGrowth } = memory.stop();
      if (response.status !== 200 || answer.accepted !== lines) throw new Error(`file of ${lines} lines: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
      const size = {
        lines, fileMb: file.sent() / 1e6, heapGrowthMb: heapGrowth / 1e6, rssGrowthMb: rssGrowth / 1e6, linesPerSecond: lines / seconds,
      };
      sizes.push(size);
      log(`${lines} lines, ${size.fileMb.toFixed(1)} MB file: live heap peak +${size.heapGrowthMb.toFixed(1)} MB, RSS peak +${size.rssGrowthMb.toFixed(1)} MB, ${size.linesPerSecond.toFixed(0)} lines/s`);
    }
  } finally {
    await sql.end();
    await server.stop();
  }
  return { sizes, growthRatio: sizes.at(-1)!.heapGrowthMb / sizes[0]!.heapGrowthMb };
}
