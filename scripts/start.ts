import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { issueDevToken, jwtOptionsFromEnv } from '@clearhouse/kernel/auth/jwt';
import { connect, migrate, resolveDatabase, withDatabase } from '@clearhouse/kernel/db/index';
import { devSigningSecret, serviceNodeFlags } from '@clearhouse/kernel/service-env';
import { loadDemoData, startDemoFeed } from './demo.ts';

/**
 * `npm start`: PostgreSQL (DATABASE_URL, or an embedded one with its data in .data/pg), migrations, the
 * four subgraphs and the gateway as separate processes, demo data and a demo feed. Ctrl-C stops all.
 */
const root = resolve(import.meta.dirname, '..');
const gatewayPort = Number(process.env.PORT ?? 4000);
const services = [
  { name: 'partners', entry: 'subgraphs/partners/src/main.ts', port: 4001 },
  { name: 'transactions', entry: 'subgraphs/transactions/src/main.ts', port: 4002 },
  { name: 'settlements', entry: 'subgraphs/settlements/src/main.ts', port: 4003 },
  { name: 'fx', entry: 'subgraphs/fx/src/main.ts', port: 4004 },
  { name: 'gateway', entry: 'gateway/src/main.ts', port: gatewayPort },
];
const healthWaitMs = 60_000;

function say(line: string): void {
  process.stdout.write(`[clearhouse] ${line}\n`);
}

async function databaseUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  const database = await resolveDatabase({ dataDir: resolve(root, '.data/pg'), port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) });
  if (!database.embedded) return database;
  const admin = connect(database.url, { max: 1 });
  const [exists] = await admin`select 1 from pg_database where datname = 'clearhouse'`;
  if (!exists) await admin.unsafe('create database clearhouse');
  await admin.end();
  return { url: withDatabase(database.url, 'clearhouse'), stop: database.stop };
}

async function waitHealthy(port: number, name: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + healthWaitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${name} did not become healthy within ${healthWaitMs / 1000} s`);
}

const database = await databaseUrl();
say(`PostgreSQL: ${database.url.replace(/:[^:@/]+@/, ':***@')}`);
const applied = await migrate(database.url);
say(applied.length > 0 ? `migrations applied: ${applied.join(', ')}` : 'migrations: up to date');

const signingSecret = process.env.SUBGRAPH_SIGNING_SECRET ?? (process.env.NODE_ENV === 'production' ? randomBytes(32).toString('hex') : devSigningSecret);
const children = new Map<string, ChildProcess>();
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all([...children.values()].map((child) => (child.exitCode === null ? new Promise((done) => child.once('exit', done)) : null)));
  await database.stop();
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
// Whatever ends the launcher ends its children: none may outlive the database it started.
process.on('exit', () => {
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
});
process.on('uncaughtException', (error) => {
  say(`launcher failed: ${error.stack ?? error}`);
  void stopAll(1);
});

for (const service of services) {
  const child = spawn(process.execPath, [...serviceNodeFlags, '--import', 'tsx', resolve(root, service.entry)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(service.port),
      SUBGRAPH_SIGNING_SECRET: signingSecret,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });
  children.set(service.name, child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${service.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the rest`);
    void stopAll(1);
  });
  try {
    await waitHealthy(service.port, service.name, child);
  } catch (error) {
    say(String((error as Error).message));
    await stopAll(1);
  }
  say(`${service.name} is up on port ${service.port}`);
}

const jwt = jwtOptionsFromEnv(process.env);
const secret = jwt.options.key.kind === 'secret' ? jwt.options.key.secret : null;
const graphqlUrl = `http://localhost:${gatewayPort}/graphql`;
if (secret && process.env.CLEARHOUSE_DEMO !== 'off') {
  const admin = await issueDevToken({ sub: 'demo-admin', roles: ['ADMIN'], ttlSeconds: 86_400 }, secret);
  const finance = await issueDevToken({ sub: 'demo-finance', roles: ['FINANCE'], ttlSeconds: 86_400 }, secret);
  try {
    const demo = await loadDemoData(graphqlUrl, admin, finance);
    startDemoFeed(graphqlUrl, admin, demo, (line) => say(line));
  } catch (error) {
    say(`demo data could not be loaded (the services keep running): ${(error as Error).message}`);
  }
  say(`GraphQL (HTTP and WebSocket): ${graphqlUrl}`);
  say(`Dashboard: http://localhost:${gatewayPort}/`);
  say(`A FINANCE token for the dashboard and curl (24 h):\n${finance}`);
} else {
  say(`GraphQL (HTTP and WebSocket): ${graphqlUrl}`);
  say(`Dashboard: http://localhost:${gatewayPort}/`);
}
say('Ctrl-C stops everything.');
