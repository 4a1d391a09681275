import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect, migrate, resolveDatabase, withDatabase } from '@clearhouse/kernel/db/index';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database that test files copy (CREATE DATABASE … TEMPLATE) for isolation. */
    templateDatabaseUrl: string;
    /** The server's maintenance database (DATABASE_URL as given, or the embedded server's). */
    adminDatabaseUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, else an embedded one with its own data
 * folder and port, so several runs on one machine never share a server. A template database is
 * migrated once; each test file that needs PostgreSQL clones it, so files never see each other's rows.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), 'clearhouse-test-pg-'));
  const database = await resolveDatabase({ dataDir: dataDir ?? '', port: await freePort() });
  const admin = connect(database.url, { max: 1, application: 'clearhouse-test-setup' });
  const templateName = `clearhouse_template_${process.pid}`;
  await admin.unsafe(`drop database if exists ${templateName}`);
  await admin.unsafe(`create database ${templateName}`);
  const templateUrl = withDatabase(database.url, templateName);
  await migrate(templateUrl);
  project.provide('templateDatabaseUrl', templateUrl);
  project.provide('adminDatabaseUrl', database.url);
  return async () => {
    const leftovers = await admin`select datname from pg_database where datname like ${`clearhouse_t%_${process.pid}`}`;
    for (const row of leftovers) await admin.unsafe(`drop database if exists ${row.datname} with (force)`);
    await admin.end();
    await database.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
