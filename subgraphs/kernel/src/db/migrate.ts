import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../../../migrations/index.ts';

/** Applies every pending migration of migrations/ (all schemas) in one master transaction. */
export async function migrate(url: string): Promise<string[]> {
  const orm = await MikroORM.init({
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', allOrNothing: true, transactional: true, snapshot: false, silent: true },
    debug: false,
  });
  try {
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}
