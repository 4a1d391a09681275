import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatGatewayError } from '../src/errors.ts';

function format(formatted: Record<string, unknown>, error: unknown = new GraphQLError('x')) {
  const logged: Record<string, unknown>[] = [];
  const result = formatGatewayError((entry) => logged.push(entry), () => 'req-42')(formatted as never, error);
  return { result, logged };
}

describe('errors the gateway lets through', () => {
  it('keeps an expected error\'s code and details, without the subgraph\'s name', () => {
    const { result, logged } = format({ message: 'Invalid terms', path: ['setContractTerms'], extensions: { code: 'INVALID_TERMS', fields: [{ path: 'tiers' }], serviceName: 'partners' } });
    expect(result).toEqual({ message: 'Invalid terms', path: ['setContractTerms'], extensions: { code: 'INVALID_TERMS', fields: [{ path: 'tiers' }] } });
    expect(logged).toEqual([]);
  });

  it('masks an unexpected error, which may name internal addresses, with the request id', () => {
    const { result, logged } = format(
      { message: 'request to http://10.1.2.3:4004/graphql failed, reason: connect ECONNREFUSED', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      new GraphQLError('request to http://10.1.2.3:4004/graphql failed'),
    );
    expect(result).toEqual({ message: 'Internal error (request req-42)', extensions: { code: 'INTERNAL', requestId: 'req-42' } });
    expect(logged).toHaveLength(1);
    expect(format({ message: 'x', extensions: { code: 'SUBREQUEST_HTTP_ERROR' } }).result.extensions).toEqual({ code: 'INTERNAL', requestId: 'req-42' });
    expect(format({ message: 'x' }).result.extensions).toEqual({ code: 'INTERNAL', requestId: 'req-42' });
  });

  it('keeps LIMIT_EXCEEDED for a limit refused by a validation rule, which Apollo re-codes', () => {
    const rule = new GraphQLError('too deep', { extensions: { code: 'LIMIT_EXCEEDED', limit: 'depth', max: 12, actual: 13 } });
    const apollo = new GraphQLError('too deep', { originalError: rule, extensions: { ...rule.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } });
    const { result } = format({ message: 'too deep', extensions: { ...apollo.extensions } }, apollo);
    expect(result.extensions).toEqual({ code: 'LIMIT_EXCEEDED', limit: 'depth', max: 12, actual: 13 });
  });
});
