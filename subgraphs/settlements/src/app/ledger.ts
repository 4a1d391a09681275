import type { Sql } from '@clearhouse/kernel/db/index';
import { verifyLedger as verifyChain, type ChainPoint, type LedgerVerification } from '../domain/statement/index.ts';
import { ledgerHead, ledgerPage, ledgerPageMax } from '../infra/ledger-store.ts';

/** Pages read in one verification: 10 000 × 10 000 entries, far beyond any real ledger of this product. */
export const ledgerVerifyPagesMax = 10_000;

/**
 * Verifies the whole hash chain, page by page, against the head recorded in settlements.ledger_head
 * (so a cut-off tail shows too). Reads one snapshot, so entries appended meanwhile cannot confuse it.
 */
export async function verifyLedger(sql: Sql): Promise<LedgerVerification> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const head = (await ledgerHead(tx)) ?? undefined;
    let after: ChainPoint | undefined;
    for (let page = 0; page < ledgerVerifyPagesMax; page += 1) {
      const entries = await ledgerPage(tx, after?.seq ?? 0, ledgerPageMax);
      const last = entries.length < ledgerPageMax;
      const reachesHead = last || (head !== undefined && entries.at(-1)!.seq >= head.seq);
      const result = verifyChain(entries, { after, head: reachesHead ? head : undefined });
      if (!result.ok || last) return result;
      after = result.head ?? undefined;
    }
    return { ok: false, firstBrokenSeq: (after?.seq ?? 0) + 1, reason: `the ledger is longer than ${ledgerVerifyPagesMax} pages` };
  }) as Promise<LedgerVerification>;
}
