import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ClearhouseError } from '@clearhouse/kernel';
import { checkFixingCurrency, checkFixingDate, parseRate, type FxFixing } from './fixing.ts';
import { isRetiredEcbCurrency, retiredEcbCurrencies, type SkippedCurrency } from './retired-currencies.ts';

/**
 * Reads the ECB eurofxref XML formats: the daily file (one `<Cube time=…>`) and the 90-day and
 * historical files (many), all shaped
 *   <gesmes:Envelope><Cube><Cube time='YYYY-MM-DD'><Cube currency='USD' rate='1.0823'/>…</Cube>…</Cube></gesmes:Envelope>
 * The import is all or nothing: the first bad entry rejects the whole document, so a half-read file
 * can never leave some days converted with new rates and others with old ones. The one exception is a
 * well-formed entry of a currency the ECB no longer fixes (retired-currencies.ts): it is left out and
 * listed in `skipped`, so that the official historical file can be imported as published.
 */

/** Room for the full ECB history since 1999 in one document, and a bound on what a caller can make us read. */
export const ecbXmlCharsMax = 32 * 1024 * 1024;
/** Entries read, retired ones included. */
export const ecbFixingsMax = 1_000_000;

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Attribute values stay strings: a rate must never pass through a JavaScript number.
  parseAttributeValue: false,
  parseTagValue: false,
  // ECB files carry no entities; leaving them unexpanded shuts the door on entity-expansion attacks.
  processEntities: false,
  isArray: (tagName) => tagName === 'Cube',
  maxNestedTags: 16,
});

export interface EcbDocument {
  /** In document order. */
  fixings: FxFixing[];
  /** Retired currencies left out, one line per currency, in order of first appearance. */
  skipped: SkippedCurrency[];
}

/** Parses an ECB eurofxref document; throws BAD_INPUT or INVALID_RATE naming the date and currency. */
export function parseEcbXml(xml: string): EcbDocument {
  const envelope = readEnvelope(xml);
  const outer = cubesOf(envelope);
  if (outer.length !== 1) {
    throw badInput(`An ECB document has exactly one outer <Cube>; found ${outer.length}.`, { cubes: outer.length });
  }
  const days = cubesOf(outer[0]);
  if (days.length === 0) throw badInput('The document holds no dated <Cube time=…>: nothing to import.');

  const fixings: FxFixing[] = [];
  const skipped = new Map<string, SkippedCurrency>();
  const seen = new Set<string>();
  days.forEach((day, index) => {
    const date = attribute(day, 'time');
    if (date === null) throw badInput(`Dated <Cube> number ${index + 1} has no time attribute.`, { index: index + 1 });
    checkFixingDate(date);
    const rates = cubesOf(day);
    if (rates.length === 0) throw badInput(`The <Cube time='${date}'> holds no rates.`, { date });
    for (const entry of rates) {
      const fixing = readFixing(entry, date, seen);
      if (isRetiredEcbCurrency(fixing.currency)) skip(skipped, fixing);
      else fixings.push(fixing);
      if (seen.size > ecbFixingsMax) {
        throw badInput(`The document holds more than ${ecbFixingsMax} fixings.`, { max: ecbFixingsMax });
      }
    }
  });
  return { fixings, skipped: [...skipped.values()] };
}

function skip(skipped: Map<string, SkippedCurrency>, fixing: FxFixing): void {
  const line = skipped.get(fixing.currency);
  if (line === undefined) {
    const reason = `${fixing.currency} is no longer an ISO 4217 currency (${retiredEcbCurrencies[fixing.currency]}): its fixings can convert nothing.`;
    skipped.set(fixing.currency, { currency: fixing.currency, fixings: 1, firstDate: fixing.date, lastDate: fixing.date, reason });
    return;
  }
  line.fixings += 1;
  if (fixing.date < line.firstDate) line.firstDate = fixing.date;
  if (fixing.date > line.lastDate) line.lastDate = fixing.date;
}

function readEnvelope(xml: string): unknown {
  if (typeof xml !== 'string' || xml.trim().length === 0) throw badInput('The ECB XML document is empty.');
  if (xml.length > ecbXmlCharsMax) {
    throw badInput(`The ECB XML document exceeds ${ecbXmlCharsMax} characters.`, { max: ecbXmlCharsMax });
  }
  if (/<!DOCTYPE/i.test(xml)) throw badInput('DOCTYPE declarations are not accepted in an ECB XML document.');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw badInput(`Malformed XML at line ${line}, column ${col ?? '?'}: ${msg}`, { line, column: col ?? null });
  }
  const document: unknown = parser.parse(xml);
  const envelope = isNode(document) ? document['Envelope'] : undefined;
  if (!isNode(envelope)) throw badInput('Not an ECB eurofxref document: the root element is not an Envelope.');
  return envelope;
}

function readFixing(entry: unknown, date: string, seen: Set<string>): FxFixing {
  const currency = attribute(entry, 'currency');
  if (currency === null) throw badInput(`A rate on ${date} has no currency attribute.`, { date });
  const rate = attribute(entry, 'rate');
  if (rate === null) throw badInput(`The ${currency} entry on ${date} has no rate attribute.`, { date, currency });
  if (!isRetiredEcbCurrency(currency)) checkFixingCurrency(currency, date);
  parseRate(rate, date, currency);
  const key = `${date} ${currency}`;
  if (seen.has(key)) throw badInput(`${currency} appears twice on ${date}.`, { date, currency });
  seen.add(key);
  return { date, currency, rate };
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child <Cube> elements of a node; an element written `<Cube/>` parses as '' and has none. */
function cubesOf(node: unknown): unknown[] {
  if (!isNode(node)) return [];
  const cubes = node['Cube'];
  return Array.isArray(cubes) ? cubes : [];
}

function attribute(node: unknown, name: string): string | null {
  if (!isNode(node)) return null;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : null;
}

function badInput(message: string, details: Record<string, unknown> = {}): ClearhouseError {
  return new ClearhouseError('BAD_INPUT', message, details);
}
