import { periodContaining, type ContractVersion } from '../domain/periods.ts';
import type { PeriodState } from '../domain/statement/index.ts';
import type { PeriodRecord } from '../infra/period-records.ts';

/**
 * The statement domain's view of a stored period. `autoCloseAfterHours` comes from the contract
 * version that rates the period (the one in force at its start), like every other term.
 */
export function periodStateOf(record: PeriodRecord, versions: readonly ContractVersion[], pendingAdjustmentCount: number): PeriodState {
  const autoCloseAfterHours = versions.length === 0 ? null : periodContaining(versions, record.startMs).version.terms.autoCloseAfterHours;
  return {
    id: record.id,
    startMs: record.startMs,
    endMs: record.endMs,
    status: record.status,
    autoCloseAfterHours,
    closedBy: record.closedBy,
    closedAtMs: record.closedAtMs,
    approvedBy: record.approvedBy,
    approvedAtMs: record.approvedAtMs,
    paymentReference: record.paymentReference,
    paidAtMs: record.paidAtMs,
    fxPendingCount: record.figures?.fxPending.length ?? 0,
    pendingAdjustmentCount,
  };
}
