import { adapterTypes, type AdapterType } from '@clearhouse/kernel';
import type { Sql } from '@clearhouse/kernel/db/index';

/** A partner as the ingest paths see it, from this subgraph's copy (transactions.partners). */
export interface IngestPartner {
  partnerId: string;
  code: string;
  /** null when the copy holds a type this build does not know (never ingested through any path). */
  adapterType: AdapterType | null;
  /** Newest first; several during a rotation. */
  secrets: string[];
  createdAt: Date;
  poll: { url: string; apiKey: string; intervalSeconds: number } | null;
}

/** Partner codes longer than this are not looked up at all. */
export const partnerCodeCharsMax = 64;

/** "REST_POLL" as the partners subgraph writes it; the "rest-poll" spelling of the docs is read too. */
export function adapterTypeOf(value: unknown): AdapterType | null {
  if (typeof value !== 'string') return null;
  const normal = value.toUpperCase().replaceAll('-', '_');
  return (adapterTypes as readonly string[]).includes(normal) ? (normal as AdapterType) : null;
}

function toPartner(row: Record<string, unknown>): IngestPartner {
  const adapter = (row.adapter ?? {}) as Record<string, unknown>;
  const adapterType = adapterTypeOf(adapter.type);
  const interval = Number(adapter.pollIntervalSeconds);
  const poll =
    adapterType === 'REST_POLL' && typeof adapter.pollUrl === 'string' && typeof adapter.pollApiKey === 'string'
      ? { url: adapter.pollUrl, apiKey: adapter.pollApiKey, intervalSeconds: Number.isFinite(interval) && interval > 0 ? interval : 60 }
      : null;
  return {
    partnerId: row.partner_id as string,
    code: row.code as string,
    adapterType,
    secrets: (row.secrets as string[] | null) ?? [],
    createdAt: row.created_at as Date,
    poll,
  };
}

export async function findPartnerByCode(sql: Sql, code: string): Promise<IngestPartner | null> {
  if (code.length === 0 || code.length > partnerCodeCharsMax) return null;
  const [row] = await sql`select partner_id, code, adapter, secrets, created_at from transactions.partners where code = ${code}`;
  return row === undefined ? null : toPartner(row);
}

/** Every partner whose adapter is REST_POLL with its poll settings. */
export async function listPollPartners(sql: Sql): Promise<IngestPartner[]> {
  const rows = await sql`
    select partner_id, code, adapter, secrets, created_at from transactions.partners
    where upper(replace(adapter->>'type', '-', '_')) = 'REST_POLL' order by created_at, partner_id`;
  return rows.map(toPartner).filter((partner) => partner.poll !== null);
}
