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
    const code = this.text.charCodeAt(this.at);
    if (code === 0x7b /* { */) return this.object(depth);
    if (code === 0x5b /* [ */) return this.array(depth);
    if (code === 0x22 /* " */) return this.string();
    if (code === 0x2d /* - */ || (code >= 0x30 && code <= 0x39)) return this.number();
    if (this.text.startsWith('true', this.at)) return this.literal('true', true);
    if (this.text.startsWith('false', this.at)) return this.literal('false', false);
    if (this.text.startsWith('null', this.at)) return this.literal('null', null);
    const char = this.text[this.at];
    return this.fail(char === undefined ? 'unexpected end of text' : `unexpected character ${JSON.stringify(char)}`);
  }

  private object(depth: number): JsonObject {
    const start = this.at;
    this.at += 1;
    const fields = new Map<string, JsonValue>();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 0x7d /* } */) {
      this.at += 1;
      return new JsonObject(fields, this.text.slice(start, this.at));
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) !== 0x22 /* " */) this.fail('expected a string key');
      const key = this.string();
      if (fields.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.skipWhitespace();
      this.expect(':');
      fields.set(key, this.value(depth + 1));
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) === 0x2c /* , */) {
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
    if (this.text.charCodeAt(this.at) === 0x5d /* ] */) {
      this.at += 1;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) === 0x2c /* , */) {
        this.at += 1;
        continue;
      }
      this.expect(']');
      return items;
    }
  }

  private string(): string {
    this.at += 1;
    const text = this.text;
    const length = text.length;
    let result = '';
    let runStart = this.at;
    for (;;) {
      if (this.at >= length) this.fail('unterminated string');
      const code = text.charCodeAt(this.at);
      if (code === 0x22 /* " */) {
        result += text.slice(runStart, this.at);
        this.at += 1;
        return result;
      }
      if (code < 0x20) this.fail('control character in string');
      if (code !== 0x5c /* \ */) {
        this.at += 1;
        continue;
      }
      result += text.slice(runStart, this.at);
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
    if (this.text.charCodeAt(this.at) !== char.charCodeAt(0)) this.fail(`expected ${JSON.stringify(char)}`);
    this.at += 1;
  }

  private skipWhitespace(): void {
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(this.at);
      // ' ', '\t', '\n', '\r' (NaN past the end is none of them).
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.at += 1;
    }
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.at}`);
  }
}
