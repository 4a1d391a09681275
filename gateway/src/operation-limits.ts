import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, specifiedRules, type ValidationRule } from 'graphql';
import { bodyBytesMax, checkDocument, countTokens, limitExceeded, operationLimitsRule, resolveLimits, type OperationLimits } from './limits/index.ts';

/**
 * The operation limits of gateway/src/limits, wired in the same order for HTTP and WebSocket, all
 * before any resolver runs: size and token count on the text (before parsing), depth, aliases, cost
 * and page size as validation rules (without variables: Apollo caches validation per document),
 * then once more with the variables (page sizes passed as variables) when the operation is resolved.
 */
const badRequest = { status: 400 };

/** Checks on the document's text: refuse a flood without parsing it. A lexing error is left to the parser. */
export function precheckDocument(text: string, limits: OperationLimits): GraphQLError[] {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > bodyBytesMax) {
    return [limitExceeded('bodySize', `The document is ${bytes} bytes; at most ${bodyBytesMax} are allowed.`, { max: bodyBytesMax, actual: bytes })];
  }
  try {
    if (!countTokens(text, limits.tokensMax).exceeded) return [];
  } catch (error) {
    if (error instanceof GraphQLError) return [];
    throw error;
  }
  return [limitExceeded('tokens', `The document has more than ${limits.tokensMax} tokens; at most ${limits.tokensMax} are allowed.`, { max: limits.tokensMax, actual: null })];
}

/** Rules added to graphql's own for Apollo Server (which adds the introspection rule itself when it is off). */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
  return [operationLimitsRule({ limits })];
}

/** The whole rule list for graphql-ws, where nothing else adds the introspection rule. */
export function subscriptionValidationRules(limits: OperationLimits, introspection: boolean): ValidationRule[] {
  return [...specifiedRules, ...limitValidationRules(limits), ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
}

/** Runs checkDocument with the request's variables once the operation is known, before execution. */
export function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const errors = checkDocument(requestContext.document, { schema: requestContext.schema, variables: requestContext.request.variables, limits });
          const [first] = errors;
          if (first === undefined) return;
          throw new GraphQLError(first.message, { nodes: first.nodes, extensions: { ...first.extensions, http: badRequest } });
        },
      };
    },
  };
}

/**
 * graphql's "Did you mean …?" reveals field and type names to someone probing a schema they may not
 * introspect; Apollo removes it over HTTP (hideSchemaDetailsFromClientErrors), this does the same for
 * errors the WebSocket server produces itself.
 */
export function withoutSuggestions(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) =>
    /Did you mean/.test(error.message)
      ? new GraphQLError(error.message.replace(/ ?Did you mean(.+?)\?$/, ''), { nodes: error.nodes, extensions: error.extensions })
      : error,
  );
}

export { resolveLimits, type OperationLimits };
