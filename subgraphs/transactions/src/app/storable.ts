import type { Candidate } from '../domain/index.ts';

/**
 * PostgreSQL `text` cannot hold the NUL character, and JSON lets a sender write one ("\u0000"). A NUL
 * that reached an insert would fail the whole batch (a 5xx for the sender and every other record of the
 * batch), so it is dealt with before anything is written: a record whose canonical fields carry a NUL is
 * MALFORMED, and a raw payload or detail keeps the record but shows each NUL as U+2400 (the visible
 * "symbol for null"), which replay would judge MALFORMED again, as it should.
 */
const nul = '\u0000';
const nulSymbol = '\u2400';

function visible(text: string): string {
  return text.includes(nul) ? text.replaceAll(nul, nulSymbol) : text;
}

export function storableCandidate(candidate: Candidate): Candidate {
  if (candidate.ok) {
    const { tx } = candidate;
    const fields = [tx.externalId, tx.roundId, tx.playerId, tx.gameCode, tx.currency, tx.refersTo ?? ''];
    if (!fields.some((field) => field.includes(nul))) return candidate.raw.includes(nul) ? { ...candidate, raw: visible(candidate.raw) } : candidate;
    const failed: Candidate = { ok: false, reason: 'MALFORMED', detail: 'a field contains the NUL character', raw: visible(candidate.raw) };
    if (candidate.line !== undefined) failed.line = candidate.line;
    return failed;
  }
  if (!candidate.raw.includes(nul) && !candidate.detail.includes(nul) && !(candidate.externalId ?? '').includes(nul)) return candidate;
  const cleaned: Candidate = { ...candidate, raw: visible(candidate.raw), detail: visible(candidate.detail) };
  if (candidate.externalId !== undefined) cleaned.externalId = visible(candidate.externalId);
  return cleaned;
}
