import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { connect, migrate, resolveDatabase, withDatabase } from '@clearhouse/kernel/db/index';

/** Where the benchmarks keep their embedded PostgreSQL between runs (initialising one takes seconds). */
export const benchDataDir = resolve(import.meta.dirname, '..', '..', '.data', 'bench-pg');

export interface BenchServer {
  /** A fresh, migrated database of its own; dropped when the server stops. */
  freshDatabase(label: string): Promise<string>;
  embedded: boolean;
  /** The server's port (for finding its processes when it runs on this machine). */
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** DATABASE_URL when set, else an embedded PostgreSQL on a free loopback port. */
export async function startBenchServer(log: (line: string) => void = () => {}): Promise<BenchServer> {
  const server = await resolveDatabase({ dataDir: benchDataDir, port: await freePort() });
  const admin = connect(server.url, { max: 1, application: 'clearhouse-bench' });
  const created: string[] = [];
  return {
    embedded: server.embedded,
    port: Number(new URL(server.url).port || 5432),
    async freshDatabase(label) {
      const name = `clearhouse_bench_${label.replace(/\W/g, '').toLowerCase().slice(0, 16)}_${process.pid}_${randomBytes(3).toString('hex')}`;
      await admin.unsafe(`create database ${name}`);
      created.push(name);
      const url = withDatabase(server.url, name);
      await migrate(url);
      log(`database ${name} ready`);
      return url;
    },
    async stop() {
      for (const name of created.splice(0)) await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
      await server.stop();
    },
  };
}
