import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateSchemas } from './supergraph.ts';

/**
 * `npm run schema` writes schema/<subgraph>.graphql and schema/supergraph.graphql from the code;
 * `npm run schema:check` fails when the committed files differ from what the code generates.
 */
const check = process.argv.includes('--check');
const folder = resolve(import.meta.dirname, '..', 'schema');
const generated = await generateSchemas();
const files = [...generated.subgraphs.map((subgraph) => ({ path: `${subgraph.name}.graphql`, text: subgraph.sdl })), { path: 'supergraph.graphql', text: generated.supergraph }];
let drift = 0;
for (const file of files) {
  const path = resolve(folder, file.path);
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      committed = '';
    }
    if (committed !== `${file.text.trimEnd()}\n`) {
      drift += 1;
      console.error(`schema/${file.path} differs from the code: run npm run schema and commit the result`);
    }
  } else {
    writeFileSync(path, `${file.text.trimEnd()}\n`);
    console.log(`wrote schema/${file.path}`);
  }
}
if (drift > 0) process.exit(1);
if (check) console.log('schema files match the code');
