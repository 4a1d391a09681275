import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTokenVerifier, jwtOptionsFromEnv } from '@clearhouse/kernel/auth/jwt';
import { readServiceEnv, stopOnSignals } from '@clearhouse/kernel/service-env';
import { start } from './server.ts';

const env = readServiceEnv('gateway', 4000);
const jwt = jwtOptionsFromEnv(process.env);
for (const warning of jwt.warnings) env.log({ level: 'warn', msg: warning });
const supergraphPath = process.env.SUPERGRAPH_PATH ?? resolve(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql');
const running = await start({
  port: env.port,
  host: env.host,
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  subgraphUrls: {
    partners: process.env.PARTNERS_URL ?? 'http://127.0.0.1:4001/graphql',
    transactions: process.env.TRANSACTIONS_URL ?? 'http://127.0.0.1:4002/graphql',
    settlements: process.env.SETTLEMENTS_URL ?? 'http://127.0.0.1:4003/graphql',
    fx: process.env.FX_URL ?? 'http://127.0.0.1:4004/graphql',
  },
  ingestBaseUrl: new URL(process.env.TRANSACTIONS_URL ?? 'http://127.0.0.1:4002/graphql').origin,
  signingSecret: env.signingSecret,
  verifyToken: createTokenVerifier(jwt.options),
  databaseUrl: env.databaseUrl,
  production: process.env.NODE_ENV === 'production',
  log: env.log,
});
env.log({ msg: `gateway at ${running.url}` });
stopOnSignals(running.stop);
