import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ClearhouseError } from '@clearhouse/kernel';
import { assertPartnerVisible, canSeePartner, requireRole } from '@clearhouse/kernel/auth/scope';
import { canonicalCandidate, graphqlSource } from '../app/canonical-input.ts';
import { ingestBatch } from '../app/ingest.ts';
import * as queries from '../app/queries.ts';
import { replayQuarantined } from '../app/replay.ts';
import type { TransactionsContext } from './context.ts';
import {
  IngestResult, IngestStats, PollerStatus, QuarantineCount, QuarantinedTransaction, QuarantineReasonEnum, ReplayOutcome, Transaction, TransactionInput,
} from './transaction.type.ts';

export const recordBatchMax = 10_000;

function checkPage(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > queries.pageSizeMax) throw new ClearhouseError('LIMIT_EXCEEDED', `first must be 1 to ${queries.pageSizeMax}`);
}

function toTransaction(row: Record<string, unknown>): Transaction {
  return {
    partner: { id: row.partner_id as string },
    externalId: row.external_id, roundId: row.round_id, playerId: row.player_id, gameCode: row.game_code, kind: row.kind, funding: row.funding,
    amount: row.amount, currency: row.currency, occurredAt: row.occurred_at, refersTo: row.refers_to, status: row.status,
    receivedAt: row.received_at, source: row.source,
  } as Transaction;
}

@Resolver()
export class TransactionResolver {
  @Mutation(() => IngestResult, { description: 'Records canonical transactions of one partner: idempotent on (partner, externalId).' })
  async recordTransactions(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('transactions', () => [TransactionInput]) transactions: TransactionInput[],
    @Ctx() context: TransactionsContext,
  ): Promise<IngestResult> {
    requireRole(context.identity, 'ADMIN', 'OPS');
    if (transactions.length === 0 || transactions.length > recordBatchMax) throw new ClearhouseError('LIMIT_EXCEEDED', `1 to ${recordBatchMax} transactions per call`);
    if (!(await queries.partnerExists(context.deps.sql, partnerId))) throw new ClearhouseError('NOT_FOUND', 'no such partner');
    const candidates = transactions.map((input, index) => canonicalCandidate({ ...input, occurredAt: input.occurredAt.toISOString() }, index + 1));
    return (await ingestBatch(context.deps, partnerId, candidates, graphqlSource)) as IngestResult;
  }

  @Query(() => [Transaction], { description: "A partner's stored transactions, ordered by externalId." })
  async transactions(
    @Arg('partnerId', () => ID) partnerId: string,
    @Ctx() context: TransactionsContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('afterExternalId', () => String, { nullable: true }) afterExternalId?: string,
  ): Promise<Transaction[]> {
    assertPartnerVisible(context.identity, partnerId);
    checkPage(first);
    return (await queries.listTransactions(context.deps.sql, partnerId, first, afterExternalId ?? null)).map(toTransaction);
  }

  @Query(() => [QuarantinedTransaction], { description: 'Quarantined records not yet replayed, oldest first.' })
  async quarantinedTransactions(
    @Arg('partnerId', () => ID) partnerId: string,
    @Ctx() context: TransactionsContext,
    @Arg('reason', () => QuarantineReasonEnum, { nullable: true }) reason?: QuarantineReasonEnum,
    @Arg('first', () => Int, { defaultValue: 100 }) first = 100,
    @Arg('afterId', () => ID, { nullable: true }) afterId?: string,
  ): Promise<QuarantinedTransaction[]> {
    requireRole(context.identity, 'ADMIN', 'OPS', 'FINANCE', 'AUDITOR', 'PARTNER');
    assertPartnerVisible(context.identity, partnerId);
    checkPage(first);
    const rows = await queries.listQuarantine(context.deps.sql, partnerId, reason ?? null, first, afterId ?? null);
    return rows.map((row) => ({
      id: String(row.id), partner: { id: row.partner_id }, externalId: row.external_id, reason: row.reason, detail: row.detail, raw: row.raw,
      line: row.line, source: row.source, receivedAt: row.received_at,
    })) as QuarantinedTransaction[];
  }

  @Mutation(() => [ReplayOutcome], { description: 'Runs quarantined records through every check again (after the cause was fixed).' })
  async replayQuarantined(@Arg('ids', () => [ID]) ids: string[], @Ctx() context: TransactionsContext): Promise<ReplayOutcome[]> {
    requireRole(context.identity, 'ADMIN', 'OPS');
    return replayQuarantined(context.deps, ids, (partnerId) => canSeePartner(context.identity, partnerId));
  }

  @Query(() => IngestStats)
  async ingestStats(@Arg('partnerId', () => ID) partnerId: string, @Ctx() context: TransactionsContext): Promise<IngestStats> {
    assertPartnerVisible(context.identity, partnerId);
    return queries.ingestStats(context.deps.sql, partnerId);
  }

  @Query(() => [QuarantineCount])
  async quarantineSummary(@Arg('partnerId', () => ID) partnerId: string, @Ctx() context: TransactionsContext): Promise<QuarantineCount[]> {
    assertPartnerVisible(context.identity, partnerId);
    return (await queries.quarantineSummary(context.deps.sql, partnerId)) as QuarantineCount[];
  }

  @Query(() => [Transaction], {
    description: 'Data quality: rollbacks held longer than the overdue window (default 4 hours) because their original never arrived. They stay held.',
  })
  async overdueHeldRollbacks(
    @Arg('partnerId', () => ID) partnerId: string,
    @Ctx() context: TransactionsContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
  ): Promise<Transaction[]> {
    assertPartnerVisible(context.identity, partnerId);
    checkPage(first);
    const overdueMs = context.deps.heldRollbackOverdueMs ?? queries.heldRollbackOverdueMsDefault;
    const receivedBefore = new Date(Date.now() - overdueMs);
    return (await queries.overdueHeldRollbacks(context.deps.sql, partnerId, receivedBefore, first)).map(toTransaction);
  }

  @Query(() => PollerStatus, { nullable: true, description: 'The REST poller of a REST_POLL partner: circuit state, cursor, last error.' })
  async pollerStatus(@Arg('partnerId', () => ID) partnerId: string, @Ctx() context: TransactionsContext): Promise<PollerStatus | null> {
    assertPartnerVisible(context.identity, partnerId);
    return queries.pollerStatus(context.deps.sql, partnerId);
  }
}
