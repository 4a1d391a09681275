import { Ctx, Query, Resolver } from 'type-graphql';
import { requireRole } from '@clearhouse/kernel/auth/scope';
import { ecbFeedName, readFeedStatus } from '../app/feed-state.ts';
import type { FxContext } from './context.ts';
import { FxFeedCircuit, FxFeedStatus } from './feed.type.ts';

@Resolver()
export class FxFeedResolver {
  @Query(() => FxFeedStatus, { nullable: true, description: 'The ECB feed poller: circuit state, last poll, last error. Null when no feed was ever configured.' })
  async fxFeedStatus(@Ctx() context: FxContext): Promise<FxFeedStatus | null> {
    requireRole(context.identity, 'ADMIN', 'FINANCE', 'OPS', 'AUDITOR');
    const row = await readFeedStatus(context.deps.sql, ecbFeedName);
    return row === null ? null : { ...row, circuit: FxFeedCircuit[row.circuit] };
  }
}
