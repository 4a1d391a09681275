import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { canSeePartner, requireRole } from '@clearhouse/kernel/auth/scope';
import { JSONScalar } from '@clearhouse/kernel/graphql/index';
import { rateWhatIf } from '../app/what-if.ts';
import type { SettlementsContext } from './context.ts';
import { WhatIfRating } from './what-if.type.ts';

@Resolver()
export class WhatIfResolver {
  @Query(() => WhatIfRating, {
    description: 'The period\'s own buckets rated under draft terms (validated as setContractTerms does), with its current carries ' +
      'and approved adjustments; the period\'s bounds stay as they are. Nothing is saved (FINANCE, ADMIN, AUDITOR). ' +
      'Errors: NOT_FOUND, INVALID_TERMS (extensions.fields), CONFLICT (another currency while carries or adjustments apply).',
  })
  async rateWhatIf(
    @Arg('periodId', () => ID) periodId: string,
    @Arg('terms', () => JSONScalar) terms: unknown,
    @Ctx() context: SettlementsContext,
  ): Promise<WhatIfRating> {
    requireRole(context.identity, 'FINANCE', 'ADMIN', 'AUDITOR');
    const { record, rating } = await rateWhatIf(context.sql, periodId, terms, (partnerId) => canSeePartner(context.identity, partnerId));
    return {
      ...rating,
      periodId,
      groups: rating.groups.map(({ override, base, fee }) => ({ override, base, fee })),
      fxPending: rating.fxPending.map((bucket) => ({ ...bucket, bucketStart: new Date(bucket.bucketStart) })),
      fxRatesUsed: rating.fxRatesUsed.flatMap((used) => used.fixings),
      currentFee: record.figures?.fee ?? '0',
    } as WhatIfRating;
  }
}
