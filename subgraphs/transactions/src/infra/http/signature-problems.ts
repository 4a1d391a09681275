import { assertUnreachable } from '@clearhouse/kernel';
import type { SignatureProblem } from '../../domain/index.ts';
import type { IngestErrorCode } from './errors.ts';

export function signatureRejection(problem: SignatureProblem): { code: IngestErrorCode; reason: string } {
  switch (problem) {
    case 'MISSING_HEADER':
      return { code: 'SIGNATURE_MISSING', reason: 'the signature headers are missing' };
    case 'BAD_TIMESTAMP':
      return { code: 'TIMESTAMP_INVALID', reason: 'the signature timestamp is not unix seconds' };
    case 'STALE_TIMESTAMP':
      return { code: 'TIMESTAMP_STALE', reason: 'the signature timestamp is more than 300 s from now' };
    case 'BAD_SIGNATURE':
      return { code: 'SIGNATURE_INVALID', reason: "no signature matches the partner's ingest secret" };
    default:
      return assertUnreachable(problem);
  }
}

/** A header's single value; a repeated header is treated as absent (never pick one of two). */
export function singleHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
