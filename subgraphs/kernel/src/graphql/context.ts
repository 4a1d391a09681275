import type { AuthContext } from '../auth/context.ts';

export interface RequestContext {
  /** Who is asking, as the gateway vouched for it; null for the gateway's own anonymous calls. */
  identity: AuthContext | null;
  requestId: string;
}
