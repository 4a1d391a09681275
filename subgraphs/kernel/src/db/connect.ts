import { connect as connectTcp, type Socket } from 'node:net';
import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

/**
 * The `postgres` client, used where raw speed or LISTEN/NOTIFY is needed. numeric is returned as a
 * string (the client's default), so an amount never passes through a JavaScript number.
 */
export function connect(url: string, options: { max?: number; application?: string } = {}): Sql {
  const parsed = new URL(url);
  const plainTcp = parsed.hostname !== '' && !parsed.searchParams.has('sslmode') && !parsed.searchParams.has('ssl') && !parsed.searchParams.has('host');
  return postgres(url, {
    // Nagle's algorithm delays the small message that follows a COPY by ~40 ms on loopback; the
    // client offers no option for it, so plain TCP connections are opened here with TCP_NODELAY.
    ...(plainTcp ? { socket: () => noDelaySocket(parsed.hostname.replace(/^\[|\]$/g, ''), Number(parsed.port || 5432)) } : {}),
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.application ?? 'clearhouse' },
    types: {
      // bigint counters fit in a double for any count this product can reach; amounts are numeric.
      bigint: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
  }) as unknown as Sql;
}

/** The URL of `database` on the same server as `url`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function noDelaySocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
