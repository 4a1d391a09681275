/** A figure of the summary table: what was measured, its value, and the bar it is held to. */
export interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  /** Shown instead of the formatted value (e.g. "12 ms / 40 ms"). */
  display?: string;
  /** Present on the figure the bar is checked against. */
  bar?: { op: '>=' | '<='; target: number };
}

export function passes(figure: Figure): boolean | null {
  if (!figure.bar) return null;
  return figure.bar.op === '>=' ? figure.value >= figure.bar.target : figure.value <= figure.bar.target;
}

/** The q-quantile (0..1) of `values`, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function format(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = unit === 'x' ? 2 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === 'x' ? `${text}x` : unit ? `${text} ${unit}` : text;
}

export function say(bench: string, line: string): void {
  process.stdout.write(`[bench:${bench}] ${line}\n`);
}

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const verdict = passes(figure);
    const bar = figure.bar ? `${figure.bar.op} ${format(figure.bar.target, figure.unit)}` : '';
    return [figure.bench, figure.name, figure.display ?? format(figure.value, figure.unit), bar, verdict === null ? '' : verdict ? 'PASS' : 'MISS'];
  });
  const header = ['bench', 'figure', 'value', 'bar', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs `work`, failing if it takes longer than `ms` (every benchmark is bounded in time). */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
