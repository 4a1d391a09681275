import { randomUUID } from 'node:crypto';
import { Decimal, type FxTable } from '@clearhouse/kernel';
import { canonicalJson } from '@clearhouse/kernel/auth/audit-chain';
import type { TransactionSql } from '@clearhouse/kernel/db/index';
import type { GameCategory } from '@clearhouse/kernel/terms/index';
import { periodsOfBuckets, rateChain, type RatedPeriod } from '../domain/chain.ts';
import { periodContaining, type ContractVersion } from '../domain/periods.ts';
import { adjustmentsOfPartner, attachWaitingAdjustments, type AdjustmentRecord } from '../infra/adjustment-store.ts';
import { pushDelta } from '../infra/delta-store.ts';
import { isFrozen, loadPeriodRecords, lockPartner, type PeriodRecord } from '../infra/period-records.ts';
import { countArrivalRounds } from '../infra/rounds-store.ts';
import { addToBuckets, loadBuckets, loadCategories, loadVersions } from '../infra/store.ts';
import { proposeFxCorrections, rerateProvisionalStatements, type FixingCorrection } from './fx-corrections.ts';
import { routeArrivals, type Arrival } from './late-data.ts';
import { pendingCount, ratingAdjustments } from './rate-period.ts';
import { periodStateOf } from './period-state.ts';

/** What one consumer batch (or one use case) asks of a partner's settlement. */
export interface PartnerWork {
  /** Earliest instant whose period must be re-rated: +Infinity for none, null for every open period. */
  fromMs: number | null;
  arrivals: Arrival[];
  /** A fixing was set or corrected: provisional closed statements may complete. */
  fxChanged: boolean;
}

export interface SettleContext {
  fx: FxTable;
  nowMs: number;
  /** Fixings whose stored rate this batch changed. */
  corrections: readonly FixingCorrection[];
}

export function emptyWork(): PartnerWork {
  return { fromMs: Number.POSITIVE_INFINITY, arrivals: [], fxChanged: false };
}

/** The data of one partner that a settlement pass reads once, under the partner's lock. */
export interface PartnerSnapshot {
  partnerId: string;
  versions: ContractVersion[];
  records: PeriodRecord[];
  adjustments: Map<string, AdjustmentRecord[]>;
  gameCategories: Map<string, GameCategory>;
}

/**
 * One partner's part of a batch: counts the rounds its ingest batches name, routes late data, adds the
 * deltas to the buckets, re-rates every period from the earliest affected one that is not frozen, and
 * writes a delta for each period whose figures changed. A frozen (CLOSED, APPROVED, PAID) period is never re-rated here; only a closed
 * statement that is still provisional (FX-pending) is completed when its rates arrive, and an FX
 * correction of a frozen statement becomes a PENDING adjustment of the first open period.
 */
export async function settlePartner(tx: TransactionSql, partnerId: string, work: PartnerWork, context: SettleContext): Promise<void> {
  await lockPartner(tx, partnerId);
  const snapshot: PartnerSnapshot = {
    partnerId,
    versions: await loadVersions(tx, partnerId),
    records: await loadPeriodRecords(tx, partnerId),
    adjustments: await adjustmentsOfPartner(tx, partnerId),
    gameCategories: await loadCategories(tx, partnerId),
  };
  const states = snapshot.versions.length === 0 ? [] : snapshot.records.map((record) => periodStateOf(record, snapshot.versions, pendingCount(snapshot.adjustments.get(record.id))));
  const arrivals = await countArrivalRounds(tx, partnerId, work.arrivals);
  const applied = await routeArrivals(tx, partnerId, arrivals, states);
  await addToBuckets(tx, partnerId, applied);
  const transactionsByBucketMs = new Map<number, number>();
  let fromMs = work.fromMs;
  for (const delta of applied) {
    const startMs = Date.parse(delta.bucketStart);
    transactionsByBucketMs.set(startMs, (transactionsByBucketMs.get(startMs) ?? 0) + delta.transactions);
    if (fromMs !== null) fromMs = Math.min(fromMs, startMs);
  }
  if (snapshot.versions.length === 0) return;

  const completed = work.fxChanged ? await rerateProvisionalStatements(tx, snapshot, context) : new Set<string>();
  if (completed.size > 0) snapshot.records = await loadPeriodRecords(tx, partnerId);
  await rerateOpenPeriods(tx, snapshot, fromMs, transactionsByBucketMs, context.nowMs, context.fx);
  if (context.corrections.length === 0) return;
  // Re-read: the pass above may have opened the period a correction belongs in.
  snapshot.records = await loadPeriodRecords(tx, partnerId);
  await proposeFxCorrections(tx, snapshot, completed, context);
}

async function rerateOpenPeriods(
  tx: TransactionSql,
  snapshot: PartnerSnapshot,
  affectedFromMs: number | null,
  transactionsByBucketMs: ReadonlyMap<number, number>,
  nowMs: number,
  fx: FxTable,
): Promise<void> {
  const { partnerId, versions, records } = snapshot;
  // Rate from the start of the earliest affected period that is not frozen; the period before that
  // point passes its carries in.
  const lastFrozenEndMs = Math.max(Number.NEGATIVE_INFINITY, ...records.filter(isFrozen).map((record) => record.endMs));
  const affectedMs = Math.max(affectedFromMs ?? Number.NEGATIVE_INFINITY, lastFrozenEndMs);
  if (affectedMs === Number.POSITIVE_INFINITY) return;
  const fromMs = Number.isFinite(affectedMs) ? periodContaining(versions, affectedMs).startMs : Number.NEGATIVE_INFINITY;
  const before = records.filter((record) => record.endMs <= fromMs).at(-1);
  const buckets = await loadBuckets(tx, partnerId, Number.isFinite(fromMs) ? new Date(fromMs).toISOString() : '1970-01-01T00:00:00.000Z');
  const idByStart = new Map(records.map((record) => [record.startMs, record.id]));
  const rated = rateChain({
    periods: periodsOfBuckets(versions, buckets).map((period) => ({
      ...period,
      adjustments: ratingAdjustments(snapshot.adjustments.get(idByStart.get(period.startMs) ?? '')),
    })),
    gameCategories: snapshot.gameCategories,
    fx,
    carryIn: new Decimal(before?.figures?.carryOut ?? '0'),
    payableCarryIn: new Decimal(before?.figures?.payableCarryOut ?? '0'),
  });
  for (const period of rated) await savePeriod(tx, partnerId, period, records, transactionsIn(transactionsByBucketMs, period), nowMs);
}

function transactionsIn(transactionsByBucketMs: ReadonlyMap<number, number>, period: RatedPeriod): number {
  let count = 0;
  for (const [startMs, transactions] of transactionsByBucketMs) {
    if (startMs >= period.startMs && startMs < period.endMs) count += transactions;
  }
  return count;
}

async function savePeriod(tx: TransactionSql, partnerId: string, period: RatedPeriod, existing: readonly PeriodRecord[], transactions: number, nowMs: number): Promise<void> {
  const { startMs: _startMs, endMs: _endMs, ...figures } = period;
  const previous = existing.find((stored) => stored.startMs === period.startMs);
  // A closed statement never changes (DESIGN.md 5.5).
  if (previous !== undefined && isFrozen(previous)) return;
  // jsonb reorders keys, so stored and new figures are compared in canonical form.
  if (previous?.figures && canonicalJson(previous.figures) === canonicalJson(figures) && transactions === 0) return;
  const status = period.endMs <= nowMs ? 'CLOSING' : 'OPEN';
  const [row] = await tx`
    insert into settlements.periods as p (id, partner_id, start_at, end_at, status, figures, updated_at)
    values (${previous?.id ?? randomUUID()}, ${partnerId}, ${period.start}, ${period.end}, ${status}, ${tx.json(figures as never)}, now())
    on conflict (partner_id, start_at) do update set end_at = excluded.end_at, figures = excluded.figures, updated_at = now(), status = excluded.status
    where p.status in ('OPEN', 'CLOSING')
    returning id`;
  if (row === undefined) return;
  if (previous === undefined) await attachWaitingAdjustments(tx, partnerId, row.id as string);
  await pushDelta(tx, partnerId, row.id as string, previous?.figures ?? null, period, transactions);
}
