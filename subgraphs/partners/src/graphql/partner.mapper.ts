import type { InferEntity } from '@mikro-orm/core';
import type { PartnerEntity } from '../infra/entities.ts';
import type { Partner } from './partner.type.ts';

export function toPartner(row: InferEntity<typeof PartnerEntity>): Partner {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    timezone: row.timezone,
    adapter: { type: row.adapterType, pollUrl: row.pollUrl ?? null, pollIntervalSeconds: row.pollIntervalSeconds ?? null },
    createdAt: row.createdAt,
  } as Partner;
}
