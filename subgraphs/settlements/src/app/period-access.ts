import { ClearhouseError } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import type { ContractVersion } from '../domain/periods.ts';
import type { PeriodState } from '../domain/statement/index.ts';
import { adjustmentsOfPeriods, type AdjustmentRecord } from '../infra/adjustment-store.ts';
import { loadPeriodRecord, lockPartner, partnerOfPeriod, type PeriodRecord } from '../infra/period-records.ts';
import { loadVersions } from '../infra/store.ts';
import { closeDuePeriods } from './auto-close.ts';
import { periodStateOf } from './period-state.ts';
import { pendingCount } from './rate-period.ts';

/** A period as a lifecycle use case sees it, read under its partner's lock. */
export interface LockedPeriod {
  record: PeriodRecord;
  versions: ContractVersion[];
  adjustments: AdjustmentRecord[];
  state: PeriodState;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are opaque to clients; one that is not ours is simply not found. */
export function isId(id: string): boolean {
  return uuidPattern.test(id);
}

/**
 * Runs `use` in one transaction holding the period's partner lock, after the clock's automatic closes
 * are stored, so a step sees the state the clock says. Errors: NOT_FOUND.
 */
export async function withLockedPeriod<T>(sql: Sql, periodId: string, nowMs: number, use: (tx: TransactionSql, period: LockedPeriod) => Promise<T>): Promise<T> {
  if (!isId(periodId)) throw new ClearhouseError('NOT_FOUND', 'no such period');
  return sql.begin(async (tx) => use(tx, await lockPeriod(tx, periodId, nowMs))) as Promise<T>;
}

export async function lockPeriod(tx: TransactionSql, periodId: string, nowMs: number): Promise<LockedPeriod> {
  const partnerId = await partnerOfPeriod(tx, periodId);
  if (partnerId === null) throw new ClearhouseError('NOT_FOUND', 'no such period');
  await lockPartner(tx, partnerId);
  await closeDuePeriods(tx, partnerId, nowMs);
  const record = (await loadPeriodRecord(tx, periodId))!;
  const versions = await loadVersions(tx, partnerId);
  const adjustments = (await adjustmentsOfPeriods(tx, [periodId])).get(periodId) ?? [];
  return { record, versions, adjustments, state: periodStateOf(record, versions, pendingCount(adjustments)) };
}
