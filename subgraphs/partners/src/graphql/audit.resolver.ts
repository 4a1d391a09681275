import { Arg, Ctx, Field, ID, Int, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { ClearhouseError } from '@clearhouse/kernel';
import { auditPageSizeMax, type StoredAuditEntry } from '@clearhouse/kernel/audit/index';
import { requireRole } from '@clearhouse/kernel/auth/scope';
import { DateTimeScalar, JSONScalar } from '@clearhouse/kernel/graphql/index';
import type { PartnersContext } from './context.ts';

/**
 * The audit log, for AUDITOR and ADMIN (DESIGN.md 6). It lives in the partners subgraph only because
 * some subgraph must serve it; the rows are written by every subgraph and the gateway. Each call is
 * itself written to the log by the shared server (auditReadFields), denied calls included.
 */
export enum AuditResult { OK = 'OK', DENIED = 'DENIED', FAILED = 'FAILED' }
registerEnumType(AuditResult, { name: 'AuditResult' });

@ObjectType({ description: 'One audit record; hash = SHA-256(prevHash + canonical JSON of the record).' })
export class AuditLogEntry {
  @Field(() => ID, { description: 'Position in the chain, from 1 without gaps (a decimal integer).' }) seq!: string;
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => String, { nullable: true, description: 'The caller\'s sub; null when no identity was established.' }) actor!: string | null;
  @Field(() => [String]) roles!: string[];
  @Field(() => String, { description: 'What was attempted, such as "mutation.closePeriod" or "gateway.authenticate".' }) action!: string;
  @Field(() => String, { nullable: true }) object!: string | null;
  @Field(() => AuditResult) result!: AuditResult;
  @Field(() => String, { nullable: true, description: 'The client address as the gateway saw it.' }) origin!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => JSONScalar) details!: unknown;
  @Field(() => String) prevHash!: string;
  @Field(() => String) hash!: string;
}

@ObjectType()
export class AuditVerification {
  @Field(() => Boolean) ok!: boolean;
  @Field(() => ID, { nullable: true, description: 'The first seq at which the chain stops verifying; null when intact.' }) firstBrokenSeq!: string | null;
  @Field(() => ID, { description: 'The last seq up to which the chain verifies.' }) intactThroughSeq!: string;
}

const seqPattern = /^\d{1,15}$/;

function toGraphQL(entry: StoredAuditEntry): AuditLogEntry {
  return { ...entry, seq: String(entry.seq), at: new Date(entry.at), roles: [...entry.roles], result: entry.result as AuditResult };
}

@Resolver()
export class AuditResolver {
  @Query(() => [AuditLogEntry], { description: 'Audit records after seq `after` (from the first when omitted), oldest first.' })
  async auditLog(
    @Ctx() context: PartnersContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => ID, { nullable: true }) after?: string,
  ): Promise<AuditLogEntry[]> {
    requireRole(context.identity, 'AUDITOR', 'ADMIN');
    if (!Number.isSafeInteger(first) || first < 1 || first > auditPageSizeMax) throw new ClearhouseError('LIMIT_EXCEEDED', `first must be 1 to ${auditPageSizeMax}`);
    if (after !== undefined && after !== null && !seqPattern.test(after)) throw new ClearhouseError('BAD_INPUT', 'after is a seq, a decimal integer');
    return (await context.audit.page(after ? Number(after) : 0, first)).map(toGraphQL);
  }

  @Query(() => AuditVerification, { description: 'Checks the whole hash chain: a row altered, removed or reordered breaks it.' })
  async verifyAuditLog(@Ctx() context: PartnersContext): Promise<AuditVerification> {
    requireRole(context.identity, 'AUDITOR', 'ADMIN');
    const verdict = await context.audit.verify();
    return {
      ok: verdict.ok,
      firstBrokenSeq: verdict.firstBrokenSeq === null ? null : String(verdict.firstBrokenSeq),
      intactThroughSeq: String(verdict.intactThroughSeq),
    };
  }
}
