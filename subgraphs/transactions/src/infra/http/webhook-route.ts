import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseWebhookBody, verifyStandardWebhook, type Candidate } from '../../domain/index.ts';
import type { IngestPartner } from '../../app/ingest-partners.ts';
import type { IngestOutcome } from '../../app/ingest.ts';
import { storableCandidate } from '../../app/storable.ts';
import { ingestWebhook, webhookIdCharsMax } from '../../app/webhook-ingest.ts';
import { sendJson } from '@clearhouse/kernel/graphql/index';
import { admit, type RouteContext } from './context.ts';
import { sendRejection } from './errors.ts';
import { declaredLength, readBodyAtMost } from './request-body.ts';
import { signatureRejection, singleHeader } from './signature-problems.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** DESIGN.md 3.1: POST /ingest/{code}/webhook, one transaction, Standard Webhooks signature over the raw bytes. */
export async function handleWebhook(context: RouteContext, partner: IngestPartner, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const bytesMax = context.webhookBytesMax;
  const declared = declaredLength(request);
  const body = declared !== null && declared > bytesMax ? null : await readBodyAtMost(request, bytesMax);
  if (body === null) {
    return sendRejection(response, 'PAYLOAD_TOO_LARGE', `a webhook body is at most ${bytesMax} bytes`);
  }
  const headers = {
    id: singleHeader(request.headers['webhook-id']),
    timestamp: singleHeader(request.headers['webhook-timestamp']),
    signature: singleHeader(request.headers['webhook-signature']),
  };
  const check = verifyStandardWebhook({ headers, body, secrets: partner.secrets, nowMs: Date.now() });
  if (!check.ok) {
    const { code, reason } = signatureRejection(check.problem);
    return sendRejection(response, code, reason);
  }
  const webhookId = headers.id!;
  if (webhookId.length > webhookIdCharsMax) return sendRejection(response, 'INVALID_HEADER', `webhook-id is longer than ${webhookIdCharsMax} characters`);
  if (!admit(context, partner.partnerId, response)) return;

  const candidate = storableCandidate(webhookCandidate(body));
  const result = await ingestWebhook(context.deps, partner.partnerId, webhookId, candidate);
  if (result.repeated) return sendJson(response, 200, { status: 'ALREADY_RECEIVED', webhookId });
  const answer = webhookAnswer(result.outcome, candidate);
  if (answer.status === 'QUARANTINED' && answer.reason === 'MALFORMED') return sendRejection(response, 'MALFORMED', answer.detail ?? 'the body cannot be parsed');
  sendJson(response, 200, answer);
}

function webhookCandidate(body: Buffer): Candidate {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { ok: false, reason: 'MALFORMED', detail: 'the body is not valid UTF-8', raw: lossyUtf8.decode(body) };
  }
  return parseWebhookBody(text);
}

interface WebhookAnswer {
  status: 'ACCEPTED' | 'HELD' | 'DUPLICATE' | 'QUARANTINED';
  reason?: string;
  detail?: string;
}

/**
 * The fate of the one record: a quarantine other than MALFORMED is still a delivery (2xx), with its
 * reason. The record may also release held rollbacks that fail now; their quarantine records are not
 * this record's fate, so the record's own entry is found by its id.
 */
function webhookAnswer(outcome: IngestOutcome, candidate: Candidate): WebhookAnswer {
  const ownId = candidate.ok ? candidate.tx.externalId : (candidate.externalId ?? null);
  const rejected = outcome.rejected.find((record) => record.externalId === ownId);
  if (rejected !== undefined) return { status: 'QUARANTINED', reason: rejected.reason, detail: rejected.detail };
  if (outcome.duplicates > 0) return { status: 'DUPLICATE' };
  if (outcome.held > 0) return { status: 'HELD' };
  return { status: 'ACCEPTED' };
}
