/**
 * A strict JSON (RFC 8259) parser that never turns a number into a JavaScript `number`: numbers keep
 * their source text, so money and timestamps are read exactly. Objects keep their source text too, so an
 * item of a page can be quarantined with its own raw payload. JSON.parse cannot do either.
 */

/** A JSON number as written in the source, e.g. "1250", "-0.10", "1.7e9". */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object; duplicate keys are rejected because they make a record ambiguous. */
export class JsonObject {
  constructor(
    readonly fields: ReadonlyMap<string, JsonValue>,
    /** The object's exact source text. */
    readonly source: string,
  ) {}

  get(key: string): JsonValue | undefined {
    return this.fields.get(key);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export type JsonParseResult = { ok: true; value: JsonValue } | { ok: false; error: string };

/** Nesting deeper than this is no transaction record; the bound also keeps recursion shallow. */
export const jsonDepthMax = 32;

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const whitespace = new Set([' ', '\t', '\n', '\r']);
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** JSON text of a parsed value: the exact source for objects and numbers (for raw payloads). */
export function jsonTextOf(value: JsonValue): string {
  if (value instanceof JsonObject) return value.source;
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonTextOf).join(',')}]`;
  return JSON.stringify(value);
}

class JsonSyntaxError extends Error {}

export function parseJsonText(text: string): JsonParseResult {
  const parser = new Parser(text);
  try {
    const value = parser.document();
    return { ok: true, value };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.at !== this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private value(depth: number): JsonValue {
    if (depth > jsonDepthMax) this.fail(`nesting deeper than ${jsonDepthMax}`);
    this.skipWhitespace();
    const char = this.text[this.at];
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    if (this.text.startsWith('true', this.at)) return this.literal('true', true);
    if (this.text.startsWith('false', this.at)) return this.literal('false', false);
    if (this.text.startsWith('null', this.at)) return this.literal('null', null);
    return this.fail(char === undefined ? 'unexpected end of text' : `unexpected character ${JSON.stringify(char)}`);
  }

  private object(depth: number): JsonObject {
    const start = this.at;
    this.at += 1;
    const fields = new Map<string, JsonValue>();
    this.skipWhitespace();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return new JsonObject(fields, this.text.slice(start, this.at));
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] !== '"') this.fail('expected a string key');
      const key = this.string();
      if (fields.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.skipWhitespace();
      this.expect(':');
      fields.set(key, this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      this.expect('}');
      return new JsonObject(fields, this.text.slice(start, this.at));
    }
  }

  private array(depth: number): JsonValue[] {
    this.at += 1;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      this.expect(']');
      return items;
    }
  }

  private string(): string {
    this.at += 1;
    let result = '';
    let runStart = this.at;
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) this.fail('unterminated string');
      if (char === '"') {
        result += this.text.slice(runStart, this.at);
        this.at += 1;
        return result;
      }
      if (char < ' ') this.fail('control character in string');
      if (char !== '\\') {
        this.at += 1;
        continue;
      }
      result += this.text.slice(runStart, this.at);
      result += this.escape();
      runStart = this.at;
    }
  }

  private escape(): string {
    const code = this.text[this.at + 1];
    if (code === 'u') {
      const hex = this.text.slice(this.at + 2, this.at + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
      this.at += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const replacement = code === undefined ? undefined : escapes[code];
    if (replacement === undefined) this.fail('bad escape');
    this.at += 2;
    return replacement;
  }

  private number(): JsonNumber {
    numberPattern.lastIndex = this.at;
    const match = numberPattern.exec(this.text);
    if (match === null) this.fail('bad number');
    this.at += match[0].length;
    return new JsonNumber(match[0]);
  }

  private literal<T>(word: string, value: T): T {
    this.at += word.length;
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.at] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.at += 1;
  }

  private skipWhitespace(): void {
    while (whitespace.has(this.text[this.at] ?? '')) this.at += 1;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.at}`);
  }
}
