import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * Apollo's formatError sees an error but not its request. This plugin remembers, for each error of a
 * request, that request's id (didEncounterErrors runs just before formatting), so a masked error
 * names the same id as the logs, the audit log and the gateway.
 */
export function errorRequestIds(): { plugin: ApolloServerPlugin<BaseContext>; requestIdOf(error: unknown): string | undefined } {
  const ids = new WeakMap<object, string>();
  return {
    plugin: {
      async requestDidStart() {
        return {
          async didEncounterErrors(requestContext) {
            const requestId = (requestContext.contextValue as { requestId?: unknown }).requestId;
            if (typeof requestId !== 'string') return;
            for (const error of requestContext.errors) ids.set(error, requestId);
          },
        };
      },
    },
    requestIdOf: (error) => (error !== null && typeof error === 'object' ? ids.get(error) : undefined),
  };
}
