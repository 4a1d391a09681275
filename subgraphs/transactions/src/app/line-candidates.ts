import type { Candidate } from '../domain/index.ts';
import type { TextLine } from './byte-lines.ts';

/**
 * The candidate of one line of a line-based body: a line the reader could not deliver whole (invalid
 * UTF-8, over the length bound) is MALFORMED with what could be shown of it; any other goes to `parse`.
 */
export function lineCandidate(line: TextLine, parse: (text: string, line: number) => Candidate): Candidate {
  switch (line.problem) {
    case undefined:
      return parse(line.text, line.line);
    case 'INVALID_UTF8':
      return { ok: false, reason: 'MALFORMED', detail: 'the line is not valid UTF-8', raw: line.text, line: line.line };
    case 'TOO_LONG':
      return { ok: false, reason: 'MALFORMED', detail: 'the line is too long (its start is kept)', raw: line.text, line: line.line };
  }
}

/**
 * Lines parsed between two turns of the event loop. Parsing a chunk is one long stretch of CPU work;
 * broken up, it lets another chunk's database work (which holds its partner's lock) go on between
 * the pieces instead of waiting for the whole chunk to be parsed.
 */
export const linesPerTurn = 500;

/** Gives the event loop a turn (pending I/O runs first), so parsing does not stall a transaction. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
