import { readServiceEnv, stopOnSignals } from '@clearhouse/kernel/service-env';
import { start } from './server.ts';

const env = readServiceEnv('transactions', 4002);
const webhookIdRetentionDays = Number(process.env.WEBHOOK_ID_RETENTION_DAYS ?? 30);
if (!(webhookIdRetentionDays >= 1)) throw new Error(`WEBHOOK_ID_RETENTION_DAYS must be a number of days, at least 1 (got ${process.env.WEBHOOK_ID_RETENTION_DAYS})`);
const running = await start({
  databaseUrl: env.databaseUrl,
  port: env.port,
  host: env.host,
  authenticate: env.authenticate,
  clock: env.clock,
  retentionDays: Number(process.env.RETENTION_DAYS ?? 400),
  heldRollbackOverdueMs: Number(process.env.HELD_ROLLBACK_OVERDUE_HOURS ?? 4) * 3600_000,
  webhookIdRetentionMs: webhookIdRetentionDays * 86_400_000,
  log: env.log,
});
env.log({ msg: `transactions subgraph at ${running.url}` });
stopOnSignals(running.stop);
