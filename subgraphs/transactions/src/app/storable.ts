import type { Candidate } from '../domain/index.ts';

/**
 * Text PostgreSQL cannot store as sent: `text` cannot hold NUL, and a lone UTF-16 surrogate (which a
 * JSON "\ud800" escape produces) has no UTF-8 form, so it would be stored altered, or refused inside a
 * jsonb parameter. Either would fail a whole batch (a 5xx for every record in it) or make a stored id
 * differ from the one sent. So before anything is written: a record whose canonical fields hold such
 * text is MALFORMED, and a raw payload or detail keeps the record but shows each NUL as U+2400 (the
 * visible "symbol for null") and each lone surrogate as U+FFFD. Replay judges such a raw MALFORMED
 * again, as it should.
 */
const unstorablePattern = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorableAll = new RegExp(unstorablePattern.source, 'g');
/** A cheap first look (every record passes here): most text has neither NUL nor any surrogate. */
const suspicious = /[\u0000\uD800-\uDFFF]/;

const unstorable = { test: (text: string): boolean => suspicious.test(text) && unstorablePattern.test(text) };

function visible(text: string): string {
  return unstorable.test(text) ? text.replace(unstorableAll, (char) => (char === '\u0000' ? '\u2400' : '\uFFFD')) : text;
}

export function storableCandidate(candidate: Candidate): Candidate {
  if (candidate.ok) {
    const { tx } = candidate;
    // The quick look over all fields at once: joining text adds no NUL and no surrogate (though it could
    // pair two lone ones, so a hit is judged field by field).
    const joined = tx.externalId + tx.roundId + tx.playerId + tx.gameCode + tx.currency + (tx.refersTo ?? '');
    const clean = !suspicious.test(joined) || ![tx.externalId, tx.roundId, tx.playerId, tx.gameCode, tx.currency, tx.refersTo ?? ''].some((field) => unstorable.test(field));
    if (clean) return unstorable.test(candidate.raw) ? { ...candidate, raw: visible(candidate.raw) } : candidate;
    const failed: Candidate = { ok: false, reason: 'MALFORMED', detail: 'a field holds a NUL character or a lone surrogate', raw: visible(candidate.raw) };
    if (candidate.line !== undefined) failed.line = candidate.line;
    return failed;
  }
  if (!unstorable.test(candidate.raw) && !unstorable.test(candidate.detail) && !unstorable.test(candidate.externalId ?? '')) return candidate;
  const cleaned: Candidate = { ...candidate, raw: visible(candidate.raw), detail: visible(candidate.detail) };
  if (candidate.externalId !== undefined) cleaned.externalId = visible(candidate.externalId);
  return cleaned;
}
