import { type Candidate, candidatesPerBatchMax, type CsvHeader, parseCsvHeader, parseCsvLine } from '../domain/index.ts';
import { readLines, type TextLine } from './byte-lines.ts';
import { addOutcome, emptyOutcome, ingestBatch, type IngestDeps, type IngestOutcome, planBatch, prepareBatch } from './ingest.ts';
import { lineCandidate, linesPerTurn, nextTurn } from './line-candidates.ts';

export const csvSource = 'CSV_REPORT';

export interface CsvImportOptions {
  /** Lines per ingest transaction: bounds memory, not the file. At most `candidatesPerBatchMax`. */
  chunkLinesMax: number;
  /** Characters of line text per ingest transaction: with long lines, a chunk ends before `chunkLinesMax`. */
  chunkCharsMax: number;
  lineBytesMax: number;
}

/**
 * A chunk as large as the ingest path takes (fewer, larger transactions: measured with bench/ingest.ts,
 * 10,000-line chunks stored a file faster than 5,000-line ones), while the character bound keeps two
 * chunks of the longest lines to a few megabytes.
 */
export const csvImportDefaults: CsvImportOptions = { chunkLinesMax: candidatesPerBatchMax, chunkCharsMax: 2_000_000, lineBytesMax: 64 * 1024 };

export type CsvImportResult =
  | ({ ok: true; lines: number; incompleteLastLine: number | null } & IngestOutcome)
  | { ok: false; problem: string; line: number };

/**
 * Streams a csv-report file (DESIGN.md 3.3) into the ingest path: the header once, then the data lines in
 * chunks of `chunkLinesMax`, each chunk one ingest transaction. While one chunk is being stored the next is
 * read, parsed and decided, and no more than that: at most two chunks are held, whatever the file's size. Every
 * line is judged on its own, so an upload that stops half-way has committed whole chunks only, and the
 * same file (or a longer version of it) uploaded again finds every stored line a duplicate.
 *
 * A final line without a line terminator may be a file cut short. It is imported when the header's last
 * column is Timestamp, as in DESIGN.md 3.3: a cut line then always fails the strict timestamp format or
 * the field count, so a line that parses is whole. If it does not parse, or the layout has another last
 * column (where a cut "1.234,50" could still read as "1.234,5"), the line is neither imported nor
 * quarantined but reported as `incompleteLastLine`; the complete file brings it in once.
 */
export async function importCsv(
  deps: IngestDeps,
  partnerId: string,
  body: AsyncIterable<Uint8Array>,
  options: CsvImportOptions = csvImportDefaults,
): Promise<CsvImportResult> {
  const total = emptyOutcome();
  let header: CsvHeader | null = null;
  let lines = 0;
  let incompleteLastLine: number | null = null;
  let candidates: Candidate[] = [];
  let candidateChars = 0;
  let inflight: Promise<{ outcome: IngestOutcome } | { error: unknown }> | null = null;

  const settle = async (): Promise<void> => {
    if (inflight === null) return;
    const settled = await inflight;
    inflight = null;
    if ('error' in settled) throw settled.error;
    addOutcome(total, settled.outcome);
  };
  const flush = async (): Promise<void> => {
    // Prepared and decided while the chunk before is still being stored: nothing is left to do between
    // the two but to check, under the lock, that the decision still stands (ingest.ts, ChunkPlan).
    const prepared = candidates.length === 0 ? null : planBatch(deps, partnerId, prepareBatch(candidates), csvSource);
    candidates = [];
    candidateChars = 0;
    await settle();
    if (prepared === null) return;
    // Settled in `settle`, with a handler attached at once so a failure is never an unhandled rejection.
    inflight = ingestBatch(deps, partnerId, prepared, csvSource).then((outcome) => ({ outcome }), (error: unknown) => ({ error }));
  };

  try {
    for await (const batch of readLines(body, { lineBytesMax: options.lineBytesMax, linesPerBatchMax: options.chunkLinesMax })) {
      for (const line of batch) {
        lines = line.line;
        if (line.text.trim().length === 0 && line.problem === undefined) continue;
        if (header === null) {
          const parsed = parseCsvHeader(line.text);
          if (!parsed.ok || line.problem !== undefined) {
            const problem = line.problem !== undefined ? problemText(line) : `the header row is not usable: ${parsed.ok ? '' : parsed.problem}`;
            await ingestBatch(deps, partnerId, [{ ok: false, reason: 'MALFORMED', detail: problem, raw: line.text, line: line.line }], csvSource);
            return { ok: false, problem, line: line.line };
          }
          header = parsed.header;
          continue;
        }
        const candidate = lineCandidate(line, (text, number) => parseCsvLine(header!, text, number));
        if (!line.terminated && isPossiblyCut(header, candidate)) {
          incompleteLastLine = line.line;
          continue;
        }
        candidates.push(candidate);
        candidateChars += line.text.length;
        if (candidates.length >= options.chunkLinesMax || candidateChars >= options.chunkCharsMax) await flush();
        else if (candidates.length % linesPerTurn === 0) await nextTurn();
      }
    }
    await flush();
    await settle();
  } finally {
    // Whatever stopped the upload (a read error, a body over the limit), the chunk being stored is
    // waited for, so the caller answers only once nothing of this upload is still being written.
    if (inflight !== null) await inflight;
  }
  if (header === null) {
    const problem = 'the file is empty: no header row';
    return { ok: false, problem, line: 1 };
  }
  return { ok: true, lines, incompleteLastLine, ...total };
}

function isPossiblyCut(header: CsvHeader, candidate: Candidate): boolean {
  const timestampLast = header.indexOf.get('Timestamp') === header.width - 1;
  return !timestampLast || (!candidate.ok && candidate.reason === 'MALFORMED');
}

function problemText(line: TextLine): string {
  return line.problem === 'INVALID_UTF8' ? 'the line is not valid UTF-8' : 'the line is too long';
}
