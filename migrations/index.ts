import { Migration0001Initial } from './Migration0001Initial.ts';
import { Migration0002Ingest } from './Migration0002Ingest.ts';
import { Migration0003Security } from './Migration0003Security.ts';
import { Migration0003Settlements } from './Migration0003Settlements.ts';
import { Migration0004Fx } from './Migration0004Fx.ts';
import { Migration0005Rounds } from './Migration0005Rounds.ts';
import { Migration0006WebhookIds } from './Migration0006WebhookIds.ts';

/** Every migration, in order. Listed explicitly so no file discovery depends on the runtime (tsx, vitest). */
export const migrationsList = [
  { name: 'Migration0001Initial', class: Migration0001Initial },
  { name: 'Migration0002Ingest', class: Migration0002Ingest },
  { name: 'Migration0003Security', class: Migration0003Security },
  { name: 'Migration0003Settlements', class: Migration0003Settlements },
  { name: 'Migration0004Fx', class: Migration0004Fx },
  { name: 'Migration0005Rounds', class: Migration0005Rounds },
  { name: 'Migration0006WebhookIds', class: Migration0006WebhookIds },
];
