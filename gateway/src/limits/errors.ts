import { GraphQLError, type ASTNode } from 'graphql';
import type { ErrorCode } from '@clearhouse/kernel';

export type LimitName = 'depth' | 'aliases' | 'tokens' | 'cost' | 'pageSize' | 'bodySize';

const limitExceededCode: ErrorCode = 'LIMIT_EXCEEDED';

/** A refused operation: `extensions.code` LIMIT_EXCEEDED, with the limit, its maximum and what was asked. */
export function limitExceeded(
  limit: LimitName,
  message: string,
  facts: { max: number; actual: number | null },
  nodes?: readonly ASTNode[],
): GraphQLError {
  return new GraphQLError(message, {
    ...(nodes === undefined ? {} : { nodes }),
    extensions: { code: limitExceededCode, limit, max: facts.max, actual: facts.actual },
  });
}
