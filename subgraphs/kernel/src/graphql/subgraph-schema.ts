import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { type GraphQLSchema, parse } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar, JSONScalar } from './scalars.ts';

const federationLink =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@inaccessible", "@tag"])';

export interface SubgraphSchemaOptions {
  resolvers: Function[];
  orphanedTypes?: Function[];
  /** `__resolveReference` and other resolvers type-graphql cannot express, keyed by type name. */
  referenceResolvers?: Record<string, Record<string, unknown>>;
  /** SDL type-graphql does not generate, such as a Subscription type the gateway serves. */
  extraTypeDefs?: string;
}

/**
 * A type-graphql schema turned into an Apollo Federation 2 subgraph: build without type-graphql's own
 * check (federation types are not known to it), print with directives, then let @apollo/subgraph add
 * `_entities` and `_service`.
 */
export async function buildFederatedSchema(options: SubgraphSchemaOptions): Promise<GraphQLSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: options.resolvers as [Function, ...Function[]],
    orphanedTypes: options.orphanedTypes,
    skipCheck: true,
    validate: false,
  });
  const printed = printSchemaWithDirectives(typeGraphqlSchema);
  const typeDefs = parse(`${federationLink}\n${printed}\n${options.extraTypeDefs ?? ''}`);
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, extra] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...extra } as never;
  }
  for (const scalar of [DecimalScalar, DateTimeScalar, DateScalar, JSONScalar]) {
    if (typeGraphqlSchema.getType(scalar.name)) resolvers[scalar.name] = scalar as never;
  }
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}
