import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import { advanceWithClock } from '../domain/statement/index.ts';
import { adjustmentsOfPartner } from '../infra/adjustment-store.ts';
import { isFrozen, loadPeriodRecords, lockPartner, saveLifecycle } from '../infra/period-records.ts';
import { loadVersions } from '../infra/store.ts';
import { periodStateOf } from './period-state.ts';
import { pendingCount } from './rate-period.ts';
import { buildPeriodStatement } from './statement-of.ts';

/** Partners looked at per tick; the next tick continues with the rest. */
export const autoClosePartnersMax = 200;

/**
 * Closes, in order, the partner's periods that the clock has closed (`autoCloseAfterHours` after the
 * end, none while an adjustment awaits a decision), each with its statement frozen as of the instant
 * it fell due. Stops at the first period that stays open: statements close oldest first, because
 * each one passes its carries to the next. The caller holds the partner's lock.
 */
export async function closeDuePeriods(tx: TransactionSql, partnerId: string, nowMs: number): Promise<number> {
  const versions = await loadVersions(tx, partnerId);
  if (versions.length === 0) return 0;
  const records = await loadPeriodRecords(tx, partnerId);
  const adjustments = await adjustmentsOfPartner(tx, partnerId);
  let closed = 0;
  for (const record of records) {
    if (isFrozen(record)) continue;
    const state = advanceWithClock(periodStateOf(record, versions, pendingCount(adjustments.get(record.id))), nowMs);
    if (state.status !== 'CLOSED') break;
    await saveLifecycle(tx, state, await buildPeriodStatement(tx, record, 'CLOSED', state.closedAtMs!));
    closed += 1;
  }
  return closed;
}

/** One tick of the automatic close: every partner with an ended period and a contract that closes by itself. */
export async function autoCloseDuePeriods(sql: Sql, nowMs: number): Promise<number> {
  const partners = await sql`
    select p.partner_id from settlements.periods p
    where p.status in ('OPEN', 'CLOSING') and p.end_at <= ${new Date(nowMs).toISOString()}
      and exists (select 1 from settlements.contract_versions v where v.partner_id = p.partner_id and jsonb_typeof(v.terms -> 'autoCloseAfterHours') = 'number')
    group by p.partner_id order by min(p.end_at) limit ${autoClosePartnersMax}`;
  let closed = 0;
  for (const row of partners) {
    closed += await sql.begin(async (tx) => {
      await lockPartner(tx, row.partner_id as string);
      return closeDuePeriods(tx, row.partner_id as string, nowMs);
    });
  }
  return closed;
}
