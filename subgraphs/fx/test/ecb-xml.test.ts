import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import { parseEcbXml } from '../src/domain/ecb-xml.ts';

// A copy of shared/examples/basic/wire/eurofxref-hist.xml, so the test needs nothing outside the repository.
const historicalFile = readFileSync(new URL('./fixtures/eurofxref-hist.xml', import.meta.url), 'utf8');

function ecbDocument(days: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>${days}</Cube>
</gesmes:Envelope>`;
}

function oneDay(date: string, entries: string): string {
  return ecbDocument(`<Cube time='${date}'>${entries}</Cube>`);
}

function rejection(xml: string): ClearhouseError {
  try {
    parseEcbXml(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(ClearhouseError);
    return error as ClearhouseError;
  }
  throw new Error('expected the document to be rejected');
}

describe('ECB eurofxref XML', () => {
  it('reads every fixing of the historical example file, newest day first, as written', () => {
    const fixings = parseEcbXml(historicalFile).fixings;
    expect(fixings).toHaveLength(960);
    expect(new Set(fixings.map((fixing) => fixing.date)).size).toBe(88);
    expect(fixings[0]).toEqual({ date: '2026-11-20', currency: 'USD', rate: '1.102444' });
    expect(fixings).toContainEqual({ date: '2026-11-20', currency: 'JPY', rate: '159.26029' });
    expect(fixings).toContainEqual({ date: '2026-11-19', currency: 'GBP', rate: '0.88199' });
    expect(fixings).toContainEqual({ date: '2026-07-22', currency: 'BHD', rate: '0.40372' });
    expect(fixings.at(-1)).toEqual({ date: '2026-07-22', currency: 'KRW', rate: '1441.803162' });
  });

  it('leaves out days on which a currency was not fixed instead of inventing a rate', () => {
    const sekDays = parseEcbXml(historicalFile).fixings.filter((fixing) => fixing.currency === 'SEK');
    expect(sekDays).toHaveLength(80);
    expect(sekDays.map((fixing) => fixing.date)).not.toContain('2026-09-15');
  });

  it('reads the daily file and keeps trailing zeros exactly as published', () => {
    const daily = oneDay(
      '2025-01-17',
      `<Cube currency='USD' rate='1.0300'/><Cube currency='JPY' rate='160.85'/><Cube currency='BGN' rate='1.9558'/>`,
    );
    expect(parseEcbXml(daily).fixings).toEqual([
      { date: '2025-01-17', currency: 'USD', rate: '1.0300' },
      { date: '2025-01-17', currency: 'JPY', rate: '160.85' },
      { date: '2025-01-17', currency: 'BGN', rate: '1.9558' },
    ]);
  });

  it('returns every positive canonical decimal rate as the very string written', () => {
    const rate = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 12 }))
      .map(([whole, fraction]) => (fraction === '' ? `${whole}` : `${whole}.${fraction}`))
      .filter((text) => /[1-9]/.test(text));
    fc.assert(
      fc.property(rate, (text) => {
        expect(parseEcbXml(oneDay('2026-01-05', `<Cube currency='USD' rate='${text}'/>`)).fixings[0]?.rate).toBe(text);
      }),
    );
  });

  it('rejects malformed XML naming the line', () => {
    const error = rejection(oneDay('2026-01-05', `<Cube currency='USD' rate='1.1'>`));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/Malformed XML at line \d+/);
  });

  it('rejects a document that is not an ECB envelope, an empty one and one with no dated cube', () => {
    expect(rejection('<rates><rate currency="USD">1.1</rate></rates>').code).toBe('BAD_INPUT');
    expect(rejection('   ').code).toBe('BAD_INPUT');
    expect(rejection(ecbDocument('')).message).toMatch(/nothing to import/);
    expect(rejection(oneDay('2026-01-05', '')).details).toEqual({ date: '2026-01-05' });
  });

  it('rejects a DOCTYPE, so no entity can be expanded', () => {
    const xml = `<!DOCTYPE Envelope [<!ENTITY r "1.1">]>${ecbDocument(`<Cube time='2026-01-05'><Cube currency='USD' rate='&r;'/></Cube>`)}`;
    expect(rejection(xml).message).toMatch(/DOCTYPE/);
  });

  it('rejects missing time, currency and rate attributes', () => {
    expect(rejection(ecbDocument(`<Cube><Cube currency='USD' rate='1.1'/></Cube>`)).message).toMatch(/no time attribute/);
    expect(rejection(oneDay('2026-01-05', `<Cube rate='1.1'/>`)).details).toEqual({ date: '2026-01-05' });
    const noRate = rejection(oneDay('2026-01-05', `<Cube currency='USD'/>`));
    expect([noRate.code, noRate.details]).toEqual(['BAD_INPUT', { date: '2026-01-05', currency: 'USD' }]);
  });

  it.each(['2026-02-30', '2026-1-05', '20260105', '05/01/2026', ''])('rejects the date %j', (date) => {
    const error = rejection(oneDay(date, `<Cube currency='USD' rate='1.1'/>`));
    expect([error.code, error.details]).toEqual(['BAD_INPUT', { date }]);
  });

  it.each(['0', '0.0000', '-1.1', '-0'])('rejects the non-positive rate %j', (rate) => {
    const error = rejection(oneDay('2026-01-05', `<Cube currency='USD' rate='${rate}'/>`));
    expect(error.code).toBe('INVALID_RATE');
    expect(error.message).toMatch(/not positive/);
    expect(error.details).toEqual({ date: '2026-01-05', currency: 'USD', rate });
  });

  it.each(['1,1', '1e3', 'abc', '', '.5', '1.', '01.1', '+1.1', 'Infinity', 'NaN'])('rejects the malformed rate %j', (rate) => {
    const error = rejection(oneDay('2026-01-05', `<Cube currency='USD' rate='${rate}'/>`));
    expect([error.code, error.details]).toEqual(['INVALID_RATE', { date: '2026-01-05', currency: 'USD', rate }]);
  });

  it.each(['XTS', 'XAU', 'ABC', 'usd', 'EURO', 'EUR'])('rejects the currency %j', (currency) => {
    const error = rejection(oneDay('2026-01-05', `<Cube currency='${currency}' rate='1.1'/>`));
    expect([error.code, error.details]).toEqual(['INVALID_RATE', { date: '2026-01-05', currency }]);
  });

  it('skips the retired currencies of the historical file with one note each, and imports the rest', () => {
    const document = parseEcbXml(
      ecbDocument(
        `<Cube time='2007-12-31'><Cube currency='USD' rate='1.4721'/><Cube currency='CYP' rate='0.585274'/><Cube currency='MTL' rate='0.4293'/></Cube>` +
          `<Cube time='2007-12-28'><Cube currency='USD' rate='1.4688'/><Cube currency='CYP' rate='0.585274'/></Cube>`,
      ),
    );
    expect(document.fixings).toEqual([
      { date: '2007-12-31', currency: 'USD', rate: '1.4721' },
      { date: '2007-12-28', currency: 'USD', rate: '1.4688' },
    ]);
    expect(document.skipped.map(({ reason: _, ...line }) => line)).toEqual([
      { currency: 'CYP', fixings: 2, firstDate: '2007-12-28', lastDate: '2007-12-31' },
      { currency: 'MTL', fixings: 1, firstDate: '2007-12-31', lastDate: '2007-12-31' },
    ]);
    expect(document.skipped[0]!.reason).toMatch(/CYP is no longer an ISO 4217 currency \(Cyprus pound/);
  });

  it('still rejects a malformed rate of a retired currency: skipping is not a licence to be malformed', () => {
    const error = rejection(oneDay('2007-12-31', `<Cube currency='CYP' rate='-0.58'/>`));
    expect([error.code, error.details]).toEqual(['INVALID_RATE', { date: '2007-12-31', currency: 'CYP', rate: '-0.58' }]);
  });

  it('rejects a currency fixed twice on the same day', () => {
    const error = rejection(oneDay('2026-01-05', `<Cube currency='USD' rate='1.1'/><Cube currency='USD' rate='1.2'/>`));
    expect([error.code, error.details]).toEqual(['BAD_INPUT', { date: '2026-01-05', currency: 'USD' }]);
  });

  it('rejects the whole historical file when one entry deep inside it is bad', () => {
    const poisoned = historicalFile.replace(`<Cube currency='GBP' rate='0.860244'/>`, `<Cube currency='GBP' rate='0'/>`);
    expect(poisoned).not.toBe(historicalFile);
    const error = rejection(poisoned);
    expect([error.code, error.details]).toEqual(['INVALID_RATE', { date: '2026-09-15', currency: 'GBP', rate: '0' }]);
  });
});
