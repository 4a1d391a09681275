/** A non-blank line of a text body with its 1-based line number; a trailing CR (CRLF) is removed. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** Splits a body on LF or CRLF, skipping blank lines (a trailing newline is normal, not a record). */
export function splitLines(body: string): NumberedLine[] {
  const lines: NumberedLine[] = [];
  body.split('\n').forEach((raw, index) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim().length > 0) lines.push({ text, line: index + 1 });
  });
  return lines;
}
