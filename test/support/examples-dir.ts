import { resolve } from 'node:path';

/** shared/examples/basic, which sits beside the project checkout (as in CI: shared/ next to the clone). */
export const examplesDir = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'examples', 'basic');
