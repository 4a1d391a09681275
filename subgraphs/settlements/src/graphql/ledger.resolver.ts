import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { ClearhouseError } from '@clearhouse/kernel';
import { requireRole } from '@clearhouse/kernel/auth/scope';
import { verifyLedger } from '../app/ledger.ts';
import { isId } from '../app/period-access.ts';
import { ledgerEntriesOfPeriod, ledgerPage, ledgerPageMax } from '../infra/ledger-store.ts';
import type { LedgerEntry as DomainLedgerEntry } from '../domain/statement/index.ts';
import type { SettlementsContext } from './context.ts';
import { LedgerEntry, LedgerVerification } from './ledger.type.ts';

export const ledgerEntriesPageMax = 500;

function toEntry(entry: DomainLedgerEntry): LedgerEntry {
  return { ...entry, postedAt: new Date(entry.postedAt) } as LedgerEntry;
}

@Resolver()
export class LedgerResolver {
  @Query(() => LedgerVerification, {
    description: 'Checks the hash chain of the whole ledger against its recorded head (AUDITOR, FINANCE, ADMIN): ' +
      'ok, or the first sequence number where an entry was altered, removed, inserted or reordered, and why.',
  })
  async verifyLedger(@Ctx() context: SettlementsContext): Promise<LedgerVerification> {
    requireRole(context.identity, 'AUDITOR', 'FINANCE', 'ADMIN');
    const result = await verifyLedger(context.sql);
    return result.ok
      ? { ok: true, firstBrokenSeq: null, reason: null, headSeq: result.head?.seq ?? 0 }
      : { ok: false, firstBrokenSeq: result.firstBrokenSeq, reason: result.reason, headSeq: result.firstBrokenSeq - 1 };
  }

  @Query(() => [LedgerEntry], { description: 'Ledger entries in sequence order, of one period or of all (AUDITOR, FINANCE, ADMIN).' })
  async ledgerEntries(
    @Ctx() context: SettlementsContext,
    @Arg('periodId', () => ID, { nullable: true }) periodId?: string,
    @Arg('afterSeq', () => Int, { defaultValue: 0 }) afterSeq = 0,
    @Arg('first', () => Int, { defaultValue: 100 }) first = 100,
  ): Promise<LedgerEntry[]> {
    requireRole(context.identity, 'AUDITOR', 'FINANCE', 'ADMIN');
    if (first < 1 || first > Math.min(ledgerEntriesPageMax, ledgerPageMax)) throw new ClearhouseError('LIMIT_EXCEEDED', `first must be 1 to ${ledgerEntriesPageMax}`);
    if (periodId === undefined || periodId === null) return (await ledgerPage(context.sql, afterSeq, first)).map(toEntry);
    if (!isId(periodId)) return [];
    return (await ledgerEntriesOfPeriod(context.sql, periodId, first)).filter((entry) => entry.seq > afterSeq).map(toEntry);
  }
}
