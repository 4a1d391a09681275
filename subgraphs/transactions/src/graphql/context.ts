import type { RequestContext } from '@clearhouse/kernel/graphql/index';
import type { IngestDeps } from '../app/ingest.ts';

export interface TransactionsContext extends RequestContext {
  deps: IngestDeps;
}
