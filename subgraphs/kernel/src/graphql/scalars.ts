import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseDecimal } from '../money.ts';

function badValue(name: string, detail: string): GraphQLError {
  return new GraphQLError(`${name}: ${detail}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Exact decimal, serialised as a string; never accepted as a GraphQL Float (that would round). */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number, as a string such as "1234.50".',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || parseDecimal(value, { leadingZeros: true }) === null) throw badValue('Decimal', 'expected a decimal string such as "12.50"');
    return value;
  },
  parseLiteral: (node: ValueNode) => {
    if (node.kind !== Kind.STRING || parseDecimal(node.value, { leadingZeros: true }) === null) throw badValue('Decimal', 'expected a decimal string such as "12.50"');
    return node.value;
  },
});

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO 8601 instant, serialised in UTC (2026-11-20T21:15:03.120Z).',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !isoInstant.test(value) || Number.isNaN(Date.parse(value))) throw badValue('DateTime', 'expected an ISO 8601 instant');
    return new Date(value);
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING || !isoInstant.test(node.value)) throw badValue('DateTime', 'expected an ISO 8601 instant');
    return new Date(node.value);
  },
});

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: unknown): string {
  if (typeof value !== 'string' || !isoDate.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw badValue('Date', 'expected YYYY-MM-DD');
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: checkDate,
  parseLiteral: (node) => checkDate(node.kind === Kind.STRING ? node.value : null),
});

function literalToJson(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      // Kept as text: a JSON number literal in terms must not lose digits.
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalToJson(field.value)]));
    default:
      throw badValue('JSON', 'variables are not allowed inside a JSON literal');
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});
