import { heldRollbackOverdueMsDefault } from './app/queries.ts';
import { webhookIdRetentionMsDefault } from './app/webhook-ingest.ts';
import { retentionDaysDefault } from './domain/index.ts';
import { ingestHttpDefaults } from './infra/http/context.ts';
import type { RateLimit } from './infra/http/rate-limit.ts';

const hourMs = 3_600_000;
const dayMs = 86_400_000;

/** The transactions service's own settings from the environment (README, Configuration). */
export interface TransactionsEnvSettings {
  retentionDays: number;
  heldRollbackOverdueMs: number;
  webhookIdRetentionMs: number;
  rateLimit: RateLimit;
}

function numberOf(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, what: string): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be ${what}, at least ${min} (got ${JSON.stringify(text)})`);
  return value;
}

export function transactionsEnvSettings(env: NodeJS.ProcessEnv = process.env): TransactionsEnvSettings {
  return {
    retentionDays: numberOf(env, 'RETENTION_DAYS', retentionDaysDefault, 1, 'a number of days'),
    heldRollbackOverdueMs: numberOf(env, 'HELD_ROLLBACK_OVERDUE_HOURS', heldRollbackOverdueMsDefault / hourMs, 0, 'a number of hours') * hourMs,
    webhookIdRetentionMs: numberOf(env, 'WEBHOOK_ID_RETENTION_DAYS', webhookIdRetentionMsDefault / dayMs, 1, 'a number of days') * dayMs,
    rateLimit: {
      burst: numberOf(env, 'INGEST_RATE_BURST', ingestHttpDefaults.rateLimit.burst, 1, 'a number of requests'),
      perSecond: numberOf(env, 'INGEST_RATE_PER_SECOND', ingestHttpDefaults.rateLimit.perSecond, 0.001, 'requests per second'),
    },
  };
}
