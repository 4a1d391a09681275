import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { buildSchema as fxSchema } from '@clearhouse/fx';
import { buildSchema as partnersSchema } from '@clearhouse/partners';
import { buildSchema as settlementsSchema } from '@clearhouse/settlements';
import { buildSchema as transactionsSchema } from '@clearhouse/transactions';

/** The four subgraphs, their default ports, and the URL written into the committed supergraph. */
export const subgraphs = [
  { name: 'partners', port: 4001, build: partnersSchema },
  { name: 'transactions', port: 4002, build: transactionsSchema },
  { name: 'settlements', port: 4003, build: settlementsSchema },
  { name: 'fx', port: 4004, build: fxSchema },
] as const;

export interface GeneratedSchemas {
  subgraphs: { name: string; sdl: string }[];
  supergraph: string;
}

/** Builds each subgraph's SDL from the code and composes the supergraph (no database needed). */
export async function generateSchemas(): Promise<GeneratedSchemas> {
  const built = [];
  for (const subgraph of subgraphs) {
    const sdl = printSubgraphSchema(await subgraph.build());
    built.push({ name: subgraph.name, sdl, url: `http://${subgraph.name}:${subgraph.port}/graphql` });
  }
  const composition = composeServices(built.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })));
  if (composition.errors) {
    throw new Error(`composition failed:\n${composition.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return { subgraphs: built.map(({ name, sdl }) => ({ name, sdl })), supergraph: composition.supergraphSdl };
}
