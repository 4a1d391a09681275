import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSchemas } from '../scripts/supergraph.ts';

const folder = resolve(import.meta.dirname, '..', 'schema');

describe('committed schema files', () => {
  it('match the SDL the subgraph code generates and the supergraph it composes to', async () => {
    const generated = await generateSchemas();
    for (const subgraph of generated.subgraphs) {
      expect(readFileSync(resolve(folder, `${subgraph.name}.graphql`), 'utf8'), `schema/${subgraph.name}.graphql drifted: run npm run schema`).toBe(`${subgraph.sdl.trimEnd()}\n`);
    }
    expect(readFileSync(resolve(folder, 'supergraph.graphql'), 'utf8'), 'schema/supergraph.graphql drifted: run npm run schema').toBe(`${generated.supergraph.trimEnd()}\n`);
  });
});
