import { randomUUID } from 'node:crypto';
import { topics, type BucketDelta, type Topic } from '@clearhouse/kernel';
import { connect, type BusEvent, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../../../../test/support/database.ts';
import { applySettlementEvents } from '../../src/app/apply-events.ts';
import type { Actor } from '../../src/domain/statement/index.ts';

/**
 * A migrated database of its own and the settlements consumer's handler, fed with bus events built
 * here: the use cases run against real PostgreSQL without the other subgraphs.
 */
export const alice: Actor = { id: 'alice', roles: ['FINANCE'] };
export const bob: Actor = { id: 'bob', roles: ['FINANCE'] };
export const olga: Actor = { id: 'olga', roles: ['OPS'] };

export const hourMs = 3_600_000;

export const baseTerms = {
  currency: 'EUR', timezone: 'UTC', cycle: 'MONTHLY', base: 'GGR', deductions: {},
  tiers: [{ upTo: null, rate: '0.10' }], tierMode: 'MARGINAL', overrides: [], negativeCarryover: true,
};

export interface SettlementsDb {
  sql: Sql;
  /** Applies events as the consumer would, in one transaction, at `nowIso`. */
  apply(events: { topic: Topic; payload: unknown }[], nowIso: string): Promise<void>;
  /** A partner with one game and contract terms from 2026-01-01. */
  partner(code: string, terms?: Record<string, unknown>, nowIso?: string): Promise<string>;
  /** One ingest batch: bets and wins of `slot-1` (or the game given) at `occurredAt`, received at `receivedAt`. */
  ingest(partnerId: string, receivedAt: string, deltas: Partial<BucketDelta>[]): Promise<void>;
  setRate(date: string, currency: string, rate: string, nowIso: string): Promise<void>;
  periods(partnerId: string): Promise<Array<{ id: string; start: string; status: string; figures: any; statement: any }>>;
  stop(): Promise<void>;
}

let nextEventId = 1;

export function delta(bucketStart: string, amounts: Partial<BucketDelta> = {}): BucketDelta {
  return {
    gameCode: 'slot-1', currency: 'EUR', bucketStart: new Date(bucketStart).toISOString(),
    cashStake: '0', bonusStake: '0', cashWin: '0', bonusWin: '0', jackpotContribution: '0', jackpotWin: '0',
    transactions: 1, rounds: 1, ...amounts,
  };
}

export async function settlementsDb(label: string): Promise<SettlementsDb> {
  const sql = connect(await freshDatabase(label), { max: 4 });
  const apply: SettlementsDb['apply'] = async (events, nowIso) => {
    const busEvents: BusEvent[] = events.map((event) => ({
      id: nextEventId++, topic: event.topic, partnerId: null, payload: event.payload, createdAt: new Date(nowIso),
    }));
    await sql.begin((tx) => applySettlementEvents(tx, busEvents, Date.parse(nowIso)));
  };
  return {
    sql,
    apply,
    async partner(code, terms = baseTerms, nowIso = '2026-01-01T00:00:00Z') {
      const partnerId = randomUUID();
      await apply([
        { topic: topics.partnerUpserted, payload: { partnerId, code, name: `${code} Games`, timezone: 'UTC' } },
        { topic: topics.gamesRegistered, payload: { partnerId, games: [{ code: 'slot-1', category: 'SLOT' }, { code: 'live-1', category: 'LIVE_CASINO' }] } },
        { topic: topics.contractTermsSet, payload: { partnerId, effectiveFrom: '2026-01-01', terms } },
      ], nowIso);
      return partnerId;
    },
    async ingest(partnerId, receivedAt, deltas) {
      await apply([{ topic: topics.ingestBatch, payload: { partnerId, receivedAt, deltas: deltas.map((entry) => delta(entry.bucketStart!, entry)) } }], receivedAt);
    },
    async setRate(date, currency, rate, nowIso) {
      await apply([{ topic: topics.fxRateSet, payload: { date, currency, rate, source: 'MANUAL' } }], nowIso);
    },
    async periods(partnerId) {
      const rows = await sql`select id, start_at, status, figures, statement from settlements.periods where partner_id = ${partnerId} order by start_at`;
      return rows.map((row) => ({ id: row.id as string, start: (row.start_at as Date).toISOString(), status: row.status as string, figures: row.figures, statement: row.statement }));
    },
    stop: () => sql.end(),
  };
}

/** Awaits a use case that must fail, and returns its error code. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}
