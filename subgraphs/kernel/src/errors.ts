/**
 * The one registry of business error codes. Each use case documents which of these it can return;
 * `graphql/` maps them to GraphQL errors with `extensions.code` in one place. Anything that is not a
 * ClearhouseError is masked as INTERNAL and logged with the request id.
 */
export const errorCodes = {
  BAD_INPUT: 'The input is not of the expected form.',
  NOT_FOUND: 'No such object, or not visible to the caller (the two look the same on purpose).',
  UNAUTHENTICATED: 'No valid credentials were presented.',
  FORBIDDEN: 'The caller may not perform this action.',
  CONFLICT: 'The object is not in a state that allows this action.',
  INVALID_TERMS: 'Contract terms failed validation; see extensions.fields.',
  INVALID_RATE: 'An FX rate failed validation.',
  SELF_APPROVAL: 'Maker-checker: the user who closed a period may not approve it.',
  LIMIT_EXCEEDED: 'The operation exceeds a configured limit (depth, cost, aliases, page size, body size).',
  RATE_LIMITED: 'Too many requests; retry later.',
  INTERNAL: 'An unexpected error; the request id identifies it in the logs.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class ClearhouseError extends Error {
  override name = 'ClearhouseError';
  constructor(
    readonly code: ErrorCode,
    message: string = errorCodes[code],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
