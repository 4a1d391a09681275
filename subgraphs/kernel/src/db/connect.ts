import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

/**
 * The `postgres` client, used where raw speed or LISTEN/NOTIFY is needed. numeric is returned as a
 * string (the client's default), so an amount never passes through a JavaScript number.
 */
export function connect(url: string, options: { max?: number; application?: string } = {}): Sql {
  return postgres(url, {
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
