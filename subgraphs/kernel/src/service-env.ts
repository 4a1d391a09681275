import { pino } from 'pino';
import { clockStartingAt, type Clock } from './clock.ts';
import { gatewayAuthenticator, type Authenticate } from './graphql/authenticate.ts';

export interface ServiceEnv {
  databaseUrl: string;
  port: number;
  host: string;
  signingSecret: string;
  clock: Clock;
  authenticate: Authenticate;
  log: (entry: Record<string, unknown>) => void;
}

/**
 * V8 flags every service runs with (npm start, docker-compose.yml, npm run bench). A young generation
 * of 64 MB semi-spaces instead of V8's 16 MB: ingest makes a few short-lived objects per record, and a
 * 10,000-record chunk outgrew the default between two scavenges, so much of it was copied and promoted
 * only to die in the old generation. Measured with bench/ingest.ts: 60-65,000 tx/s on the batch path
 * before, 69-80,000 after; the cost is up to 128 MB more of reserved heap per process.
 */
export const serviceNodeFlags = ['--max-semi-space-size=64'] as const;

export const devSigningSecret = 'dev-subgraph-signing-secret-change-me';

/** What every service's main.ts reads from the environment (and nothing else does). */
export function readServiceEnv(name: string, defaultPort: number, env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error(`${name}: DATABASE_URL is required (npm start sets it for every service)`);
  const signingSecret = env.SUBGRAPH_SIGNING_SECRET ?? (env.NODE_ENV === 'production' ? '' : devSigningSecret);
  if (!signingSecret) throw new Error(`${name}: SUBGRAPH_SIGNING_SECRET is required in production`);
  const logger = pino({ name, level: env.LOG_LEVEL ?? 'info' });
  return {
    databaseUrl,
    port: Number(env.PORT ?? defaultPort),
    host: env.HOST ?? '127.0.0.1',
    signingSecret,
    clock: clockStartingAt(env.CLEARHOUSE_CLOCK_AT),
    authenticate: gatewayAuthenticator(signingSecret),
    log: (entry) => {
      const { level, msg, ...rest } = entry as { level?: string; msg?: string };
      (level === 'error' ? logger.error.bind(logger) : logger.info.bind(logger))(rest, msg ?? '');
    },
  };
}

/** Stops `stop` on SIGINT/SIGTERM, then exits. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
