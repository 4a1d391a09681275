import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { RequestContext } from '../graphql/context.ts';
import { auditReadFields, originHeader, type AuditRecord } from './record.ts';
import { auditRecordsOf } from './records.ts';
import type { AuditStore } from './store.ts';

export interface AuditPluginOptions {
  store: AuditStore;
  /** The subgraph's name, kept in each record's details. */
  service: string;
  log: (entry: Record<string, unknown>) => void;
}

/**
 * Writes the audit records of every request a subgraph executes (auditRecordsOf) before its response
 * is sent. Mutations are not written in the use case's own transaction (that belongs to app/), so
 * an append that fails after a mutation committed is logged as an error with the record; a read of the
 * audit log whose own record cannot be written is refused instead, so no read goes unrecorded.
 */
export function auditPlugin(options: AuditPluginOptions): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      const errors: GraphQLError[] = [];
      return {
        async didEncounterErrors(requestContext) {
          errors.push(...requestContext.errors);
        },
        async willSendResponse(requestContext) {
          const context = requestContext.contextValue as Partial<RequestContext>;
          const body = requestContext.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const records = auditRecordsOf({
            service: options.service,
            schema: requestContext.schema,
            document: requestContext.document,
            operation: requestContext.operation,
            variables: requestContext.request.variables,
            data: result.data as Record<string, unknown> | null | undefined,
            errors,
            identity: context.identity ?? null,
            requestId: context.requestId ?? 'unknown',
            origin: requestContext.request.http?.headers.get(originHeader) ?? null,
          });
          const failed = await appendAll(options.store, records, options.log);
          if (failed.some((record) => auditReadFields.some((field) => record.action === `query.${field}`))) {
            requestContext.response.body = {
              kind: 'single',
              singleResult: { errors: [{ message: `Internal error (request ${context.requestId})`, extensions: { code: 'INTERNAL', requestId: context.requestId } }] },
            };
          }
        },
      };
    },
  };
}

/** Appends one after another (each waits for the chain lock anyway); returns the records that failed. */
export async function appendAll(store: AuditStore, records: readonly AuditRecord[], log: (entry: Record<string, unknown>) => void): Promise<AuditRecord[]> {
  const failed: AuditRecord[] = [];
  for (const record of records) {
    try {
      await store.append(record);
    } catch (error) {
      failed.push(record);
      log({ level: 'error', msg: 'audit append failed', record, error: String((error as Error)?.stack ?? error) });
    }
  }
  return failed;
}
