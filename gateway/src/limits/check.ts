import { GraphQLError, Kind, parse, print, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { bodyBytesMax, resolveLimits, type OperationLimits } from './config.ts';
import { limitExceeded, type LimitName } from './errors.ts';
import { fragmentsOf, measureOperation } from './measure.ts';
import type { VariableValues } from './page-size.ts';
import { countTokens } from './tokens.ts';

export interface CheckOptions {
  /** With a schema, list fields without `first`/`limit` cost a default page; without, they cost 1. */
  schema?: GraphQLSchema | undefined;
  /** Known variable values: page sizes given as variables are checked, and costed, by their value. */
  variables?: VariableValues | undefined;
  limits?: Partial<OperationLimits> | undefined;
}

const allLimits: ReadonlySet<LimitName> = new Set(['depth', 'aliases', 'cost', 'pageSize']);

/**
 * Checks a document's text before anything else touches it: its size, then its tokens (counted, not
 * parsed), then, once parsed, every operation in it. Returns LIMIT_EXCEEDED errors (none when the
 * document is within limits), or the syntax error when it does not parse.
 */
export function checkOperation(documentText: string, options: CheckOptions = {}): GraphQLError[] {
  const limits = resolveLimits(options.limits);
  const bytes = Buffer.byteLength(documentText, 'utf8');
  if (bytes > bodyBytesMax) {
    return [limitExceeded('bodySize', `The document is ${bytes} bytes; at most ${bodyBytesMax} are allowed.`, { max: bodyBytesMax, actual: bytes })];
  }
  let document: DocumentNode;
  try {
    const tokens = countTokens(documentText, limits.tokensMax);
    if (tokens.exceeded) {
      const message = `The document has more than ${limits.tokensMax} tokens; at most ${limits.tokensMax} are allowed.`;
      return [limitExceeded('tokens', message, { max: limits.tokensMax, actual: null })];
    }
    document = parse(documentText, { maxTokens: limits.tokensMax });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
  }
  return checkDocument(document, options);
}

/** Checks a parsed document: for Apollo's didResolveOperation and graphql-ws onSubscribe, where variables are known. */
export function checkDocument(document: DocumentNode, options: CheckOptions = {}): GraphQLError[] {
  return limitErrors(document, { schema: options.schema, variables: options.variables, limits: resolveLimits(options.limits) }, allLimits);
}

/** The errors of the limits named in `checks`, for every operation of the document. */
export function limitErrors(
  document: DocumentNode,
  options: { schema?: GraphQLSchema | undefined; variables?: VariableValues | undefined; limits: OperationLimits },
  checks: ReadonlySet<LimitName>,
): GraphQLError[] {
  const fragments = fragmentsOf(document);
  const errors: GraphQLError[] = [];
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const { limits } = options;
    const measure = measureOperation(operation, fragments, options);
    const label = describe(operation);
    // Comparisons read "not within", so that a NaN could never pass as within a limit.
    if (checks.has('depth') && measure.fragmentCycle !== null) {
      const message = `Fragment cycle ${measure.fragmentCycle.join(' → ')}: the depth of ${label} is unbounded.`;
      errors.push(limitExceeded('depth', message, { max: limits.depthMax, actual: null }, [operation]));
    } else if (checks.has('depth') && !(measure.depth <= limits.depthMax)) {
      const message = `${capitalized(label)} is ${measure.depth} levels deep; at most ${limits.depthMax} are allowed.`;
      errors.push(limitExceeded('depth', message, { max: limits.depthMax, actual: measure.depth }, [operation]));
    }
    if (checks.has('aliases') && !(measure.aliases <= limits.aliasesMax)) {
      const message = `${capitalized(label)} uses ${measure.aliases} aliases; at most ${limits.aliasesMax} are allowed.`;
      errors.push(limitExceeded('aliases', message, { max: limits.aliasesMax, actual: measure.aliases }, [operation]));
    }
    if (checks.has('cost') && !(measure.cost <= limits.costMax)) {
      const message = `${capitalized(label)} has an estimated cost of ${measure.cost}; at most ${limits.costMax} is allowed. Ask for smaller pages or fewer nested lists.`;
      errors.push(limitExceeded('cost', message, { max: limits.costMax, actual: measure.cost }, [operation]));
    }
    if (!checks.has('pageSize')) continue;
    for (const { node, value } of measure.pageSizes) {
      if (value === null || (value >= 0 && value <= limits.pageSizeMax)) continue;
      const message = `${print(node)} is outside the page size range 0 to ${limits.pageSizeMax}.`;
      errors.push(limitExceeded('pageSize', message, { max: limits.pageSizeMax, actual: value }, [node]));
    }
  }
  return errors;
}

function describe(operation: OperationDefinitionNode): string {
  return operation.name === undefined ? `the ${operation.operation}` : `${operation.operation} ${operation.name.value}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
