import DataLoader from 'dataloader';
import type { Sql } from '@clearhouse/kernel/db/index';
import { deltasByIds, periodsByIds } from '../app/queries.ts';
import { adjustmentsOfPeriods } from '../infra/adjustment-store.ts';
import { periodRecordsByIds } from '../infra/period-records.ts';

export const loaderBatchSizeMax = 500;

export function createLoaders(sql: Sql, nowMs: () => number) {
  const period = new DataLoader(async (ids: readonly string[]) => {
    const byId = await periodsByIds(sql, ids, nowMs());
    return ids.map((id) => byId.get(id) ?? null);
  }, { maxBatchSize: loaderBatchSizeMax });
  return {
    period,
    /** With the lifecycle columns and the frozen statement: for statement, adjustments and ledger fields. */
    periodRecord: new DataLoader(async (ids: readonly string[]) => {
      const byId = await periodRecordsByIds(sql, ids);
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: loaderBatchSizeMax }),
    adjustments: new DataLoader(async (periodIds: readonly string[]) => {
      const byPeriod = await adjustmentsOfPeriods(sql, periodIds);
      return periodIds.map((id) => byPeriod.get(id) ?? []);
    }, { maxBatchSize: loaderBatchSizeMax }),
    /** A delta comes with its period, which primes `period`: resolving an event is one query, not two. */
    delta: new DataLoader(async (ids: readonly string[]) => {
      const byId = await deltasByIds(sql, ids, nowMs());
      return ids.map((id) => {
        const row = byId.get(id);
        if (!row) return null;
        if (row.period) period.prime(row.periodId, row.period);
        return row;
      });
    }, { maxBatchSize: loaderBatchSizeMax }),
  };
}

export type SettlementLoaders = ReturnType<typeof createLoaders>;
