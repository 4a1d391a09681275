import { describe, expect, it } from 'vitest';
import { JsonNumber, JsonObject, jsonDepthMax, jsonTextOf, parseJsonText } from '../src/domain/json-text.ts';

function value(text: string) {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('exact JSON parsing', () => {
  it('keeps every number as its source text, so no digit is lost to floating point', () => {
    expect(value('123456789012345678901234567890')).toEqual(new JsonNumber('123456789012345678901234567890'));
    expect(value('[0.1, -0, 1.7954784001239e9]')).toEqual([new JsonNumber('0.1'), new JsonNumber('-0'), new JsonNumber('1.7954784001239e9')]);
  });

  it('keeps the exact source text of each object, whitespace included', () => {
    const parsed = value('{"data": [ {"a": 1,  "b": [true]} , {} ]}');
    expect(parsed).toBeInstanceOf(JsonObject);
    const items = (parsed as JsonObject).get('data') as JsonObject[];
    expect(items.map((item) => item.source)).toEqual(['{"a": 1,  "b": [true]}', '{}']);
    expect(jsonTextOf([new JsonNumber('1.50'), 'x', null])).toBe('[1.50,"x",null]');
  });

  it('decodes string escapes, including \\u escapes and surrogate pairs', () => {
    expect(value('"a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00"')).toBe('a"b\\c/d\né😀');
  });

  it('treats keys such as __proto__ as plain data', () => {
    const parsed = value('{"__proto__": {"polluted": true}, "constructor": 1}') as JsonObject;
    expect([...parsed.fields.keys()]).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects what RFC 8259 rejects, and duplicate keys', () => {
    const invalid = ['', '{', '{"a":1,}', '[1,]', '01', '1.', '.5', '+1', 'NaN', 'Infinity', "{'a':1}", '{"a" 1}', '"\t"', '"\\x"', '"\\u12"', 'tru', 'null null', '{"a":1,"a":2}'];
    for (const text of invalid) expect(parseJsonText(text).ok, text).toBe(false);
  });

  it('refuses nesting deeper than its bound instead of exhausting the stack', () => {
    expect(parseJsonText('['.repeat(jsonDepthMax) + ']'.repeat(jsonDepthMax)).ok).toBe(true);
    expect(parseJsonText('['.repeat(jsonDepthMax + 2) + ']'.repeat(jsonDepthMax + 2)).ok).toBe(false);
    expect(parseJsonText('['.repeat(100_000)).ok).toBe(false);
  });
});
