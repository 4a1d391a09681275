import { Decimal, FxTable, type BucketDelta } from '@clearhouse/kernel';
import type { Sql, TransactionSql } from '@clearhouse/kernel/db/index';
import { amountFields, type Bucket } from '../domain/buckets.ts';
import type { ContractVersion } from '../domain/periods.ts';
import { validateTerms, type GameCategory } from '@clearhouse/kernel/terms/index';

/** Reads and writes of the settlements schema used by the event consumer and the resolvers. */

export async function loadVersions(tx: TransactionSql | Sql, partnerId: string): Promise<ContractVersion[]> {
  const rows = await tx`select effective_from::text as effective_from, terms from settlements.contract_versions where partner_id = ${partnerId} order by effective_from`;
  return rows.flatMap((row) => {
    const validated = validateTerms(row.terms);
    // Terms were validated when they were set; a version that no longer validates is skipped loudly.
    if (!validated.ok) throw new Error(`stored terms of ${partnerId} from ${row.effective_from} do not validate`);
    return [{ effectiveFrom: row.effective_from as string, terms: validated.terms }];
  });
}

export async function loadCategories(tx: TransactionSql | Sql, partnerId: string): Promise<Map<string, GameCategory>> {
  const rows = await tx`select code, category from settlements.games where partner_id = ${partnerId}`;
  return new Map(rows.map((row) => [row.code as string, row.category as GameCategory]));
}

export async function loadFxTable(tx: TransactionSql | Sql): Promise<FxTable> {
  const rows = await tx`select date::text as date, currency, rate::text as rate from settlements.fx_rates`;
  return FxTable.of(rows.map((row) => ({ date: row.date as string, currency: row.currency as string, rate: row.rate as string })));
}

/** Buckets of a partner starting in [fromIso, toIso), in time order (no upper bound without toIso). */
export async function loadBuckets(tx: TransactionSql | Sql, partnerId: string, fromIso: string, toIso: string | null = null): Promise<Bucket[]> {
  const rows = await tx`
    select game_code, currency, bucket_start, cash_stake::text, bonus_stake::text, cash_win::text, bonus_win::text,
      jackpot_contribution::text, jackpot_win::text, transactions, rounds
    from settlements.buckets where partner_id = ${partnerId} and bucket_start >= ${fromIso} and (${toIso}::timestamptz is null or bucket_start < ${toIso})
    order by bucket_start, game_code, currency`;
  return rows.map((row) => ({
    gameCode: row.game_code as string,
    currency: row.currency as string,
    bucketStart: (row.bucket_start as Date).toISOString(),
    sums: {
      cashStake: new Decimal(row.cash_stake as string),
      bonusStake: new Decimal(row.bonus_stake as string),
      cashWin: new Decimal(row.cash_win as string),
      bonusWin: new Decimal(row.bonus_win as string),
      jackpotContribution: new Decimal(row.jackpot_contribution as string),
      jackpotWin: new Decimal(row.jackpot_win as string),
      transactions: Number(row.transactions),
      rounds: Number(row.rounds),
    },
  }));
}

/** Adds deltas to their buckets in one statement (deltas of one key are summed first). */
export async function addToBuckets(tx: TransactionSql, partnerId: string, deltas: readonly BucketDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const merged = new Map<string, { delta: BucketDelta; sums: Record<string, Decimal>; transactions: number; rounds: number }>();
  for (const delta of deltas) {
    const key = `${delta.gameCode}\u0000${delta.currency}\u0000${delta.bucketStart}`;
    let entry = merged.get(key);
    if (!entry) {
      entry = { delta, sums: Object.fromEntries(amountFields.map((field) => [field, new Decimal(0)])), transactions: 0, rounds: 0 };
      merged.set(key, entry);
    }
    for (const field of amountFields) entry.sums[field] = entry.sums[field]!.plus(delta[field]);
    entry.transactions += delta.transactions;
    entry.rounds += delta.rounds;
  }
  const entries = [...merged.values()];
  const column = (field: (typeof amountFields)[number]) => entries.map((entry) => entry.sums[field]!.toFixed());
  await tx`
    insert into settlements.buckets as b (partner_id, game_code, currency, bucket_start, cash_stake, bonus_stake, cash_win, bonus_win,
      jackpot_contribution, jackpot_win, transactions, rounds)
    select ${partnerId}, * from unnest(
      ${entries.map((entry) => entry.delta.gameCode)}::text[], ${entries.map((entry) => entry.delta.currency)}::text[],
      ${entries.map((entry) => entry.delta.bucketStart)}::timestamptz[],
      ${column('cashStake')}::numeric[], ${column('bonusStake')}::numeric[], ${column('cashWin')}::numeric[], ${column('bonusWin')}::numeric[],
      ${column('jackpotContribution')}::numeric[], ${column('jackpotWin')}::numeric[],
      ${entries.map((entry) => entry.transactions)}::bigint[], ${entries.map((entry) => entry.rounds)}::bigint[])
    on conflict (partner_id, bucket_start, game_code, currency) do update set
      cash_stake = b.cash_stake + excluded.cash_stake, bonus_stake = b.bonus_stake + excluded.bonus_stake,
      cash_win = b.cash_win + excluded.cash_win, bonus_win = b.bonus_win + excluded.bonus_win,
      jackpot_contribution = b.jackpot_contribution + excluded.jackpot_contribution, jackpot_win = b.jackpot_win + excluded.jackpot_win,
      transactions = b.transactions + excluded.transactions, rounds = b.rounds + excluded.rounds`;
}
