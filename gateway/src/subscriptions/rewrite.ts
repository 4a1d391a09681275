import {
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
  print,
  visit,
} from 'graphql';

/** How a subscription field is resolved per event: a query field taking the event's id. */
export const eventQueryFields: Record<string, { queryField: string; idArgument: string }> = {
  settlementDeltas: { queryField: 'settlementDelta', idArgument: 'id' },
  alerts: { queryField: 'alert', idArgument: 'id' },
};

export const eventIdVariable = '__clearhouseEventId';
/** Batched per-event queries: alias `${batchAliasPrefix}${i}` resolves the event in `$${batchVariablePrefix}${i}`. */
export const batchAliasPrefix = 'clearhouseEvent';
export const batchVariablePrefix = '__clearhouseEvent';

export interface SubscriptionPlan {
  rootField: string;
  /** Key under which the client expects the event (alias or field name). */
  responseKey: string;
  /** Argument values of the subscription field, variables substituted. */
  args: Record<string, unknown>;
  /** The per-event query, printed, and the variables it uses. */
  query: string;
  queryVariables: Record<string, unknown>;
  /** What batchQuery() repeats: the event field, the operation's variables and fragments. */
  parts: { operation: OperationDefinitionNode; eventField: FieldNode; variableDefinitions: readonly VariableDefinitionNode[]; fragments: readonly DefinitionNode[] };
}

function usedVariables(node: unknown): Set<string> {
  const names = new Set<string>();
  visit(node as DocumentNode, { Variable: (variable) => void names.add(variable.name.value) });
  return names;
}

function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const argument = field.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return undefined;
  const value = argument.value;
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.INT:
      return Number(value.value);
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

/**
 * Turns `subscription { settlementDeltas(partnerId: …) { …selection } }` into
 * `query ($__clearhouseEventId: ID!) { settlementDeltas: settlementDelta(id: $__clearhouseEventId) { …selection } }`,
 * so the gateway resolves each event's selection, fields of other subgraphs included.
 */
export function planSubscription(document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown>): SubscriptionPlan {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations[0];
  if (!operation || operation.operation !== 'subscription') throw new Error('not a subscription operation');
  const fields = operation.selectionSet.selections.filter((selection): selection is FieldNode => selection.kind === Kind.FIELD);
  if (fields.length !== 1 || operation.selectionSet.selections.length !== 1) throw new Error('a subscription selects exactly one root field');
  const field = fields[0]!;
  const rootField = field.name.value;
  const target = eventQueryFields[rootField];
  if (!target) throw new Error(`unknown subscription field ${rootField}`);
  const responseKey = field.alias?.value ?? rootField;

  const args: Record<string, unknown> = {};
  for (const argument of field.arguments ?? []) args[argument.name.value] = argumentValue(field, argument.name.value, variables);

  const queryField: FieldNode = {
    ...field,
    alias: { kind: Kind.NAME, value: responseKey },
    name: { kind: Kind.NAME, value: target.queryField },
    arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: target.idArgument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: eventIdVariable } } }],
  };
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  // Only the selection and fragments count: the operation's own variable definitions are not uses.
  const used = usedVariables({ kind: Kind.DOCUMENT, definitions: [{ kind: Kind.SELECTION_SET, selections: [queryField] }, ...fragments] });
  const variableDefinitions: VariableDefinitionNode[] = (operation.variableDefinitions ?? []).filter((definition) => used.has(definition.variable.name.value));
  variableDefinitions.push({
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: eventIdVariable } },
    type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
  });
  const queryOperation: OperationDefinitionNode = {
    ...operation,
    operation: 'query' as OperationDefinitionNode['operation'],
    variableDefinitions,
    selectionSet: { kind: Kind.SELECTION_SET, selections: [queryField] },
  };
  const query = print({ kind: Kind.DOCUMENT, definitions: [queryOperation, ...fragments] });
  const queryVariables: Record<string, unknown> = {};
  for (const definition of variableDefinitions) {
    const name = definition.variable.name.value;
    if (name !== eventIdVariable && variables[name] !== undefined) queryVariables[name] = variables[name];
  }
  return {
    rootField, responseKey, args, query, queryVariables,
    parts: { operation, eventField: queryField, variableDefinitions: variableDefinitions.slice(0, -1), fragments },
  };
}

/**
 * The per-event query for `size` events at once: the event field repeated under aliases
 * `clearhouseEvent0…`, each with its own id variable `$__clearhouseEvent0…`. The gateway plans it
 * once per size and fetches all events in one request per subgraph (entity fetches included).
 */
export function batchQuery(plan: SubscriptionPlan, size: number): string {
  const { operation, eventField, variableDefinitions, fragments } = plan.parts;
  const fields: FieldNode[] = [];
  const definitions: VariableDefinitionNode[] = [...variableDefinitions];
  const target = eventQueryFields[plan.rootField]!;
  for (let index = 0; index < size; index++) {
    const variable = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: `${batchVariablePrefix}${index}` } } as const;
    fields.push({
      ...eventField,
      alias: { kind: Kind.NAME, value: `${batchAliasPrefix}${index}` },
      arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: target.idArgument }, value: variable }],
    });
    definitions.push({ kind: Kind.VARIABLE_DEFINITION, variable, type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } } });
  }
  const batched: OperationDefinitionNode = {
    ...operation,
    operation: 'query' as OperationDefinitionNode['operation'],
    variableDefinitions: definitions,
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
  return print({ kind: Kind.DOCUMENT, definitions: [batched, ...fragments] });
}
