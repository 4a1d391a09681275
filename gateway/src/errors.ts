import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { errorCodes } from '@clearhouse/kernel';

/**
 * What the gateway lets through to a client. Expected errors, the codes of the registry and the
 * request errors GraphQL and Apollo define, keep their code and their details; everything else (a
 * subgraph that cannot be reached, a query plan failure, a bug) is masked, because its message can
 * name internal addresses, and logged with the request id. A subgraph's own masked error keeps the
 * request id, which is the gateway's: subgraphs are given it.
 */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);
/** Extensions of a subgraph error that say something about our internals, never about the request. */
const internalExtensions = new Set(['serviceName', 'stacktrace', 'exception', 'http']);

export function isClientErrorCode(code: unknown): code is string {
  return typeof code === 'string' && code !== 'INTERNAL' && (Object.hasOwn(errorCodes, code) || requestErrorCodes.has(code));
}

export function formatGatewayError(log: (entry: Record<string, unknown>) => void, requestIdOf: (error: unknown) => string | undefined) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Apollo re-codes every validation error GRAPHQL_VALIDATION_FAILED; a limit rule's own code is the stable one.
    const original = (error as { originalError?: unknown })?.originalError;
    const ownCode = original instanceof GraphQLError ? original.extensions['code'] : undefined;
    const code = ownCode === 'LIMIT_EXCEEDED' ? ownCode : formatted.extensions?.['code'];
    if (isClientErrorCode(code)) {
      const extensions = { ...Object.fromEntries(Object.entries(formatted.extensions ?? {}).filter(([key]) => !internalExtensions.has(key))), code };
      return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}), extensions };
    }
    const requestId = requestIdOf(error) ?? randomUUID();
    // A subgraph's INTERNAL was logged there already, under the same request id.
    if (code !== 'INTERNAL') log({ level: 'error', msg: 'unexpected error', requestId, code, error: String((original as Error)?.stack ?? original ?? formatted.message) });
    return { message: `Internal error (request ${requestId})`, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL', requestId } };
  };
}
