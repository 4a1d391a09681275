import {
  getArgumentValues,
  getVariableValues,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthContext } from '../auth/context.ts';
import { AccessDeniedError, type Denial } from '../auth/scope.ts';
import { ClearhouseError } from '../errors.ts';
import { auditReadFields, objectOf, summarizeArguments, type AuditRecord, type AuditResult } from './record.ts';

/** One GraphQL request as a subgraph finished it: what the audit log needs to know of it. */
export interface FinishedRequest {
  service: string;
  schema: GraphQLSchema;
  document: DocumentNode | undefined;
  operation: OperationDefinitionNode | undefined;
  variables: Readonly<Record<string, unknown>> | undefined;
  data: Readonly<Record<string, unknown>> | null | undefined;
  errors: readonly GraphQLError[];
  identity: AuthContext | null;
  requestId: string;
  origin: string | null;
}

/**
 * Denials are grouped (same field, reason and partner) and counted, and at most this many groups are
 * written per request: a list whose every item is refused must not write one row per item.
 */
export const denialGroupsPerRequestMax = 20;
const rootFragmentDepthMax = 8;

interface RootField {
  responseKey: string;
  name: string;
  node: FieldNode;
}

function rootFields(selectionSet: SelectionSetNode, document: DocumentNode | undefined, depth = 0): RootField[] {
  if (depth > rootFragmentDepthMax) return [];
  return selectionSet.selections.flatMap((selection): RootField[] => {
    switch (selection.kind) {
      case Kind.FIELD:
        return [{ responseKey: selection.alias?.value ?? selection.name.value, name: selection.name.value, node: selection }];
      case Kind.INLINE_FRAGMENT:
        return rootFields(selection.selectionSet, document, depth + 1);
      case Kind.FRAGMENT_SPREAD: {
        const fragment = document?.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
        return fragment?.kind === Kind.FRAGMENT_DEFINITION ? rootFields(fragment.selectionSet, document, depth + 1) : [];
      }
      default:
        return [];
    }
  });
}

function denialOf(error: GraphQLError): { denial: Denial; code: string } | null {
  const original = error.originalError;
  return original instanceof AccessDeniedError ? { denial: original.denial, code: original.code } : null;
}

function codeOf(error: GraphQLError): string {
  if (error.originalError instanceof ClearhouseError) return error.originalError.code;
  const code = error.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL';
}

function denialDetails(denial: Denial, code: string): Record<string, unknown> {
  return { code, reason: denial.reason, ...(denial.requiredRoles ? { requiredRoles: [...denial.requiredRoles] } : {}) };
}

/** The audit records of one request: each mutation field and audited read, then each group of denials. */
export function auditRecordsOf(request: FinishedRequest): AuditRecord[] {
  const { operation, identity } = request;
  if (operation === undefined) return [];
  const base = { actor: identity?.sub ?? null, roles: identity?.roles ?? [], origin: request.origin, requestId: request.requestId };
  const kind = operation.operation;
  const rootType = request.schema.getRootType(kind);
  const fields = rootFields(operation.selectionSet, request.document);
  const records: AuditRecord[] = [];
  const explained = new Set<GraphQLError>();

  let variables: Record<string, unknown> | null = null;
  const coerced = getVariableValues(request.schema, operation.variableDefinitions ?? [], { ...(request.variables ?? {}) });
  if ('coerced' in coerced && coerced.coerced !== undefined) variables = coerced.coerced;

  for (const field of fields) {
    if (kind !== 'mutation' && !(kind === 'query' && auditReadFields.includes(field.name))) continue;
    const definition = rootType?.getFields()[field.name];
    let args: Record<string, unknown> = {};
    try {
      if (definition !== undefined && variables !== null) args = getArgumentValues(definition, field.node, variables);
    } catch {
      args = {};
    }
    const fieldErrors = request.errors.filter((error) => error.path?.[0] === field.responseKey);
    for (const error of fieldErrors) explained.add(error);
    const denied = fieldErrors.map(denialOf).find((found) => found !== null);
    const failed = fieldErrors.find((error) => error.path?.length === 1);
    const result: AuditResult = denied ? 'DENIED' : failed ? 'FAILED' : 'OK';
    const value = request.data?.[field.responseKey];
    const resultId = value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null;
    const details: Record<string, unknown> = { service: request.service, args: summarizeArguments(args) };
    if (denied) Object.assign(details, denialDetails(denied.denial, denied.code));
    else if (failed) details['code'] = codeOf(failed);
    else if (fieldErrors.length > 0) details['selectionErrors'] = fieldErrors.length;
    const partnerId = denied?.denial.partnerId;
    records.push({
      ...base,
      action: `${kind}.${field.name}`,
      object: partnerId !== undefined ? `partner:${partnerId}` : objectOf(args, resultId),
      result,
      details,
    });
  }

  const groups = new Map<string, { record: AuditRecord; count: number }>();
  for (const error of request.errors) {
    if (explained.has(error)) continue;
    const found = denialOf(error);
    if (found === null) continue;
    const responseKey = error.path?.[0];
    const fieldName = fields.find((field) => field.responseKey === responseKey)?.name ?? String(responseKey ?? 'unknown');
    const action = `${kind}.${fieldName}`;
    const object = found.denial.partnerId === undefined ? null : `partner:${found.denial.partnerId}`;
    const key = JSON.stringify([action, object, found.denial.reason, found.code]);
    const group = groups.get(key);
    if (group !== undefined) {
      group.count += 1;
      continue;
    }
    if (groups.size >= denialGroupsPerRequestMax) continue;
    groups.set(key, {
      record: { ...base, action, object, result: 'DENIED', details: { service: request.service, ...denialDetails(found.denial, found.code) } },
      count: 1,
    });
  }
  for (const { record, count } of groups.values()) records.push(count === 1 ? record : { ...record, details: { ...record.details, count } });
  return records;
}
