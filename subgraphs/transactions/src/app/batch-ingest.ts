import { type Candidate, candidatesPerBatchMax, parseNdjsonLine } from '../domain/index.ts';
import { readLines } from './byte-lines.ts';
import { ingestBatch, type IngestDeps, type IngestOutcome } from './ingest.ts';
import { lineCandidate, linesPerTurn, nextTurn } from './line-candidates.ts';

export const batchSource = 'NDJSON_BATCH';
/** A batch is judged in one transaction, so it holds at most one chunk of the ingest path. */
export const batchLinesMax = candidatesPerBatchMax;
/** No transaction record comes near this; a longer line is quarantined MALFORMED with its start kept. */
export const batchLineBytesMax = 1024 * 1024;

export type BatchIngestResult = { ok: true; outcome: IngestOutcome } | { ok: false; lines: number };

/**
 * DESIGN.md 3.2: one record per non-blank line, numbered as in the body; a line that is not valid UTF-8
 * spoils only itself. A body of more than `batchLinesMax` records is refused whole (nothing is kept), so
 * that a batch is always stored in one transaction.
 */
export async function ingestNdjsonBatch(deps: IngestDeps, partnerId: string, body: Buffer): Promise<BatchIngestResult> {
  const candidates: Candidate[] = [];
  let lines = 0;
  for await (const batch of readLines([body], { lineBytesMax: batchLineBytesMax, linesPerBatchMax: batchLinesMax })) {
    for (const line of batch) {
      if (line.text.trim().length === 0 && line.problem === undefined) continue;
      lines += 1;
      if (lines > batchLinesMax) continue;
      candidates.push(lineCandidate(line, parseNdjsonLine));
      if (lines % linesPerTurn === 0) await nextTurn();
    }
  }
  if (lines > batchLinesMax) return { ok: false, lines };
  return { ok: true, outcome: await ingestBatch(deps, partnerId, candidates, batchSource) };
}
