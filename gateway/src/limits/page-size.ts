import { Kind, type ArgumentNode, type FieldNode, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { pageSizeArguments } from './config.ts';

export type VariableValues = Readonly<Record<string, unknown>>;

/** Reads page-size arguments under one operation, whose variables may or may not be known yet. */
export interface PageSizeReader {
  /** The `first`/`limit` arguments of a field with their values; null where the value is not known. */
  arguments(field: FieldNode): Array<{ node: ArgumentNode; value: number | null }>;
}

export function pageSizeReader(operation: OperationDefinitionNode, variables: VariableValues | undefined): PageSizeReader {
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue !== undefined) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const valueOf = (node: ValueNode): number | null => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind !== Kind.VARIABLE) return null;
    const name = node.name.value;
    if (variables !== undefined && Object.hasOwn(variables, name)) {
      const value = variables[name];
      return typeof value === 'number' && Number.isInteger(value) ? value : null;
    }
    const fallback = defaults.get(name);
    return fallback?.kind === Kind.INT ? Number(fallback.value) : null;
  };
  return {
    arguments: (field) =>
      (field.arguments ?? [])
        .filter((argument) => pageSizeArguments.includes(argument.name.value))
        .map((argument) => ({ node: argument, value: valueOf(argument.value) })),
  };
}
