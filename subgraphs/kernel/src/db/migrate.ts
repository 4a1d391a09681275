import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../../../migrations/index.ts';

/**
 * Applies every pending migration of migrations/ (all schemas) in one master transaction; with `to`,
 * only those up to that one (a test of a migration's data starts from the schema before it).
 */
export async function migrate(url: string, { to }: { to?: string } = {}): Promise<string[]> {
  const orm = await MikroORM.init({
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', allOrNothing: true, transactional: true, snapshot: false, silent: true },
    debug: false,
  });
  try {
    const applied = await orm.migrator.up(to === undefined ? undefined : { to });
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}
