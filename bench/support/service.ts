/**
 * Child-process entry for the benchmarks: starts one service named by BENCH_SERVICE (JSON), reports
 * `{ type: 'ready', info }` over IPC, answers `{ type: 'call', id, method, args }` messages, and stops
 * cleanly on `{ type: 'stop' }` or SIGTERM. Each service runs in its own process, as `npm start` does,
 * so the load generator in the parent never shares an event loop with what it measures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clockStartingAt } from '@clearhouse/kernel';
import { createTokenVerifier } from '@clearhouse/kernel/auth/jwt';
import { gatewayAuthenticator } from '@clearhouse/kernel/graphql/index';
import { benchJwtSecret, benchSigningSecret, type ServiceSpec } from './config.ts';

type Calls = Record<string, (...args: any[]) => unknown>;

interface Started {
  info: Record<string, unknown>;
  calls?: Calls;
  stop(): Promise<void>;
}

const log = (entry: Record<string, unknown>) => {
  if (entry.level === 'error') process.stderr.write(`${JSON.stringify(entry)}\n`);
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

async function startService(spec: ServiceSpec): Promise<Started> {
  const authenticate = gatewayAuthenticator(benchSigningSecret);
  const clock = clockStartingAt(undefined);
  switch (spec.kind) {
    case 'partners': {
      const { start } = await import('@clearhouse/partners');
      const running = await start({ databaseUrl: spec.databaseUrl, port: 0, authenticate, log });
      return { info: { url: running.url }, stop: running.stop };
    }
    case 'fx': {
      const { start } = await import('@clearhouse/fx');
      const running = await start({ databaseUrl: spec.databaseUrl, port: 0, authenticate, log });
      return { info: { url: running.url }, stop: running.stop };
    }
    case 'transactions': {
      const { start } = await import('@clearhouse/transactions');
      const running = await start({
        databaseUrl: spec.databaseUrl,
        port: 0,
        authenticate,
        clock,
        log,
        poller: false,
        // The benchmarks push far more than one provider's guard allows: the limiter is not what is measured.
        ingest: { gatewaySecrets: benchSigningSecret, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } },
      });
      return { info: { url: running.url }, calls: { drain: () => running.drainPartnerEvents() }, stop: running.stop };
    }
    case 'settlements': {
      const { start } = await import('@clearhouse/settlements');
      const running = await start({ databaseUrl: spec.databaseUrl, port: 0, authenticate, clock, log });
      return { info: { url: running.url }, calls: { drain: () => running.drain() }, stop: running.stop };
    }
    case 'gateway': {
      const { start } = await import('@clearhouse/gateway');
      const running = await start({
        port: 0,
        supergraphSdl: spec.supergraphSdl,
        subgraphUrls: spec.subgraphUrls,
        ingestBaseUrl: new URL(spec.subgraphUrls.transactions!).origin,
        signingSecret: benchSigningSecret,
        verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: benchJwtSecret } }),
        databaseUrl: spec.databaseUrl,
        production: true,
        // The per-user request limiter is a guard, not what is measured (Hive Gateway runs without one).
        rateLimit: null,
        log,
      });
      return { info: { url: running.url, port: running.port }, calls: { subscribers: () => running.hub.subscriberCount }, stop: running.stop };
    }
    case 'hive': {
      const { startHiveGateway } = await import('./hive.ts');
      const handler = await startHiveGateway(spec.supergraphSdl, spec.subgraphUrls, { deduplicate: spec.deduplicate });
      const server = createServer(handler.requestListener);
      const port = await listen(server);
      return {
        info: { url: `http://127.0.0.1:${port}/graphql`, port },
        stop: async () => {
          server.closeAllConnections();
          await new Promise<void>((done) => server.close(() => done()));
          await handler.dispose();
        },
      };
    }
    case 'bare-ws': {
      const { startBareServer } = await import('./bare-ws.ts');
      const server = createServer((_request, response) => void response.writeHead(404).end());
      const bare = startBareServer(server);
      const port = await listen(server);
      return {
        info: { url: `ws://127.0.0.1:${port}/graphql`, port },
        calls: { push: (count: number) => bare.push(count), subscribers: () => bare.subscriberCount },
        stop: async () => {
          await bare.close();
          server.closeAllConnections();
          await new Promise<void>((done) => server.close(() => done()));
        },
      };
    }
  }
}

const spec = JSON.parse(process.env.BENCH_SERVICE ?? 'null') as ServiceSpec | null;
if (!spec || !process.send) throw new Error('bench service: run through bench/support/processes.ts');
const started = await startService(spec);
let stopping: Promise<void> | null = null;
const stop = () => {
  stopping ??= started.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${spec.kind} stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
  return stopping;
};
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
process.on('message', (message: { type: string; id?: number; method?: string; args?: unknown[] }) => {
  if (message.type === 'stop') return void stop();
  if (message.type !== 'call') return;
  const call = started.calls?.[message.method!];
  Promise.resolve()
    .then(() => {
      if (!call) throw new Error(`${spec.kind} has no call ${message.method}`);
      return call(...(message.args ?? []));
    })
    .then(
      (value) => process.send!({ type: 'reply', id: message.id, value }),
      (error: unknown) => process.send!({ type: 'reply', id: message.id, error: String(error) }),
    );
});
process.send({ type: 'ready', info: started.info });
