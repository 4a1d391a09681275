import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClearhouseError } from '@clearhouse/kernel';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../../../test/support/database.ts';
import { confirmHeldRate, heldRates, importFxRates, setFxRate, type FxDeps } from '../src/app/rates.ts';
import { ratePolicy } from '../src/domain/rate-policy.ts';
import { ecbDocument } from './support/ecb.ts';

const historicalFile = readFileSync(new URL('./fixtures/eurofxref-hist.xml', import.meta.url), 'utf8');

async function rejection(action: Promise<unknown>): Promise<ClearhouseError> {
  const error = await action.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ClearhouseError);
  return error as ClearhouseError;
}

describe('FX rates in PostgreSQL: import, validation, held fixings, confirmation, manual fixings', () => {
  let sql: Sql;
  let deps: FxDeps;

  /** Everything an FX write may touch: rates, held rates and the events announcing them. */
  const footprint = async () => ({
    rates: await sql`select date::text, currency, rate::text, source from fx.rates order by date, currency`,
    held: await sql`select date::text, currency, rate::text, previous_rate::text, jump::text from fx.held_rates order by date, currency`,
    events: await sql`select id, payload from bus.events where topic = 'fx.rate_set' order by id`,
  });
  const rateOn = async (date: string, currency: string) =>
    (await sql`select rate::text, source from fx.rates where date = ${date} and currency = ${currency}`)[0] ?? null;

  beforeAll(async () => {
    sql = connect(await freshDatabase('fx_rates'), { max: 4 });
    deps = { sql, policy: ratePolicy() };
  });
  beforeEach(async () => {
    await sql`truncate fx.rates, fx.held_rates`;
    await sql`delete from bus.events where topic = 'fx.rate_set'`;
  });
  afterAll(async () => sql?.end());

  it('stores every fixing of the historical example file as written and announces each in the same transaction', async () => {
    const outcome = await importFxRates(deps, historicalFile);
    expect(outcome).toEqual({ applied: 960, unchanged: 0, held: [], skipped: [] });
    const after = await footprint();
    expect(after.rates).toHaveLength(960);
    expect(after.rates).toContainEqual({ date: '2026-11-20', currency: 'JPY', rate: '159.26029', source: 'ECB_XML' });
    expect(after.events).toHaveLength(960);
    expect(after.events.map((event) => event.payload)).toContainEqual({ date: '2026-07-22', currency: 'KRW', rate: '1441.803162', source: 'ECB_XML' });
  });

  it('imports the same file again as unchanged, announcing nothing', async () => {
    await importFxRates(deps, historicalFile);
    const before = await footprint();
    expect(await importFxRates(deps, historicalFile)).toEqual({ applied: 0, unchanged: 960, held: [], skipped: [] });
    expect(await footprint()).toEqual(before);
  });

  it('keeps nothing of a file with one bad entry, however many good ones come first', async () => {
    await setFxRate(deps, { date: '2026-09-01', currency: 'USD', rate: '1.08' }, false);
    const before = await footprint();
    const cases: [string, string, Record<string, unknown>][] = [
      [ecbDocument({ '2026-09-02': { USD: '1.081', SEK: '11.4' }, '2026-09-03': { USD: '0' } }), 'INVALID_RATE', { date: '2026-09-03', currency: 'USD', rate: '0' }],
      [ecbDocument({ '2026-09-02': { USD: '1.081' }, '2026-09-03': { GBP: '-0.85' } }), 'INVALID_RATE', { date: '2026-09-03', currency: 'GBP', rate: '-0.85' }],
      [ecbDocument({ '2026-09-02': { USD: '1.081', XYZ: '2' } }), 'INVALID_RATE', { date: '2026-09-02', currency: 'XYZ' }],
      [ecbDocument({ '2026-09-31': { USD: '1.081' } }), 'BAD_INPUT', { date: '2026-09-31' }],
      [ecbDocument({ '2026-09-02': { USD: '1.081' } }).replace('</Cube>\n</gesmes', '</gesmes'), 'BAD_INPUT', {}],
    ];
    for (const [xml, code, details] of cases) {
      const error = await rejection(importFxRates(deps, xml));
      expect([error.code, error.details], xml).toEqual([code, expect.objectContaining(details)]);
    }
    expect(await footprint()).toEqual(before);
  });

  it('skips the retired currencies of a historical file with one note each, and stores the rest', async () => {
    const outcome = await importFxRates(deps, ecbDocument({ '2007-12-31': { USD: '1.4721', CYP: '0.585274', MTL: '0.4293' }, '2007-12-28': { USD: '1.4688', CYP: '0.585274' } }));
    expect(outcome.applied).toBe(2);
    expect(outcome.skipped.map((line) => [line.currency, line.fixings, line.firstDate, line.lastDate])).toEqual([['CYP', 2, '2007-12-28', '2007-12-31'], ['MTL', 1, '2007-12-31', '2007-12-31']]);
    expect((await footprint()).rates.map((row) => row.currency)).toEqual(['USD', 'USD']);
  });

  it('judges a file day by day: a jump inside it is held, and the next day is judged against the last fixing applied', async () => {
    const outcome = await importFxRates(deps, ecbDocument({ '2026-09-01': { USD: '1.10' }, '2026-09-02': { USD: '1.30' }, '2026-09-03': { USD: '1.11' } }));
    expect(outcome.applied).toBe(2);
    expect(outcome.held).toEqual([{ date: '2026-09-02', currency: 'USD', rate: '1.30', previousRate: '1.10', jump: '0.18181818181818181818181818181818181818181818181818181818181818181818181818181818' }]);
    expect(await rateOn('2026-09-02', 'USD')).toBeNull();
    expect(await rateOn('2026-09-03', 'USD')).toEqual({ rate: '1.11', source: 'ECB_XML' });
    expect(await heldRates(sql)).toEqual(outcome.held);
  });

  it('holds a manual fixing that jumps too far; confirming applies it as held, announces it and clears the hold', async () => {
    await setFxRate(deps, { date: '2026-09-09', currency: 'SEK', rate: '11.396581' }, false);
    const held = await setFxRate(deps, { date: '2026-09-10', currency: 'SEK', rate: '113.96581' }, false);
    expect(held).toMatchObject({ applied: 0, held: [{ date: '2026-09-10', currency: 'SEK', rate: '113.96581', previousRate: '11.396581', jump: '9' }] });
    expect(await rateOn('2026-09-10', 'SEK')).toBeNull();
    const eventsBefore = (await footprint()).events.length;

    expect(await confirmHeldRate(deps, '2026-09-10', 'SEK')).toEqual({ applied: 1, unchanged: 0, held: [], skipped: [] });
    expect(await rateOn('2026-09-10', 'SEK')).toEqual({ rate: '113.96581', source: 'MANUAL+CONFIRMED' });
    expect(await heldRates(sql)).toEqual([]);
    const events = (await footprint()).events;
    expect(events).toHaveLength(eventsBefore + 1);
    expect(events.at(-1)!.payload).toEqual({ date: '2026-09-10', currency: 'SEK', rate: '113.96581', source: 'MANUAL+CONFIRMED' });
  });

  it('answers NOT_FOUND for confirming a fixing nobody held, naming it', async () => {
    const error = await rejection(confirmHeldRate(deps, '2026-09-10', 'SEK'));
    expect([error.code, error.details]).toEqual(['NOT_FOUND', { date: '2026-09-10', currency: 'SEK' }]);
  });

  it('applies a jump at once when the manual fixing is sent with confirm', async () => {
    await setFxRate(deps, { date: '2026-09-09', currency: 'SEK', rate: '11.4' }, false);
    expect(await setFxRate(deps, { date: '2026-09-10', currency: 'SEK', rate: '15' }, true)).toMatchObject({ applied: 1, held: [] });
    expect(await rateOn('2026-09-10', 'SEK')).toEqual({ rate: '15', source: 'MANUAL' });
  });

  it('replaces a fixing by a manual correction of the same date, judged against the fixing it replaces', async () => {
    await importFxRates(deps, ecbDocument({ '2026-09-09': { SEK: '11.40' } }));
    expect(await setFxRate(deps, { date: '2026-09-09', currency: 'SEK', rate: '11.45' }, false)).toMatchObject({ applied: 1 });
    expect(await rateOn('2026-09-09', 'SEK')).toEqual({ rate: '11.45', source: 'MANUAL' });
    expect(await setFxRate(deps, { date: '2026-09-09', currency: 'SEK', rate: '11.450' }, false)).toMatchObject({ applied: 0, unchanged: 1 });
    expect(await setFxRate(deps, { date: '2026-09-09', currency: 'SEK', rate: '1.145' }, false)).toMatchObject({ applied: 0, held: [{ previousRate: '11.45' }] });
  });

  it('drops a held fixing when a fixing of the same date and currency is applied after all', async () => {
    await setFxRate(deps, { date: '2026-09-09', currency: 'SEK', rate: '11.4' }, false);
    await setFxRate(deps, { date: '2026-09-10', currency: 'SEK', rate: '114' }, false);
    expect(await heldRates(sql)).toHaveLength(1);
    await setFxRate(deps, { date: '2026-09-10', currency: 'SEK', rate: '11.41' }, false);
    expect(await heldRates(sql)).toEqual([]);
    expect(await rateOn('2026-09-10', 'SEK')).toEqual({ rate: '11.41', source: 'MANUAL' });
  });

  it('rejects a manual fixing that is zero, negative, of an unknown, retired or base currency, or badly dated, and stores nothing', async () => {
    const before = await footprint();
    const cases: [{ date: string; currency: string; rate: string }, string][] = [
      [{ date: '2026-09-10', currency: 'SEK', rate: '0' }, 'INVALID_RATE'],
      [{ date: '2026-09-10', currency: 'SEK', rate: '-1' }, 'INVALID_RATE'],
      [{ date: '2026-09-10', currency: 'XAU', rate: '0.0005' }, 'INVALID_RATE'],
      [{ date: '2026-09-10', currency: 'LTL', rate: '3.4528' }, 'INVALID_RATE'],
      [{ date: '2026-09-10', currency: 'EUR', rate: '1' }, 'INVALID_RATE'],
      [{ date: '2026-02-30', currency: 'SEK', rate: '11' }, 'BAD_INPUT'],
    ];
    for (const [fixing, code] of cases) {
      const error = await rejection(setFxRate(deps, fixing, true));
      expect(error.code, JSON.stringify(fixing)).toBe(code);
      expect(error.details).toMatchObject({ date: fixing.date, ...(code === 'INVALID_RATE' ? { currency: fixing.currency } : {}) });
    }
    expect(await footprint()).toEqual(before);
  });

  it('keeps every fixing and announces each exactly once when imports and manual fixings run at once', async () => {
    const days = Object.fromEntries(Array.from({ length: 20 }, (_, day) => [`2026-10-${String(day + 1).padStart(2, '0')}`, { USD: `1.1${day}` }]));
    await Promise.all([
      importFxRates(deps, ecbDocument(days)),
      ...Array.from({ length: 10 }, (_, day) => setFxRate(deps, { date: `2026-10-${String(day + 1).padStart(2, '0')}`, currency: 'GBP', rate: `0.8${day}` }, false)),
    ]);
    const after = await footprint();
    expect(after.rates).toHaveLength(30);
    expect(after.events).toHaveLength(30);
    expect(after.events.map((event) => Number(event.id))).toEqual(after.events.map((_, index) => Number(after.events[0]!.id) + index));
  });
});
