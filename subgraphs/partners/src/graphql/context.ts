import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditStore } from '@clearhouse/kernel/audit/index';
import type { RequestContext } from '@clearhouse/kernel/graphql/index';
import type { PartnerLoaders } from './loaders.ts';

export interface PartnersContext extends RequestContext {
  /** A fork per request: its identity map never leaks between requests. */
  em: EntityManager;
  loaders: PartnerLoaders;
  /** Read by the audit-log queries; the shared server writes to it. */
  audit: AuditStore;
}
