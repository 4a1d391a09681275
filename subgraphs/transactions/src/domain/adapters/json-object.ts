import { malformed, type Candidate, type RecordOrigin } from '../candidate.ts';
import { JsonObject, parseJsonText } from '../json-text.ts';

/**
 * Parses one JSON record text into an object, or a MALFORMED candidate. The externalId, when the text is
 * an object with a string id field, is kept on the quarantine record so operations can find it.
 */
export function jsonRecord(origin: RecordOrigin): { ok: true; object: JsonObject } | { ok: false; candidate: Candidate } {
  const parsed = parseJsonText(origin.raw);
  if (!parsed.ok) return { ok: false, candidate: malformed(`not JSON: ${parsed.error}`, origin) };
  if (!(parsed.value instanceof JsonObject)) return { ok: false, candidate: malformed('not a JSON object', origin) };
  return { ok: true, object: parsed.value };
}

/** The record's id when it is a usable string, for labelling a quarantine record. */
export function idOf(object: JsonObject, key: string): string | undefined {
  const value = object.get(key);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
