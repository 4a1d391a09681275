import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '@clearhouse/kernel/graphql/index';
import { verifyNdjsonBatch } from '../../domain/index.ts';
import { batchLinesMax, ingestNdjsonBatch } from '../../app/batch-ingest.ts';
import type { IngestPartner } from '../../app/ingest-partners.ts';
import { admit, report, type RouteContext } from './context.ts';
import { sendRejection } from './errors.ts';
import { declaredLength, readBodyAtMost } from './request-body.ts';
import { signatureRejection, singleHeader } from './signature-problems.ts';

/**
 * DESIGN.md 3.2: POST /ingest/{code}/batch, ndjson signed with x-signature over "{x-timestamp}.{raw body}".
 * 200 when every line parsed (quarantines for business reasons are listed); 400 MALFORMED when some line
 * did not, with the same report: the other lines are stored all the same.
 */
export async function handleBatch(context: RouteContext, partner: IngestPartner, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const bytesMax = context.batchBytesMax;
  const declared = declaredLength(request);
  const body = declared !== null && declared > bytesMax ? null : await readBodyAtMost(request, bytesMax);
  if (body === null) {
    return sendRejection(response, 'PAYLOAD_TOO_LARGE', `a batch body is at most ${bytesMax} bytes`);
  }
  const check = verifyNdjsonBatch({
    headers: { timestamp: singleHeader(request.headers['x-timestamp']), signature: singleHeader(request.headers['x-signature']) },
    body,
    secrets: partner.secrets,
    nowMs: Date.now(),
  });
  if (!check.ok) {
    const { code, reason } = signatureRejection(check.problem);
    return sendRejection(response, code, reason);
  }
  if (!admit(context, partner.partnerId, response)) return;

  const result = await ingestNdjsonBatch(context.deps, partner.partnerId, body);
  if (!result.ok) return sendRejection(response, 'PAYLOAD_TOO_LARGE', `a batch holds at most ${batchLinesMax} lines, this one ${result.lines}`);
  const { outcome } = result;
  if (outcome.malformed > 0) {
    return sendRejection(response, 'MALFORMED', `${outcome.malformed} line(s) cannot be parsed; they are quarantined, the others were ingested`, { body: report(outcome) });
  }
  sendJson(response, 200, report(outcome));
}
