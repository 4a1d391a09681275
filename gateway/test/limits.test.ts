import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  checkDocument,
  checkOperation,
  countTokens,
  depthLimitRule,
  operationLimitsDefault,
  operationLimitsRule,
} from '../src/limits/index.ts';

const schema = buildSchema(`
  type Query {
    partners(first: Int, limit: Int): [Partner!]!
    partner(id: ID!): Partner
  }
  type Partner {
    id: ID!
    name: String!
    parent: Partner
    games(first: Int): [Game!]!
    roles: [String!]!
  }
  type Game { code: String! name: String! }
`);

function nested(levels: number): string {
  return `{ partner(id: "p1") ${'{ parent '.repeat(levels - 2)}{ id }${' }'.repeat(levels - 2)} }`;
}

function limitsOf(errors: readonly GraphQLError[]): string[] {
  for (const error of errors) expect(error.extensions['code']).toBe('LIMIT_EXCEEDED');
  return errors.map((error) => String(error.extensions['limit']));
}

function validated(query: string, variables?: Record<string, unknown>): readonly GraphQLError[] {
  return validate(schema, parse(query), [...specifiedRules, operationLimitsRule(variables === undefined ? {} : { variables })]);
}

describe('operation limits', () => {
  const normal = `
    query Dashboard($n: Int = 20) {
      partners(first: $n) { id name roles games(first: 10) { code name } }
      one: partner(id: "p1") { ...Names parent { ...Names } }
    }
    fragment Names on Partner { id name }`;

  it('lets a normal query through, checked as text and as validation rules', () => {
    expect(checkOperation(normal)).toEqual([]);
    expect(checkOperation(normal, { schema })).toEqual([]);
    expect(validated(normal)).toEqual([]);
  });

  it('lets the standard introspection query through', () => {
    expect(checkOperation(getIntrospectionQuery(), { schema })).toEqual([]);
  });

  it('refuses a query deeper than the maximum and accepts one exactly at it', () => {
    expect(checkOperation(nested(operationLimitsDefault.depthMax))).toEqual([]);
    const errors = checkOperation(nested(operationLimitsDefault.depthMax + 1));
    expect(limitsOf(errors)).toEqual(['depth']);
    expect(errors[0]?.message).toBe('The query is 13 levels deep; at most 12 are allowed.');
    expect(errors[0]?.extensions).toMatchObject({ max: 12, actual: 13 });
  });

  it('follows fragment spreads when measuring depth', () => {
    const query = `
      query Deep { partner(id: "p1") { ...L1 } }
      fragment L1 on Partner { parent { ...L2 } }
      fragment L2 on Partner { parent { ... on Partner { parent { ...L3 } } } }
      fragment L3 on Partner { ${'parent { '.repeat(8)}id${' }'.repeat(8)} }`;
    expect(checkOperation(query)[0]?.message).toBe('Query Deep is 13 levels deep; at most 12 are allowed.');
  });

  it('refuses a fragment cycle instead of looping, in both entry points', () => {
    const query = `
      { partner(id: "p1") { ...A } }
      fragment A on Partner { parent { ...B } }
      fragment B on Partner { parent { ...A } }`;
    const errors = checkOperation(query);
    expect(limitsOf(errors)).toEqual(['depth']);
    expect(errors[0]?.message).toBe('Fragment cycle A → B → A: the depth of the query is unbounded.');
    const ruleErrors = validated(query);
    expect(ruleErrors.some((error) => error.extensions['code'] === 'LIMIT_EXCEEDED')).toBe(true);
  });

  it('refuses an alias flood', () => {
    const aliases = Array.from({ length: 31 }, (_, index) => `a${index}: partner(id: "${index}") { id }`).join(' ');
    const errors = checkOperation(`{ ${aliases} }`);
    expect(limitsOf(errors)).toEqual(['aliases']);
    expect(errors[0]?.message).toBe('The query uses 31 aliases; at most 30 are allowed.');
  });

  it('counts aliases once per fragment spread, and measures a fragment bomb in linear time', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, index) => `fragment F${index} on Partner { x${index}: id ${index + 1 < levels ? `...F${index + 1} ...F${index + 1}` : ''} }`,
    ).join('\n');
    const started = performance.now();
    const errors = checkOperation(`{ partner(id: "p1") { ...F0 } }\n${fragments}`);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(limitsOf(errors)).toEqual(['aliases', 'cost']);
    expect(errors[0]?.extensions['actual']).toBe(2 ** levels - 1);
  });

  it('refuses a token flood by counting, before parsing', () => {
    const flood = `{ ${'id '.repeat(operationLimitsDefault.tokensMax)} }`;
    const errors = checkOperation(flood);
    expect(limitsOf(errors)).toEqual(['tokens']);
    expect(errors[0]?.message).toBe('The document has more than 3000 tokens; at most 3000 are allowed.');
    const huge = `{ ${'id '.repeat(2_000_000)} }`;
    expect(countTokens(huge, 3_000)).toEqual({ count: 3_001, exceeded: true });
  });

  it('refuses a query whose nested pages multiply beyond the cost limit', () => {
    const errors = checkOperation('{ partners(first: 500) { games(first: 500) { code } } }');
    expect(limitsOf(errors)).toEqual(['cost']);
    expect(errors[0]?.extensions).toMatchObject({ max: 50_000, actual: 1 + 500 * (1 + 500) });
  });

  it('costs a list without a page argument at the default page size when the schema is known', () => {
    const query = '{ partners { games { code } } }';
    expect(checkOperation(query, { limits: { costMax: 2_551 }, schema })).toEqual([]);
    expect(limitsOf(checkOperation(query, { limits: { costMax: 2_550 }, schema }))).toEqual(['cost']);
  });

  it('refuses a page size above 500 or below 0, written or passed as a variable', () => {
    expect(limitsOf(checkOperation('{ partners(first: 501) { id } }'))).toEqual(['pageSize']);
    expect(checkOperation('{ partners(limit: -1) { id } }')[0]?.message).toBe('limit: -1 is outside the page size range 0 to 500.');
    expect(checkOperation('{ partners(first: 500) { id } }')).toEqual([]);
    const byVariable = 'query Page($n: Int) { partners(first: $n) { id } }';
    expect(limitsOf(checkOperation(byVariable, { variables: { n: 1_000 } }))).toEqual(['pageSize']);
    expect(checkOperation(byVariable, { variables: { n: 100 } })).toEqual([]);
    expect(limitsOf(checkOperation('query Page($n: Int = 1000) { partners(first: $n) { id } }'))).toEqual(['pageSize']);
  });

  it('checks page sizes given as variables once validation rules are told the values', () => {
    const byVariable = 'query Page($n: Int) { partners(first: $n) { id } }';
    expect(validated(byVariable)).toEqual([]);
    expect(limitsOf(validated(byVariable, { n: 1_000 }))).toEqual(['pageSize']);
    expect(limitsOf(checkDocument(parse(byVariable), { variables: { n: 1_000 } }))).toEqual(['pageSize']);
  });

  it('reports only its own limit from a single-limit rule', () => {
    const query = `{ partners(first: 501) { id } ${Array.from({ length: 31 }, (_, i) => `a${i}: partner(id: "x") { id }`).join(' ')} }`;
    expect(limitsOf(validated(query)).sort()).toEqual(['aliases', 'pageSize']);
    expect(limitsOf(validate(schema, parse(nested(13)), [depthLimitRule()]))).toEqual(['depth']);
    expect(validate(schema, parse(query), [depthLimitRule()])).toEqual([]);
  });

  it('returns the syntax error of a document that does not parse', () => {
    const errors = checkOperation('{ partners( }');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.extensions['code']).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuses a document larger than the body size limit without lexing it', () => {
    const errors = checkOperation(`#${'x'.repeat(16 * 1024 * 1024)}\n{ id }`);
    expect(limitsOf(errors)).toEqual(['bodySize']);
  });
});
