import type { Statement as DomainStatement } from '../domain/statement/index.ts';
import type { AdjustmentRecord } from '../infra/adjustment-store.ts';
import type { PriorPeriodRecord } from '../infra/prior-period-store.ts';
import { ggrOfDelta } from '../app/statement-figures.ts';
import type { Adjustment } from './adjustment.type.ts';
import type { PriorPeriodAdjustment, Statement } from './statement.type.ts';

export function toStatement(statement: DomainStatement): Statement {
  return {
    ...statement,
    periodStart: new Date(statement.periodStart),
    periodEnd: new Date(statement.periodEnd),
    generatedAt: new Date(statement.generatedAt),
  } as Statement;
}

export function toAdjustment(record: AdjustmentRecord): Adjustment {
  return {
    id: record.id,
    periodId: record.periodId,
    amount: record.amount,
    currency: record.currency,
    reason: record.reason,
    source: record.source,
    status: record.status,
    authorId: record.authorId,
    createdAt: new Date(record.createdAtMs),
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAtMs === null ? null : new Date(record.decidedAtMs),
  } as Adjustment;
}

export function toPriorPeriodAdjustment(record: PriorPeriodRecord): PriorPeriodAdjustment {
  return {
    id: record.id,
    originalPeriodId: record.originalPeriodId,
    gameCode: record.gameCode,
    currency: record.currency,
    originalBucketStart: new Date(record.originalBucketStart),
    countedBucketStart: new Date(record.countedBucketStart),
    transactions: record.delta.transactions,
    ggr: ggrOfDelta(record.delta),
  };
}
