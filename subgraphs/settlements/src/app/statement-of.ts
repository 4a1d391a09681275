import { assert, ClearhouseError } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import { buildStatement, type PeriodStatus, type PriorPeriodItem, type Statement } from '../domain/statement/index.ts';
import { adjustmentsOfPeriods, asDomainAdjustment } from '../infra/adjustment-store.ts';
import type { PeriodRecord } from '../infra/period-records.ts';
import { priorPeriodsCountedIn, type PriorPeriodRecord } from '../infra/prior-period-store.ts';
import { ggrOfDelta, ratedPeriodFigures, withRatingPayable } from './statement-figures.ts';

/**
 * The statement of a period (DESIGN.md 5.4): built with the statement domain from the stored figures,
 * the approved adjustments and the late data counted in it. A frozen period's statement was stored at
 * close and is returned as stored (only its status follows the period); an open one is built live.
 */
function priorItemOf(record: PriorPeriodRecord): PriorPeriodItem {
  const transactions = record.delta.transactions;
  return {
    externalId: `#${record.id}: ${transactions} transaction${Math.abs(transactions) === 1 ? '' : 's'}, GGR`,
    gameCode: record.gameCode,
    kind: 'Late data',
    amount: ggrOfDelta(record.delta),
    currency: record.currency,
    occurredAt: record.originalBucketStart,
    arrivedAt: record.countedBucketStart,
  };
}

export async function buildPeriodStatement(
  sql: Sql | TransactionSql,
  record: PeriodRecord,
  status: PeriodStatus,
  generatedAtMs: number,
): Promise<Statement> {
  if (record.figures === null) throw new ClearhouseError('CONFLICT', 'the period has no figures yet: its contract has no version', { periodId: record.id });
  const [partner] = await sql`select code, name from settlements.partners where partner_id = ${record.partnerId}`;
  assert(partner !== undefined, 'a period belongs to a known partner');
  const adjustments = ((await adjustmentsOfPeriods(sql, [record.id])).get(record.id) ?? []).map((adjustment) => asDomainAdjustment(adjustment, record.id));
  const prior = await priorPeriodsCountedIn(sql, record.partnerId, record.startMs, record.endMs);
  const statement = buildStatement({
    partner: { id: record.partnerId, code: partner.code as string, name: partner.name as string },
    periodId: record.id,
    status,
    figures: ratedPeriodFigures(record.figures),
    adjustments,
    priorPeriodItems: prior.map(priorItemOf),
    generatedAt: new Date(generatedAtMs).toISOString(),
  });
  return withRatingPayable(statement, record.figures);
}

/** What the API shows: the frozen statement, or a live (provisional) one while the period is open. */
export async function statementForDisplay(sql: Sql, record: PeriodRecord, status: PeriodStatus, nowMs: number): Promise<Statement> {
  if (record.statement !== null) return { ...record.statement, status };
  return buildPeriodStatement(sql, record, status, nowMs);
}
