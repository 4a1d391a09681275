import { parseDecimal } from '../money.ts';

/** Collects per-field validation errors so that finance users see every problem at once. */
export const fieldErrorsMax = 200;
export const listItemsMax = 1000;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export class FieldErrors {
  readonly list: { field: string; message: string }[] = [];

  add(field: string, message: string): void {
    if (this.list.length < fieldErrorsMax) this.list.push({ field, message });
  }

  rejectUnknown(object: Record<string, unknown>, known: readonly string[], path: string): void {
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) this.add(join(path, key), `unknown field; expected one of ${known.join(', ')}`);
    }
  }

  text(
    object: Record<string, unknown>,
    key: string,
    path: string,
    rule: { check: (text: string) => boolean; expected: string },
  ): string | undefined {
    const value = object[key];
    if (typeof value !== 'string' || !rule.check(value)) {
      this.add(join(path, key), value === undefined ? `is required: ${rule.expected}` : `must be ${rule.expected}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(object: Record<string, unknown>, key: string, path: string, values: readonly T[]): T | undefined {
    const value = object[key];
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    this.add(join(path, key), `${value === undefined ? 'is required' : 'is not valid'}: one of ${values.join(', ')}`);
    return undefined;
  }

  optionalBoolean(object: Record<string, unknown>, key: string, path: string): boolean | null {
    const value = object[key];
    if (value === undefined) return null;
    if (typeof value === 'boolean') return value;
    this.add(join(path, key), 'must be true or false');
    return null;
  }

  /** A decimal given as a JSON string: a JSON number would pass money through a float. */
  requiredDecimal(
    object: Record<string, unknown>,
    key: string,
    path: string,
    range: { min?: string; max?: string; minExclusive?: boolean },
  ): string | undefined {
    const value = object[key];
    const field = join(path, key);
    if (value === undefined) {
      this.add(field, 'is required: a decimal string such as "0.12"');
      return undefined;
    }
    const parsed = typeof value === 'string' ? parseDecimal(value) : null;
    if (parsed === null) {
      this.add(field, `must be a decimal string such as "0.12"${typeof value === 'number' ? ', not a JSON number' : ''}`);
      return undefined;
    }
    const belowMin = range.min !== undefined && (range.minExclusive ? parsed.lessThanOrEqualTo(range.min) : parsed.lessThan(range.min));
    const aboveMax = range.max !== undefined && parsed.greaterThan(range.max);
    if (belowMin || aboveMax) {
      const low = range.min === undefined ? '' : `${range.minExclusive ? 'above' : 'at least'} ${range.min}`;
      const high = range.max === undefined ? '' : `at most ${range.max}`;
      this.add(field, `must be ${[low, high].filter((part) => part !== '').join(' and ')}`);
      return undefined;
    }
    return value as string;
  }

  optionalDecimal(
    object: Record<string, unknown>,
    key: string,
    path: string,
    range: { min?: string; max?: string },
  ): string | null {
    if (object[key] === undefined || object[key] === null) return null;
    return this.requiredDecimal(object, key, path, range) ?? null;
  }

  /** An optional, non-empty list of strings; null when absent. */
  optionalList(
    object: Record<string, unknown>,
    key: string,
    path: string,
    check: (item: string) => boolean,
    expected: string,
  ): string[] | null | undefined {
    const value = object[key];
    const field = join(path, key);
    if (value === undefined) return null;
    if (!Array.isArray(value) || value.length === 0 || value.length > listItemsMax) {
      this.add(field, `must be a non-empty list (at most ${listItemsMax}) of ${expected}; leave it out to match any`);
      return undefined;
    }
    let valid = true;
    value.forEach((item: unknown, index) => {
      if (typeof item !== 'string' || !check(item)) {
        this.add(`${field}[${index}]`, `is not valid: expected ${expected}`);
        valid = false;
      }
    });
    return valid ? (value as string[]) : undefined;
  }
}
