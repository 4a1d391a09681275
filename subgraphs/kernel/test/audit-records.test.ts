import { buildSchema, GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import { auditRecordsOf, denialGroupsPerRequestMax, objectOf, summarizeArguments, type FinishedRequest } from '@clearhouse/kernel/audit/index';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { assertPartnerVisible, requireRole } from '@clearhouse/kernel/auth/scope';

const schema = buildSchema(`
  input AdapterInput { type: String!, pollApiKey: String }
  input PartnerInput { code: String!, adapter: AdapterInput! }
  type Partner { id: ID!, name: String }
  type Query { stats(partnerId: ID!): Int, periods(partnerId: ID!): [Int], auditLog(first: Int): [String] }
  type Mutation { createPartner(input: PartnerInput!): Partner, closePeriod(id: ID!): Boolean, importFxRates(xml: String!): Int }
`);
const finance: AuthContext = { sub: 'fiona', roles: ['FINANCE'], partnerId: null, expiresAtMs: 1 };
const partnerUser: AuthContext = { sub: 'pat', roles: ['PARTNER'], partnerId: 'p-1', expiresAtMs: 1 };

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

function fieldError(path: (string | number)[], original: Error): GraphQLError {
  return new GraphQLError(original.message, { path, originalError: original });
}

function request(query: string, overrides: Partial<FinishedRequest> = {}): FinishedRequest {
  const document = parse(query);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return { service: 'test', schema, document, operation, variables: {}, data: null, errors: [], identity: finance, requestId: 'req-1', origin: '10.0.0.9', ...overrides };
}

describe('audit details', () => {
  it('never writes a secret, and bounds long text, long lists and deep nesting', () => {
    const summary = summarizeArguments({
      input: { code: 'NOVA', adapter: { type: 'REST_POLL', pollApiKey: 'k-123', clientSecret: 's', password: 'p', refreshToken: 't' } },
      xml: 'x'.repeat(300),
      ids: Array.from({ length: 21 }, (_, index) => String(index)),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
      rate: 1.5,
      nul: 'a\u0000b',
    }) as Record<string, any>;
    expect(summary.input.adapter).toEqual({ type: 'REST_POLL', pollApiKey: '[redacted]', clientSecret: '[redacted]', password: '[redacted]', refreshToken: '[redacted]' });
    expect(JSON.stringify(summary)).not.toMatch(/k-123/);
    expect(summary.xml).toEqual({ chars: 300, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(summary.ids).toEqual({ items: 21 });
    expect(summary.deep).toEqual({ a: { b: { c: '[nested too deep]' } } });
    expect(summary.rate).toBe('1.5');
    expect(summary.nul).toBe('a\uFFFDb');
  });

  it('names the object by partner, id, ids, FX fixing, returned id, then code', () => {
    expect(objectOf({ partnerId: 'p-1', id: 'x' })).toBe('partner:p-1');
    expect(objectOf({ id: 'period-9' })).toBe('period-9');
    expect(objectOf({ ids: ['q-1', 'q-2'] })).toBe('2 ids');
    expect(objectOf({ date: '2026-11-20', currency: 'USD' })).toBe('fx:2026-11-20:USD');
    expect(objectOf({ input: { code: 'NOVA' } }, 'new-id')).toBe('new-id');
    expect(objectOf({ input: { code: 'NOVA' } })).toBe('code:NOVA');
    expect(objectOf({ xml: '<x/>' })).toBeNull();
  });
});

describe('audit records of a request', () => {
  it('writes a successful mutation with who, what, object, origin and request id', () => {
    const records = auditRecordsOf(request('mutation ($input: PartnerInput!) { created: createPartner(input: $input) { id } }', {
      variables: { input: { code: 'NOVA', adapter: { type: 'REST_POLL', pollApiKey: 'k-123' } } },
      data: { created: { id: 'partner-9' } },
    }));
    expect(records).toEqual([{
      actor: 'fiona', roles: ['FINANCE'], action: 'mutation.createPartner', object: 'partner-9', result: 'OK', origin: '10.0.0.9', requestId: 'req-1',
      details: { service: 'test', args: { input: { code: 'NOVA', adapter: { type: 'REST_POLL', pollApiKey: '[redacted]' } } } },
    }]);
  });

  it('writes a failed mutation with its code, and a denied one once, with the denial', () => {
    const failed = auditRecordsOf(request('mutation { closePeriod(id: "per-1") }', { errors: [fieldError(['closePeriod'], new ClearhouseError('CONFLICT'))] }));
    expect(failed).toMatchObject([{ action: 'mutation.closePeriod', object: 'per-1', result: 'FAILED', details: { code: 'CONFLICT' } }]);
    const denial = thrown(() => requireRole(finance, 'ADMIN'));
    const denied = auditRecordsOf(request('mutation { closePeriod(id: "per-1") }', { errors: [fieldError(['closePeriod'], denial)] }));
    expect(denied).toMatchObject([{ action: 'mutation.closePeriod', result: 'DENIED', details: { code: 'FORBIDDEN', reason: 'role', requiredRoles: ['ADMIN'] } }]);
  });

  it('writes a mutation whose selection failed after it ran as done', () => {
    const records = auditRecordsOf(request('mutation { createPartner(input: { code: "X", adapter: { type: "T" } }) { id name } }', {
      data: { createPartner: { id: 'p-2', name: null } },
      errors: [fieldError(['createPartner', 'name'], new Error('boom'))],
    }));
    expect(records).toMatchObject([{ result: 'OK', object: 'p-2', details: { selectionErrors: 1 } }]);
  });

  it('writes denied reads grouped by field, partner and reason, with a count, and a bounded number of groups', () => {
    const denial = thrown(() => assertPartnerVisible(partnerUser, 'p-2'));
    const records = auditRecordsOf(request('{ a: stats(partnerId: "p-2") b: stats(partnerId: "p-2") }', {
      identity: partnerUser,
      errors: [fieldError(['a'], denial), fieldError(['b'], denial)],
    }));
    expect(records).toEqual([{
      actor: 'pat', roles: ['PARTNER'], action: 'query.stats', object: 'partner:p-2', result: 'DENIED', origin: '10.0.0.9', requestId: 'req-1',
      details: { service: 'test', code: 'NOT_FOUND', reason: 'partner', count: 2 },
    }]);
    const many = Array.from({ length: denialGroupsPerRequestMax + 5 }, (_, index) => fieldError(['periods', index], thrown(() => assertPartnerVisible(partnerUser, `p-${index + 10}`))));
    expect(auditRecordsOf(request('{ periods(partnerId: "x") }', { identity: partnerUser, errors: many }))).toHaveLength(denialGroupsPerRequestMax);
  });

  it('writes every read of the audit log, and nothing for an ordinary query or a plain error', () => {
    expect(auditRecordsOf(request('{ auditLog(first: 2) }'))).toMatchObject([{ action: 'query.auditLog', result: 'OK', details: { args: { first: 2 } } }]);
    expect(auditRecordsOf(request('{ stats(partnerId: "p-1") }', { errors: [fieldError(['stats'], new ClearhouseError('BAD_INPUT'))] }))).toEqual([]);
  });

  it('writes an anonymous caller as no actor', () => {
    const denial = thrown(() => requireRole(null, 'ADMIN'));
    const records = auditRecordsOf(request('mutation { closePeriod(id: "per-1") }', { identity: null, errors: [fieldError(['closePeriod'], denial)] }));
    expect(records).toMatchObject([{ actor: null, roles: [], result: 'DENIED', details: { code: 'UNAUTHENTICATED', reason: 'unauthenticated' } }]);
  });
});
