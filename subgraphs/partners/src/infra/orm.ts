import { MikroORM } from '@mikro-orm/postgresql';
import { partnerEntities } from './entities.ts';

export async function createOrm(databaseUrl: string, poolMax: number): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: partnerEntities,
    schema: 'partners',
    pool: { min: 0, max: poolMax },
    allowGlobalContext: false,
    debug: false,
  });
}
