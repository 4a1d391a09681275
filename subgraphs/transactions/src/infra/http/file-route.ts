import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthContext } from '@clearhouse/kernel/auth/context';
import { sendJson } from '@clearhouse/kernel/graphql/index';
import { importCsv } from '../../app/csv-import.ts';
import type { IngestPartner } from '../../app/ingest-partners.ts';
import { admit, report, type RouteContext } from './context.ts';
import { type IngestErrorCode, sendRejection } from './errors.ts';
import { bodyChunks, declaredLength, PayloadTooLargeError } from './request-body.ts';

const uploadRoles = ['OPS', 'ADMIN'] as const;
/** Seconds a client is asked to wait when every upload slot is taken. */
const uploadsBusyRetrySeconds = 5;

type Uploader = { ok: true; user: AuthContext } | { ok: false; code: IngestErrorCode; reason: string };

/**
 * The gateway verified the user's token and forwards the identity signed over the EMPTY body (the upload
 * is streamed through, so it cannot hash it). What the signature authorises is this request's path.
 */
function uploader(context: RouteContext, request: IncomingMessage): Uploader {
  const verdict = context.identifyUploader(request);
  if (verdict.kind === 'error') return { ok: false, code: 'UNAUTHENTICATED', reason: `no valid identity from the gateway (${verdict.reason})` };
  if (verdict.kind === 'anonymous-service') return { ok: false, code: 'UNAUTHENTICATED', reason: 'a file upload needs a signed-in user' };
  const user = verdict.context;
  if (user.expiresAtMs <= Date.now()) return { ok: false, code: 'UNAUTHENTICATED', reason: 'the user token has expired' };
  if (!user.roles.some((role) => (uploadRoles as readonly string[]).includes(role))) return { ok: false, code: 'FORBIDDEN', reason: 'uploading files needs the OPS or ADMIN role' };
  return { ok: true, user };
}

function isCsv(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'text/csv';
}

/**
 * DESIGN.md 3.3: POST /ingest/{code}/file, the csv-report file itself as a text/csv body, streamed into
 * the ingest path in chunks (see importCsv for the chunks and the incomplete last line). 200 when every
 * line parsed, 400 MALFORMED (with the same counts) when some did not. Chunks committed before an upload
 * stops (413, a dropped connection) stay: the same file sent again adds only what is missing.
 */
export async function handleFile(context: RouteContext, partner: IngestPartner, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const who = uploader(context, request);
  if (!who.ok) return sendRejection(response, who.code, who.reason);
  if (!isCsv(request.headers['content-type'])) return sendRejection(response, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be the csv file, as text/csv');
  const declared = declaredLength(request);
  if (declared !== null && declared > context.fileBytesMax) return sendRejection(response, 'PAYLOAD_TOO_LARGE', `a file is at most ${context.fileBytesMax} bytes`);
  if (context.uploadsInProgress.count >= context.fileUploadsConcurrentMax) {
    return sendRejection(response, 'RATE_LIMITED', 'every upload slot is busy', { headers: { 'retry-after': String(uploadsBusyRetrySeconds) } });
  }
  if (!admit(context, partner.partnerId, response)) return;

  context.uploadsInProgress.count += 1;
  try {
    const result = await importCsv(context.deps, partner.partnerId, bodyChunks(request, context.fileBytesMax), context.csv);
    if (!result.ok) return sendRejection(response, 'MALFORMED', `line ${result.line}: ${result.problem}`);
    const body = { lines: result.lines, incompleteLastLine: result.incompleteLastLine, ...report(result) };
    if (result.malformed > 0) return sendRejection(response, 'MALFORMED', `${result.malformed} line(s) cannot be parsed; they are quarantined, the others were ingested`, { body });
    context.log({ level: 'info', msg: 'file ingested', partner: partner.code, user: who.user.sub, lines: result.lines, accepted: result.accepted });
    sendJson(response, 200, body);
  } catch (error) {
    if (!(error instanceof PayloadTooLargeError)) throw error;
    sendRejection(response, 'PAYLOAD_TOO_LARGE', `${error.message}; the chunks read before the limit are stored, a re-upload adds only what is missing`);
  } finally {
    context.uploadsInProgress.count -= 1;
  }
}
