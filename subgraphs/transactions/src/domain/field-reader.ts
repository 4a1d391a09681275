import { JsonNumber, JsonObject, type JsonValue } from './json-text.ts';

/** Identifiers and codes longer than this are not ids but garbage (or an attack on storage). */
export const textFieldLengthMax = 256;

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Reads the typed fields of one wire record and remembers the first problem (a missing or ill-typed
 * field). Getters return a placeholder after a problem; `finish` guarantees none of them is used.
 */
export class FieldReader {
  private problem: string | null = null;

  constructor(private readonly lookup: (key: string) => JsonValue | undefined) {}

  static ofJson(object: JsonObject): FieldReader {
    return new FieldReader((key) => object.get(key));
  }

  /** A non-empty string of bounded length. */
  text(key: string): string {
    const value = this.lookup(key);
    if (typeof value !== 'string') return this.fail(key, value, 'a string', '');
    if (value.length === 0 || value.length > textFieldLengthMax) return this.fail(key, value, `1 to ${textFieldLengthMax} characters`, '');
    return value;
  }

  /** A string that must be one of the table's keys; the table maps wire words to domain values. */
  choice<T>(key: string, table: ReadonlyMap<string, T>, fallback: T): T {
    const value = this.lookup(key);
    const chosen = typeof value === 'string' ? table.get(value) : undefined;
    if (chosen === undefined) return this.fail(key, value, `one of ${[...table.keys()].join(', ')}`, fallback);
    return chosen;
  }

  /** A JSON boolean, or with `numeric` also the JSON numbers 0 and 1. */
  flag(key: string, options: { numeric: boolean }): boolean {
    const value = this.lookup(key);
    if (typeof value === 'boolean') return value;
    if (options.numeric && value instanceof JsonNumber && (value.text === '0' || value.text === '1')) return value.text === '1';
    return this.fail(key, value, options.numeric ? 'true, false, 0 or 1' : 'true or false', false);
  }

  /** The source text of a JSON number. */
  numberText(key: string): string {
    const value = this.lookup(key);
    if (!(value instanceof JsonNumber)) return this.fail(key, value, 'a number', '0');
    return value.text;
  }

  /** A non-empty string, or null when absent, null or of another type (references are optional). */
  optionalText(key: string): string | null {
    const value = this.lookup(key);
    return typeof value === 'string' && value.length > 0 && value.length <= textFieldLengthMax ? value : null;
  }

  /** Parses a field's text with `parse`; null from `parse` is a problem. */
  parsed<T>(key: string, text: string, parse: (text: string) => T | null, expected: string, fallback: T): T {
    if (this.problem !== null) return fallback;
    const value = parse(text);
    if (value === null) return this.fail(key, text, expected, fallback);
    return value;
  }

  finish<T>(build: () => T): ReadResult<T> {
    if (this.problem !== null) return { ok: false, problem: this.problem };
    return { ok: true, value: build() };
  }

  private fail<T>(key: string, value: JsonValue | undefined, expected: string, fallback: T): T {
    this.problem ??= value === undefined ? `${key} is missing` : `${key} must be ${expected}, got ${describe(value)}`;
    return fallback;
  }
}

function describe(value: JsonValue): string {
  const text = value instanceof JsonNumber ? value.text : value instanceof JsonObject ? 'an object' : Array.isArray(value) ? 'an array' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
