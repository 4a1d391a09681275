import type { RequestContext } from '@clearhouse/kernel/graphql/index';
import type { Clock } from '@clearhouse/kernel';
import type { Sql } from '@clearhouse/kernel/db/index';
import type { SettlementLoaders } from './loaders.ts';

export interface SettlementsContext extends RequestContext {
  sql: Sql;
  clock: Clock;
  loaders: SettlementLoaders;
}
