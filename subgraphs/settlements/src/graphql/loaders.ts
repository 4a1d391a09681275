import DataLoader from 'dataloader';
import type { Sql } from '@clearhouse/kernel/db/index';
import { deltasByIds, periodsByIds } from '../app/queries.ts';

export const loaderBatchSizeMax = 500;

export function createLoaders(sql: Sql, nowMs: () => number) {
  return {
    period: new DataLoader(async (ids: readonly string[]) => {
      const byId = await periodsByIds(sql, ids, nowMs());
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: loaderBatchSizeMax }),
    delta: new DataLoader(async (ids: readonly string[]) => {
      const byId = await deltasByIds(sql, ids);
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: loaderBatchSizeMax }),
  };
}

export type SettlementLoaders = ReturnType<typeof createLoaders>;
