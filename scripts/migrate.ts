import { migrate } from '@clearhouse/kernel/db/index';

/** `npx tsx scripts/migrate.ts`: applies pending migrations to DATABASE_URL (docker-compose's migrate step). */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const applied = await migrate(url);
console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'up to date');
