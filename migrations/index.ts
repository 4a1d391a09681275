import { Migration0001Initial } from './Migration0001Initial.ts';
import { Migration0002Ingest } from './Migration0002Ingest.ts';

/** Every migration, in order. Listed explicitly so no file discovery depends on the runtime (tsx, vitest). */
export const migrationsList = [
  { name: 'Migration0001Initial', class: Migration0001Initial },
  { name: 'Migration0002Ingest', class: Migration0002Ingest },
];
