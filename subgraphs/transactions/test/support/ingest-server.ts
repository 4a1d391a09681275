import { randomUUID } from 'node:crypto';
import { type AdapterType, clockStartingAt, systemClock, topics } from '@clearhouse/kernel';
import type { AuthContext, Role } from '@clearhouse/kernel/auth/context';
import { signGatewayRequest } from '@clearhouse/kernel/auth/gateway-signature';
import { appendEvents, connect, postgresExecutor, type Sql } from '@clearhouse/kernel/db/index';
import { gatewayAuthenticator } from '@clearhouse/kernel/graphql/index';
import { freshDatabase } from '../../../../test/support/database.ts';
import { signNdjsonBatch, signStandardWebhook } from '../../src/domain/index.ts';
import { type RunningTransactions, start, type StartOptions } from '../../src/server.ts';

/** Helpers for the *.pg.test.ts files of the ingest endpoints and the poller: a real server on loopback. */
export const gatewaySecret = 'ingest-tests-gateway-secret-0123456789';

export interface TestServer {
  running: RunningTransactions;
  /** A connection of the test's own, for setup and assertions. */
  sql: Sql;
  databaseUrl: string;
  url(path: string): string;
  /** Entries the server logged at level error: an input must never cause one. */
  errors: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startTestServer(label: string, overrides: Partial<StartOptions> & { clockAt?: string } = {}): Promise<TestServer> {
  const databaseUrl = await freshDatabase(label);
  const { clockAt, ...rest } = overrides;
  const errors: Record<string, unknown>[] = [];
  const running = await start({
    log: (entry) => {
      if (entry.level === 'error') errors.push(entry);
    },
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    authenticate: gatewayAuthenticator(gatewaySecret),
    clock: clockAt === undefined ? systemClock : clockStartingAt(clockAt),
    ingest: { gatewaySecrets: gatewaySecret },
    poller: false,
    ...rest,
  });
  const sql = connect(databaseUrl, { max: 4, application: 'ingest-test' });
  return {
    running,
    sql,
    databaseUrl,
    url: (path) => `http://127.0.0.1:${running.port}${path}`,
    errors,
    stop: async () => {
      await running.stop();
      await sql.end();
    },
  };
}

export interface PartnerSetup {
  code: string;
  adapter: AdapterType;
  secrets?: string[];
  games?: string[];
  poll?: { url: string; apiKey: string; intervalSeconds: number };
  createdAt?: string;
}

/** Creates a partner as the partners subgraph would: its events on the bus, drained into the copy. */
export async function createPartner(server: TestServer, setup: PartnerSetup): Promise<string> {
  const partnerId = randomUUID();
  const adapter = {
    type: setup.adapter,
    pollUrl: setup.poll?.url ?? null,
    pollApiKey: setup.poll?.apiKey ?? null,
    pollIntervalSeconds: setup.poll?.intervalSeconds ?? null,
  };
  await server.sql.begin(async (tx) => {
    await appendEvents(postgresExecutor(tx), [
      {
        topic: topics.partnerUpserted,
        partnerId,
        payload: { partnerId, code: setup.code, name: setup.code, kind: 'GAME_PROVIDER', timezone: 'UTC', adapter, createdAt: setup.createdAt ?? new Date().toISOString() },
      },
      {
        topic: topics.gamesRegistered,
        partnerId,
        payload: { partnerId, games: (setup.games ?? []).map((code) => ({ code, name: code, category: 'SLOT', declaredRtp: '96.00' })) },
      },
      { topic: topics.ingestSecretRotated, partnerId, payload: { partnerId, secrets: setup.secrets ?? [] } },
    ]);
  });
  await server.running.drainPartnerEvents();
  return partnerId;
}

export function webhookHeaders(body: string | Buffer, secret: string, options: { id?: string; timestampSeconds?: number } = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestampSeconds = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signStandardWebhook({ id, timestampSeconds, body, secret }),
  };
}

export function batchHeaders(body: string | Buffer, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': 'application/x-ndjson',
    'x-timestamp': String(timestampSeconds),
    'x-signature': signNdjsonBatch({ timestampSeconds, body, secret }),
  };
}

/** What the gateway adds to an upload for a signed-in user: the identity signed over the EMPTY body. */
export function uploaderHeaders(roles: Role[], partnerId: string | null = null): Record<string, string> {
  const identity: AuthContext = { sub: `user-${roles.join('-')}`, roles, partnerId, expiresAtMs: Date.now() + 3_600_000 };
  return { 'content-type': 'text/csv', ...signGatewayRequest(identity, '', gatewaySecret, Date.now()) };
}

export async function post(url: string, body: string | Buffer | ReadableStream<Uint8Array>, headers: Record<string, string>): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(url, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { unparsed: text };
  }
  return { status: response.status, headers: response.headers, json };
}

export interface Footprint {
  stats: Record<string, unknown>;
  stored: number;
  quarantine: number;
  webhook_ids: number;
  events: number;
}

/** Everything rejected input must leave alone: the counters, the stored rows, the quarantine and the bus. */
export async function footprint(sql: Sql, partnerId: string): Promise<Footprint> {
  const [stats] = await sql`select accepted, duplicates, quarantined from transactions.ingest_stats where partner_id = ${partnerId}`;
  const [counts] = await sql`
    select (select count(*) from transactions.transactions where partner_id = ${partnerId})::int as stored,
           (select count(*) from transactions.quarantine where partner_id = ${partnerId})::int as quarantine,
           (select count(*) from transactions.webhook_ids where partner_id = ${partnerId})::int as webhook_ids,
           (select count(*) from bus.events where topic = ${topics.ingestBatch})::int as events`;
  return { stats: { ...stats }, ...(counts as unknown as Omit<Footprint, 'stats'>) };
}

/** How many rows `query` (a count(*)::int as count) found. */
export async function countOf(rows: Promise<readonly Record<string, unknown>[]>): Promise<number> {
  const [row] = await rows;
  return Number(row?.count);
}

export async function quarantineOf(sql: Sql, partnerId: string) {
  return sql`select reason, detail, raw, line, external_id from transactions.quarantine where partner_id = ${partnerId} order by id`;
}
