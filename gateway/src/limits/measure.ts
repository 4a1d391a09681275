import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { assertUnreachable } from '@clearhouse/kernel';
import type { OperationLimits } from './config.ts';
import { pageSizeReader, type PageSizeReader, type VariableValues } from './page-size.ts';

/** What one operation asks for, with every fragment spread followed. */
export interface OperationMeasure {
  /** Infinity when a fragment spreads itself, directly or through others. */
  depth: number;
  aliases: number;
  cost: number;
  /** The first fragment cycle found, as names along it (`['A', 'B', 'A']`), or null. */
  fragmentCycle: string[] | null;
  /** Every `first`/`limit` argument the operation reaches, once each; value null when not known yet. */
  pageSizes: Array<{ node: ArgumentNode; value: number | null }>;
}

interface Totals {
  depth: number;
  aliases: number;
  cost: number;
}

const nothing: Totals = { depth: 0, aliases: 0, cost: 0 };
const introspectionRoots = new Set(['__schema', '__type']);

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Walks the operation once. Each fragment is measured once and remembered, so a document that
 * spreads fragments into each other many times over costs linear time to measure, however large the
 * selection it expands to; a fragment met again while it is still being measured is a cycle.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  options: { schema?: GraphQLSchema | undefined; variables?: VariableValues | undefined; limits: OperationLimits },
): OperationMeasure {
  const walker = new Walker(fragments, options.schema, pageSizeReader(operation, options.variables), options.limits);
  const root = options.schema?.getRootType(operation.operation) ?? null;
  const totals = walker.selectionSet(operation.selectionSet, root);
  return { ...totals, fragmentCycle: walker.cycle, pageSizes: walker.pageSizes };
}

class Walker {
  readonly pageSizes: OperationMeasure['pageSizes'] = [];
  cycle: string[] | null = null;
  private readonly measured = new Map<string, Totals>();
  private readonly inProgress: string[] = [];

  constructor(
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly schema: GraphQLSchema | undefined,
    private readonly reader: PageSizeReader,
    private readonly limits: OperationLimits,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null): Totals {
    let depth = 0;
    let aliases = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      const part = this.selection(selection, parent);
      depth = Math.max(depth, part.depth);
      aliases += part.aliases;
      cost += part.cost;
    }
    return { depth, aliases, cost };
  }

  private selection(selection: SelectionNode, parent: GraphQLCompositeType | null): Totals {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(selection, parent);
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? this.compositeType(selection.typeCondition.name.value) : parent;
        return this.selectionSet(selection.selectionSet, type);
      }
      case Kind.FRAGMENT_SPREAD:
        return this.fragment(selection.name.value);
      default:
        return assertUnreachable(selection);
    }
  }

  private field(field: FieldNode, parent: GraphQLCompositeType | null): Totals {
    const aliased = field.alias === undefined ? 0 : 1;
    if (this.limits.ignoreIntrospection && introspectionRoots.has(field.name.value)) return { ...nothing, aliases: aliased };
    const definition = parent !== null && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name.value] : undefined;
    const childType = definition === undefined ? null : getNamedType(definition.type);
    const child =
      field.selectionSet === undefined
        ? nothing
        : this.selectionSet(field.selectionSet, childType !== null && isCompositeType(childType) ? childType : null);
    const multiplier = this.multiplier(field, definition);
    // A page of zero items costs the field itself only (and never Infinity times zero).
    const childCost = multiplier === 0 ? 0 : multiplier * child.cost;
    return { depth: 1 + child.depth, aliases: aliased + child.aliases, cost: 1 + childCost };
  }

  /** A list's selection is paid once per item: its `first`/`limit`, else the default page for a list type. */
  private multiplier(field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number {
    const pageSizes = this.reader.arguments(field);
    this.pageSizes.push(...pageSizes);
    if (pageSizes.length > 0) return Math.max(...pageSizes.map(({ value }) => Math.max(0, value ?? this.limits.pageSizeDefault)));
    return definition !== undefined && isListType(getNullableType(definition.type)) ? this.limits.pageSizeDefault : 1;
  }

  private fragment(name: string): Totals {
    const known = this.measured.get(name);
    if (known !== undefined) return known;
    const open = this.inProgress.indexOf(name);
    if (open >= 0) {
      this.cycle ??= [...this.inProgress.slice(open), name];
      return { ...nothing, depth: Number.POSITIVE_INFINITY };
    }
    const definition = this.fragments.get(name);
    // An unknown fragment is the spec rules' to report; it adds nothing here.
    if (definition === undefined) return nothing;
    this.inProgress.push(name);
    const totals = this.selectionSet(definition.selectionSet, this.compositeType(definition.typeCondition.name.value));
    this.inProgress.pop();
    this.measured.set(name, totals);
    return totals;
  }

  private compositeType(name: string): GraphQLCompositeType | null {
    const type = this.schema?.getType(name);
    return type !== undefined && isCompositeType(type) ? type : null;
  }
}
