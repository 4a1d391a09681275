import type { Clock } from '@clearhouse/kernel';
import type { RequestContext } from '@clearhouse/kernel/graphql/index';
import type { FxDeps } from '../app/rates.ts';

export interface FxContext extends RequestContext {
  deps: FxDeps;
  /** "Today" for exposure valuations: CLEARHOUSE_CLOCK_AT when replaying a scenario. */
  clock: Clock;
}
