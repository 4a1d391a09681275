/**
 * Splits a byte stream into text lines with bounded memory, for the line-based formats (ndjson-batch
 * bodies, csv-report files of millions of lines). Lines are split on the LF byte, which never occurs
 * inside a UTF-8 multi-byte sequence, and each line is decoded on its own: invalid UTF-8 spoils only
 * its line, which is reported, not the whole body. A trailing CR (CRLF) and a byte order mark at the
 * start of the stream are removed.
 */
export interface TextLine {
  /** The line without its terminator; for a problem line, what can be shown of it. */
  text: string;
  /** 1-based line number in the stream. */
  line: number;
  /** False only for a last line that ended without LF (a file cut short, or simply no final newline). */
  terminated: boolean;
  problem?: 'INVALID_UTF8' | 'TOO_LONG';
}

export interface LineReaderOptions {
  /** A longer line is reported TOO_LONG with its first `lineBytesMax` bytes; the rest is skipped unread. */
  lineBytesMax: number;
  /** Lines per yielded array: bounds what a consumer holds per step. */
  linesPerBatchMax: number;
}

const lf = 0x0a;
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function withoutCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

export async function* readLines(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: LineReaderOptions): AsyncGenerator<TextLine[]> {
  let pending: Buffer = Buffer.alloc(0);
  let skipping = false;
  let lineNumber = 0;
  let out: TextLine[] = [];

  const emit = (line: TextLine): TextLine[] | null => {
    if (line.line === 1 && line.text.startsWith('\uFEFF')) line.text = line.text.slice(1);
    out.push(line);
    if (out.length < options.linesPerBatchMax) return null;
    const full = out;
    out = [];
    return full;
  };

  for await (const piece of source) {
    let chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (skipping) {
      const end = chunk.indexOf(lf);
      if (end < 0) continue;
      skipping = false;
      chunk = chunk.subarray(end + 1);
    }
    const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const lastLf = data.lastIndexOf(lf);
    const block = lastLf < 0 ? null : data.subarray(0, lastLf);
    const rest = lastLf < 0 ? data : data.subarray(lastLf + 1);
    if (block !== null) {
      for (const line of decodeBlock(block, lineNumber, options.lineBytesMax)) {
        const full = emit(line);
        if (full !== null) yield full;
      }
      lineNumber += countLf(block) + 1;
    }
    if (rest.length > options.lineBytesMax) {
      lineNumber += 1;
      const full = emit({ text: lossy.decode(rest.subarray(0, options.lineBytesMax)), line: lineNumber, terminated: true, problem: 'TOO_LONG' });
      if (full !== null) yield full;
      pending = Buffer.alloc(0);
      skipping = true;
    } else {
      // A copy, so the pending bytes do not keep the whole chunk alive.
      pending = Buffer.from(rest);
    }
  }
  if (pending.length > 0) {
    lineNumber += 1;
    const line = decodeLine(pending, lineNumber);
    line.terminated = false;
    const full = emit(line);
    if (full !== null) yield full;
  }
  if (out.length > 0) yield out;
}

function countLf(block: Buffer): number {
  let count = 0;
  for (let at = block.indexOf(lf); at >= 0; at = block.indexOf(lf, at + 1)) count += 1;
  return count;
}

/** The lines of `block` (complete lines joined by LF, without the final LF), numbered after `before`. */
function decodeBlock(block: Buffer, before: number, lineBytesMax: number): TextLine[] {
  let text: string | null = null;
  try {
    text = strict.decode(block);
  } catch {
    text = null;
  }
  const lines: TextLine[] = [];
  if (text !== null) {
    const parts = text.split('\n');
    for (let index = 0; index < parts.length; index += 1) {
      const part = parts[index]!;
      const line: TextLine = { text: withoutCr(part), line: before + index + 1, terminated: true };
      // Characters never outnumber bytes, so this catches every line over the bound that the stream
      // did not already cut (lines arriving whole inside one chunk).
      if (part.length > lineBytesMax) {
        line.text = line.text.slice(0, lineBytesMax);
        line.problem = 'TOO_LONG';
      }
      lines.push(line);
    }
    return lines;
  }
  let start = 0;
  let number = before;
  for (;;) {
    const end = block.indexOf(lf, start);
    number += 1;
    const bytes = block.subarray(start, end < 0 ? block.length : end);
    const line = decodeLine(bytes.length > lineBytesMax ? bytes.subarray(0, lineBytesMax) : bytes, number);
    if (bytes.length > lineBytesMax) line.problem = 'TOO_LONG';
    lines.push(line);
    if (end < 0) return lines;
    start = end + 1;
  }
}

function decodeLine(bytes: Buffer, line: number): TextLine {
  try {
    return { text: withoutCr(strict.decode(bytes)), line, terminated: true };
  } catch {
    return { text: withoutCr(lossy.decode(bytes)), line, terminated: true, problem: 'INVALID_UTF8' };
  }
}
