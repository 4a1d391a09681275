import { defineEntity, p } from '@mikro-orm/core';

export const PartnerEntity = defineEntity({
  name: 'Partner',
  tableName: 'partners',
  schema: 'partners',
  properties: {
    id: p.string().primary().columnType('uuid'),
    code: p.string().unique(),
    name: p.string(),
    kind: p.string(),
    timezone: p.string(),
    adapterType: p.string(),
    pollUrl: p.string().nullable(),
    pollApiKey: p.string().nullable().hidden(),
    pollIntervalSeconds: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const GameEntity = defineEntity({
  name: 'Game',
  tableName: 'games',
  schema: 'partners',
  properties: {
    partnerId: p.string().primary().columnType('uuid'),
    code: p.string().primary(),
    name: p.string(),
    category: p.string(),
    // numeric mapped to a string: a declared RTP never passes through a JavaScript number.
    declaredRtp: p.decimal('string'),
  },
});

export const ContractVersionEntity = defineEntity({
  name: 'ContractVersion',
  tableName: 'contract_versions',
  schema: 'partners',
  properties: {
    id: p.string().primary().columnType('uuid'),
    partnerId: p.string().columnType('uuid'),
    effectiveFrom: p.string().columnType('date'),
    terms: p.json<unknown>(),
    createdBy: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const partnerEntities = [PartnerEntity, GameEntity, ContractVersionEntity];
