import type { DeltaRow, PeriodRow } from '../app/queries.ts';
import type { SettlementDelta, SettlementPeriod } from './period.type.ts';

const zeroTotals = { cashStake: '0', bonusStake: '0', cashWin: '0', bonusWin: '0', jackpotContribution: '0', jackpotWin: '0', ggr: '0', ngr: '0' };

export function toPeriod(row: PeriodRow): SettlementPeriod {
  const f = row.figures as Record<string, any>;
  return {
    id: row.id,
    partner: { id: row.partnerId },
    start: row.start,
    end: row.end,
    status: row.status,
    currency: f.currency ?? '',
    totals: f.totals ?? zeroTotals,
    groups: (f.groups ?? []).map((group: Record<string, string>) => ({ override: group.override, base: group.base, fee: group.fee })),
    tieredBase: f.tieredBase ?? '0',
    tierBands: f.tierBands ?? [],
    computedFee: f.computedFee ?? '0',
    fee: f.fee ?? '0',
    minimumFeeTopUp: f.minimumFeeTopUp ?? '0',
    carryIn: f.carryIn ?? '0',
    carryOut: f.carryOut ?? '0',
    payableCarryIn: f.payableCarryIn ?? '0',
    payable: f.payable ?? '0',
    paidNow: f.paidNow ?? '0',
    payableCarryOut: f.payableCarryOut ?? '0',
    fxPending: (f.fxPending ?? []).map((bucket: Record<string, string>) => ({ ...bucket, bucketStart: new Date(bucket.bucketStart!) })),
    fxRatesUsed: (f.fxRatesUsed ?? []).flatMap((used: { fixings: { date: string; currency: string; rate: string }[] }) => used.fixings),
    provisional: Boolean(f.provisional) || row.status === 'OPEN' || row.status === 'CLOSING',
    closedBy: row.closedBy,
    approvedBy: row.approvedBy,
    paymentReference: row.paymentReference,
  } as SettlementPeriod;
}

export function toDelta(row: DeltaRow, period: SettlementPeriod): SettlementDelta {
  const payload = row.payload as Record<string, any>;
  return {
    id: row.id,
    seq: row.seq,
    partner: { id: row.partnerId },
    period,
    change: payload.change,
    totals: payload.totals,
    fee: payload.fee,
    payable: payload.payable,
    at: new Date(payload.at ?? row.createdAt),
  } as SettlementDelta;
}
