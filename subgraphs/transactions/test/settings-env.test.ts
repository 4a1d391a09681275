import { describe, expect, it } from 'vitest';
import { transactionsEnvSettings } from '../src/settings-env.ts';

describe("the transactions service's settings from the environment", () => {
  it('has the documented defaults when nothing is set', () => {
    expect(transactionsEnvSettings({})).toEqual({
      retentionDays: 400, heldRollbackOverdueMs: 4 * 3_600_000, webhookIdRetentionMs: 30 * 86_400_000, rateLimit: { burst: 1_000, perSecond: 500 },
    });
  });

  it('reads every variable', () => {
    const settings = transactionsEnvSettings({
      RETENTION_DAYS: '90', HELD_ROLLBACK_OVERDUE_HOURS: '0.5', WEBHOOK_ID_RETENTION_DAYS: '7', INGEST_RATE_BURST: '50', INGEST_RATE_PER_SECOND: '2.5',
    });
    expect(settings).toEqual({ retentionDays: 90, heldRollbackOverdueMs: 1_800_000, webhookIdRetentionMs: 7 * 86_400_000, rateLimit: { burst: 50, perSecond: 2.5 } });
  });

  it('refuses a value that is not a number or is below its least, naming the variable', () => {
    expect(() => transactionsEnvSettings({ INGEST_RATE_PER_SECOND: 'fast' })).toThrow('INGEST_RATE_PER_SECOND must be requests per second');
    expect(() => transactionsEnvSettings({ INGEST_RATE_BURST: '0' })).toThrow('INGEST_RATE_BURST must be a number of requests, at least 1 (got "0")');
    expect(() => transactionsEnvSettings({ WEBHOOK_ID_RETENTION_DAYS: '0' })).toThrow('WEBHOOK_ID_RETENTION_DAYS');
    expect(() => transactionsEnvSettings({ RETENTION_DAYS: 'Infinity' })).toThrow('RETENTION_DAYS');
    expect(() => transactionsEnvSettings({ HELD_ROLLBACK_OVERDUE_HOURS: '-1' })).toThrow('HELD_ROLLBACK_OVERDUE_HOURS');
  });
});
