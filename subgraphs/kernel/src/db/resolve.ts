import { resolve } from 'node:path';
import { startEmbeddedPostgres } from './embedded.ts';

export interface ResolvedDatabase {
  /** URL of the server's maintenance database (or of DATABASE_URL as given). */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL whose data stays in `dataDir` between runs. */
export async function resolveDatabase(options: { dataDir: string; port: number; log?: (line: string) => void }): Promise<ResolvedDatabase> {
  const fromEnvironment = process.env.DATABASE_URL;
  if (fromEnvironment) return { url: fromEnvironment, embedded: false, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: resolve(options.dataDir), port: options.port, log: options.log });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
