import { readServiceEnv, stopOnSignals } from '@clearhouse/kernel/service-env';
import { start } from './server.ts';
import { transactionsEnvSettings } from './settings-env.ts';

const env = readServiceEnv('transactions', 4002);
const settings = transactionsEnvSettings();
const running = await start({
  databaseUrl: env.databaseUrl,
  port: env.port,
  host: env.host,
  authenticate: env.authenticate,
  clock: env.clock,
  retentionDays: settings.retentionDays,
  heldRollbackOverdueMs: settings.heldRollbackOverdueMs,
  webhookIdRetentionMs: settings.webhookIdRetentionMs,
  ingest: { rateLimit: settings.rateLimit },
  log: env.log,
});
env.log({ msg: `transactions subgraph at ${running.url}` });
stopOnSignals(running.stop);
