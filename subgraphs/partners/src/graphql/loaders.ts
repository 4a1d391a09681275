import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ContractVersionEntity, GameEntity, PartnerEntity } from '../infra/entities.ts';

export const loaderBatchSizeMax = 500;

export function createLoaders(em: EntityManager) {
  return {
    partner: new DataLoader(async (ids: readonly string[]) => {
      const rows = await em.find(PartnerEntity, { id: { $in: [...ids] } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }, { maxBatchSize: loaderBatchSizeMax }),
    games: new DataLoader(async (partnerIds: readonly string[]) => {
      const rows = await em.find(GameEntity, { partnerId: { $in: [...partnerIds] } }, { orderBy: { code: 'asc' } });
      return partnerIds.map((id) => rows.filter((row) => row.partnerId === id));
    }, { maxBatchSize: loaderBatchSizeMax }),
    contracts: new DataLoader(async (partnerIds: readonly string[]) => {
      const rows = await em.find(ContractVersionEntity, { partnerId: { $in: [...partnerIds] } }, { orderBy: { effectiveFrom: 'asc' } });
      return partnerIds.map((id) => rows.filter((row) => row.partnerId === id));
    }, { maxBatchSize: loaderBatchSizeMax }),
  };
}

export type PartnerLoaders = ReturnType<typeof createLoaders>;
