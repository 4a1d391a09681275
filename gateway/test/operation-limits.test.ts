import { ApolloServer } from '@apollo/server';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { resolveLimits } from '../src/limits/index.ts';
import { limitsPlugin, limitValidationRules, precheckDocument, subscriptionValidationRules, withoutSuggestions } from '../src/operation-limits.ts';

const limits = resolveLimits({ depthMax: 3 });
const typeDefs = 'type Query { items(first: Int): [Item!]! } type Item { name: String! child: Item }';

function server(calls: string[]) {
  const schema = buildSchema(typeDefs);
  const fields = schema.getQueryType()!.getFields();
  fields['items']!.resolve = (_root, args: { first?: number }) => {
    calls.push(`items(${args.first})`);
    return [{ name: 'a', child: null }];
  };
  return new ApolloServer({ schema, validationRules: limitValidationRules(limits), plugins: [limitsPlugin(limits)] });
}

async function run(apollo: ApolloServer, query: string, variables?: Record<string, unknown>) {
  const response = await apollo.executeOperation({ query, variables });
  return response.body.kind === 'single' ? response.body.singleResult : null;
}

describe('operation limits wired into Apollo Server', () => {
  it('refuses a page size passed as a variable before any resolver runs, and runs one within it', async () => {
    const calls: string[] = [];
    const apollo = server(calls);
    await apollo.start();
    try {
      const refused = await run(apollo, 'query ($n: Int) { items(first: $n) { name } }', { n: 501 });
      expect(refused?.errors?.[0]?.extensions).toMatchObject({ limit: 'pageSize', max: 500, actual: 501 });
      const deep = await run(apollo, '{ items { child { child { name } } } }');
      expect(deep?.errors?.[0]?.extensions).toMatchObject({ limit: 'depth' });
      expect(calls).toEqual([]);
      const fine = await run(apollo, 'query ($n: Int) { items(first: $n) { name } }', { n: 500 });
      expect(fine?.errors).toBeUndefined();
      expect(calls).toEqual(['items(500)']);
    } finally {
      await apollo.stop();
    }
  });

  it('refuses a token flood or an oversized document from its text alone', () => {
    expect(precheckDocument(`{ ${'name '.repeat(3_001)} }`, limits)[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'tokens' });
    expect(precheckDocument(`#${'x'.repeat(16 * 1024 * 1024)}`, limits)[0]?.extensions).toMatchObject({ limit: 'bodySize' });
    expect(precheckDocument('{ items { name } }', limits)).toEqual([]);
    // Not a GraphQL token: the parser reports it, as it would anyway.
    expect(precheckDocument('{ items ☃ }', limits)).toEqual([]);
  });

  it('gives graphql-ws the spec rules, the limits and, in production, the introspection ban', () => {
    const schema = buildSchema(typeDefs);
    const introspect = parse('{ __schema { queryType { name } } }');
    expect(validate(schema, introspect, subscriptionValidationRules(limits, true))).toEqual([]);
    const banned = validate(schema, introspect, subscriptionValidationRules(limits, false));
    expect(banned.length).toBeGreaterThan(0);
    expect(banned.every((error) => error.message.includes('introspection'))).toBe(true);
    expect(validate(schema, parse('{ nope }'), subscriptionValidationRules(limits, true))).toHaveLength(1);
    expect(validate(schema, parse('{ items { child { child { name } } } }'), subscriptionValidationRules(limits, true))[0]?.extensions['limit']).toBe('depth');
  });

  it('strips field suggestions from error messages', () => {
    const errors = validate(buildSchema(typeDefs), parse('{ itemz { name } }'));
    expect(errors[0]?.message).toContain('Did you mean');
    expect(withoutSuggestions(errors)[0]?.message).toBe('Cannot query field "itemz" on type "Query".');
  });
});
