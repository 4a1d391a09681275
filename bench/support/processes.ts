import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serviceNodeFlags } from '@clearhouse/kernel/service-env';
import { subgraphNames, supergraphSdl, type ServiceSpec, type SubgraphName } from './config.ts';

const serviceEntry = resolve(import.meta.dirname, 'service.ts');
export const serviceStartMsMax = 90_000;
const serviceStopMsMax = 15_000;
const profileDir = resolve(import.meta.dirname, '..', '..', '.data', 'bench-profiles');

export interface ServiceProcess<Info = Record<string, unknown>> {
  kind: ServiceSpec['kind'];
  info: Info;
  pid: number;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Starts one service in a child process (bench/support/service.ts) and waits until it listens. */
export async function startService<Info = Record<string, unknown>>(spec: ServiceSpec): Promise<ServiceProcess<Info>> {
  // BENCH_PROFILE=gateway,hive,… writes a V8 CPU profile of those services to .data/bench-profiles/.
  const profiled = (process.env.BENCH_PROFILE ?? '').split(',').includes(spec.kind);
  const child: ChildProcess = fork(serviceEntry, [], {
    execArgv: [...serviceNodeFlags, '--import', 'tsx', ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    env: { ...process.env, BENCH_SERVICE: JSON.stringify(spec), NODE_ENV: 'production', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const info = await new Promise<Info>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${spec.kind} did not start within ${serviceStartMsMax / 1000} s`)), serviceStartMsMax);
    child.once('exit', (code, signal) => fail(new Error(`${spec.kind} exited while starting (${signal ?? `code ${code}`})`)));
    child.on('message', (message: { type: string; id?: number; info?: Info; value?: unknown; error?: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        done(message.info!);
      } else if (message.type === 'reply') {
        const pending = replies.get(message.id!);
        replies.delete(message.id!);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.value);
      }
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    for (const pending of replies.values()) pending.reject(new Error(`${spec.kind} exited`));
    replies.clear();
  });
  return {
    kind: spec.kind,
    info,
    pid: child.pid!,
    call: <T>(method: string, ...args: unknown[]) =>
      new Promise<T>((done, fail) => {
        const id = nextId++;
        replies.set(id, { resolve: done as (value: unknown) => void, reject: fail });
        child.send({ type: 'call', id, method, args });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), serviceStopMsMax);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Subgraphs {
  urls: Record<SubgraphName, string>;
  processes: Record<SubgraphName, ServiceProcess<{ url: string }>>;
  stop(): Promise<void>;
}

/** The four subgraphs, each in its own process, against one database. */
export async function startSubgraphs(databaseUrl: string): Promise<Subgraphs> {
  const started = await Promise.allSettled(subgraphNames.map((kind) => startService<{ url: string }>({ kind, databaseUrl })));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((service) => service.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  const processes = Object.fromEntries(running.map((service) => [service.kind, service])) as Subgraphs['processes'];
  return {
    urls: Object.fromEntries(running.map((service) => [service.kind, service.info.url])) as Record<SubgraphName, string>,
    processes,
    stop: async () => void (await Promise.all(running.map((service) => service.stop()))),
  };
}

/** Our gateway (gateway/src/server.ts) in its own process, in front of `subgraphs`. */
export function startOurGateway(databaseUrl: string, subgraphs: Subgraphs) {
  return startService<{ url: string; port: number }>({ kind: 'gateway', databaseUrl, supergraphSdl: supergraphSdl(), subgraphUrls: subgraphs.urls });
}

/** Hive Gateway with its router runtime, in its own process, in front of the same subgraphs. */
export function startHiveGateway(subgraphs: Subgraphs, options: { deduplicate: boolean } = { deduplicate: false }) {
  return startService<{ url: string; port: number }>({ kind: 'hive', supergraphSdl: supergraphSdl(), subgraphUrls: subgraphs.urls, deduplicate: options.deduplicate });
}

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is not available. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return Number.NaN;
  }
}
const clockTicksPerSecond = 100;

/** Stops what was started, newest first, even when some stop fails. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`cleanup: ${String(error)}\n`);
      }
    }
  }
}

/** Processes of the PostgreSQL server listening on `port` (the postmaster and its backends), by /proc. */
export function postgresPids(port: number): number[] {
  try {
    const entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    const postmaster = entries.find((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args[0]?.endsWith('/postgres') && args.includes('-p') && args[args.indexOf('-p') + 1] === String(port);
      } catch {
        return false;
      }
    });
    if (!postmaster) return [];
    const children = entries.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === postmaster;
      } catch {
        return false;
      }
    });
    return [Number(postmaster), ...children.map(Number)];
  } catch {
    return [];
  }
}

/** CPU used by each named process group between two calls: `const stop = cpuWindow(groups); …; stop()`. */
export function cpuWindow(groups: Record<string, () => number[]>): () => Record<string, number> {
  const startedAt = performance.now();
  const before = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) before.set(name, new Map(pids().map((pid) => [pid, cpuMsOf(pid)])));
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const cores: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) {
      let ms = 0;
      // Processes that started during the window (PostgreSQL backends) count from zero.
      for (const pid of pids()) {
        const now = cpuMsOf(pid);
        if (Number.isFinite(now)) ms += now - (before.get(name)!.get(pid) ?? 0);
      }
      cores[name] = ms / 1000 / seconds;
    }
    return cores;
  };
}

/** Process groups of a running system, for cpuWindow: each service, PostgreSQL, and this process. */
export function systemCpuGroups(services: ServiceProcess<unknown>[], postgresPort: number): Record<string, () => number[]> {
  const groups: Record<string, () => number[]> = {};
  for (const service of services) groups[service.kind] = () => [service.pid];
  groups.postgres = () => postgresPids(postgresPort);
  groups['bench (clients)'] = () => [process.pid];
  return groups;
}

export function formatCores(cores: Record<string, number>): string {
  return Object.entries(cores).map(([name, value]) => `${name} ${value.toFixed(2)}`).join(', ');
}
