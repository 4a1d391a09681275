import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, JSONScalar } from '@clearhouse/kernel/graphql/index';
import { assertPartnerVisible, canSeePartner, partnerScope, requireRole } from '@clearhouse/kernel/auth/scope';
import { ClearhouseError } from '@clearhouse/kernel';
import * as partners from '../app/partners.ts';
import { PartnerEntity } from '../infra/entities.ts';
import type { PartnersContext } from './context.ts';
import { toPartner } from './partner.mapper.ts';
import { ContractVersion, CreatePartnerInput, Game, GameInput, Partner } from './partner.type.ts';

export const partnersPageSizeMax = 500;

@Resolver(() => Partner)
export class PartnerResolver {
  @Query(() => Partner, { nullable: true, description: 'A partner by id; null when it does not exist or is not visible to the caller.' })
  async partner(@Arg('id', () => ID) id: string, @Ctx() context: PartnersContext): Promise<Partner | null> {
    if (!canSeePartner(context.identity, id)) return null;
    const row = await context.loaders.partner.load(id);
    return row ? toPartner(row) : null;
  }

  @Query(() => [Partner], { description: 'Partners visible to the caller, ordered by code.' })
  async partners(
    @Ctx() context: PartnersContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('afterCode', () => String, { nullable: true }) afterCode?: string,
  ): Promise<Partner[]> {
    const scope = partnerScope(context.identity);
    if (!scope) throw new ClearhouseError('UNAUTHENTICATED');
    if (first < 1 || first > partnersPageSizeMax) throw new ClearhouseError('LIMIT_EXCEEDED', `first must be 1 to ${partnersPageSizeMax}`);
    const where: Record<string, unknown> = {};
    if (scope.kind === 'ONE') where.id = scope.partnerId;
    if (afterCode) where.code = { $gt: afterCode };
    const rows = await context.em.find(PartnerEntity, where, { orderBy: { code: 'asc' }, limit: first });
    return rows.map(toPartner);
  }

  @FieldResolver(() => [Game])
  async games(@Root() partner: Partner, @Ctx() context: PartnersContext): Promise<Game[]> {
    return (await context.loaders.games.load(partner.id)) as unknown as Game[];
  }

  @FieldResolver(() => [ContractVersion], { description: 'Contract versions, oldest first.' })
  async contracts(@Root() partner: Partner, @Ctx() context: PartnersContext): Promise<ContractVersion[]> {
    return (await context.loaders.contracts.load(partner.id)) as unknown as ContractVersion[];
  }

  @Mutation(() => Partner)
  async createPartner(@Arg('input', () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() context: PartnersContext): Promise<Partner> {
    requireRole(context.identity, 'ADMIN');
    return toPartner(await partners.createPartner(context.em, input));
  }

  @Mutation(() => [Game], { description: 'Adds games to the catalogue, or updates those whose code exists.' })
  async registerGames(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('games', () => [GameInput]) games: GameInput[],
    @Ctx() context: PartnersContext,
  ): Promise<Game[]> {
    requireRole(context.identity, 'ADMIN', 'OPS');
    return (await partners.registerGames(context.em, partnerId, games)) as unknown as Game[];
  }

  @Mutation(() => String, { description: 'A new ingest secret, shown this once; the previous one stays valid for 24 hours.' })
  async rotateIngestSecret(@Arg('partnerId', () => ID) partnerId: string, @Ctx() context: PartnersContext): Promise<string> {
    requireRole(context.identity, 'ADMIN', 'OPS');
    return partners.rotateIngestSecret(context.em, partnerId);
  }

  @Mutation(() => ContractVersion, { description: 'Adds (or replaces) the contract version in force from effectiveFrom.' })
  async setContractTerms(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('effectiveFrom', () => DateScalar) effectiveFrom: string,
    @Arg('terms', () => JSONScalar) terms: unknown,
    @Ctx() context: PartnersContext,
  ): Promise<ContractVersion> {
    const identity = requireRole(context.identity, 'FINANCE', 'ADMIN');
    return (await partners.setContractTerms(context.em, partnerId, effectiveFrom, terms, identity.sub)) as unknown as ContractVersion;
  }
}

/** Other subgraphs reference a Partner by id; the caller's scope applies there too. */
export const partnerReferenceResolvers = {
  Partner: {
    __resolveReference: async (reference: { id: string }, context: PartnersContext) => {
      assertPartnerVisible(context.identity, reference.id);
      const row = await context.loaders.partner.load(reference.id);
      return row ? toPartner(row) : null;
    },
  },
};
