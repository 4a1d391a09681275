import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect, type Sql } from '@clearhouse/kernel/db/index';
import { freshDatabase } from '../../../test/support/database.ts';
import { copyDataOf, copyTransactions } from '../src/app/copy-transactions.ts';
import type { NewRow } from '../src/domain/index.ts';

/**
 * New rows are written to PostgreSQL in its binary COPY format, encoded here: numerics as base-10,000
 * digits, instants as microseconds since 2000. These properties hold every stored column to what the
 * server makes of the same values as text, for amounts of up to 60 digits with any scale, instants from
 * year 1 to 9999, and text with tabs, backslashes, line breaks and characters outside the BMP, short
 * (written byte by byte while ASCII) and long.
 */

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const instantMsMin = -62_135_596_800_000;
const instantMsMax = 253_402_300_799_999;
const instantEdges = [instantMsMin, -1, 0, 1, 946_684_799_999, 946_684_800_000, 946_684_800_001, 1_795_000_000_123, instantMsMax];

const digitsOf = (lengthMax: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: lengthMax });
const decimal = fc
  .tuple(fc.boolean(), digitsOf(30), fc.option(digitsOf(30).filter((digits) => digits.length > 0)))
  .map(([negative, integer, fraction]) => `${negative ? '-' : ''}${integer === '' ? '0' : integer}${fraction === null ? '' : `.${fraction}`}`);
const decimalEdges = ['0', '0.000', '-0.0001', '1', '10000', '9999', '99999999.9999', '0.00010000', '1234.50', '-1000000000000.000000000001'];
const amount = fc.oneof(decimal, fc.constantFrom(...decimalEdges));
const instant = fc.oneof(fc.integer({ min: instantMsMin, max: instantMsMax }), fc.constantFrom(...instantEdges));
/** Any text PostgreSQL can hold: everything but NUL (which no text column takes, in any format). */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map((value) => value.replaceAll('\0', '')),
  fc.constantFrom('tab\there', 'new\nline\r', 'back\\slash\\N', '\\.', '', '€ 💶 ü', `${'a'.repeat(63)}€`, 'b'.repeat(64), 'c'.repeat(65), `${'d'.repeat(99)}💶`),
);

const row = fc.record({
  roundId: text, playerId: text, gameCode: text, kind: fc.constantFrom('BET', 'WIN', 'ROLLBACK', 'JACKPOT_CONTRIBUTION'),
  funding: fc.constantFrom('CASH', 'BONUS'), amount, currency: fc.constantFrom('EUR', 'BTC'), occurredMs: instant,
  refersTo: fc.option(text), held: fc.boolean(), raw: text, line: fc.option(fc.integer({ min: 0, max: 2_147_483_647 })),
});

type Drawn = typeof row extends fc.Arbitrary<infer T> ? T : never;

function newRowOf(drawn: Drawn, externalId: string): NewRow {
  const newRow: NewRow = {
    externalId, roundId: drawn.roundId, playerId: drawn.playerId, gameCode: drawn.gameCode, kind: drawn.kind, funding: drawn.funding,
    amount: drawn.amount, currency: drawn.currency, occurredAt: new Date(drawn.occurredMs).toISOString(), refersTo: drawn.refersTo,
    status: drawn.held ? 'HELD' : 'APPLIED', raw: drawn.raw,
  } as NewRow;
  if (drawn.line !== null) newRow.line = drawn.line;
  return newRow;
}

describe('the binary COPY of new transactions', () => {
  let sql: Sql;

  beforeAll(async () => {
    sql = connect(await freshDatabase('copybinary'), { max: 2 });
  });
  afterAll(async () => sql?.end());

  it('stores every column as the server reads the same values written as text', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (drawn) => {
        run += 1;
        const partnerId = randomUUID();
        const source = `SOURCE-${run}-ü`;
        const receivedAt = new Date(1_795_000_000_000 + run);
        const rows = drawn.map((one, index) => newRowOf(one, `${run}\t${index}\\ü`));
        await sql.begin(async (tx) => {
          const { stored } = await copyTransactions(tx, copyDataOf(rows, { partnerId, source }), receivedAt);
          await stored;
        });
        const stored = await sql<Record<string, unknown>[]>`
          select t.external_id, t.round_id, t.player_id, t.game_code, t.kind, t.funding,
                 t.amount = x.amount::numeric and t.amount::text = x.amount::numeric::text as amount_as_text,
                 t.currency, (extract(epoch from t.occurred_at) * 1000)::bigint::text as occurred_ms,
                 t.occurred_at = x.occurred_at::timestamptz as occurred_as_text, t.refers_to, t.status,
                 t.received_at, t.source, t.raw, t.line, t.partner_id
          from transactions.transactions t
          join unnest(${rows.map((one) => one.externalId)}::text[], ${rows.map((one) => one.amount)}::text[], ${rows.map((one) => one.occurredAt)}::text[])
            as x (external_id, amount, occurred_at) on x.external_id = t.external_id
          where t.partner_id = ${partnerId}
          order by t.line nulls first, t.external_id`;
        const expected = rows.map((one) => ({
          external_id: one.externalId, round_id: one.roundId, player_id: one.playerId, game_code: one.gameCode, kind: one.kind,
          funding: one.funding, amount_as_text: true,
          currency: one.currency, occurred_ms: String(Date.parse(one.occurredAt)), occurred_as_text: true, refers_to: one.refersTo,
          status: one.status, received_at: receivedAt, source, raw: one.status === 'HELD' ? one.raw : null, line: one.line ?? null, partner_id: partnerId,
        }));
        const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.external_id).localeCompare(String(b.external_id));
        expect([...stored].sort(byId)).toEqual([...expected].sort(byId));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the scale an amount was written with and drops nothing of its digits', async () => {
    const partnerId = randomUUID();
    const amounts = ['12.50', '0.000', '-0.0001', '100000000.00000001', '123456789012345678901234567890.123456789012345678901234567890'];
    const rows = amounts.map((value, index) => newRowOf({ ...fc.sample(row, { numRuns: 1, seed: index })[0]!, amount: value, held: false }, `scale-${index}`));
    await sql.begin(async (tx) => (await copyTransactions(tx, copyDataOf(rows, { partnerId, source: 'S' }), new Date())).stored);
    const stored = await sql`select amount::text as amount from transactions.transactions where partner_id = ${partnerId} order by external_id`;
    expect(stored.map((one) => one.amount)).toEqual(amounts);
  });

  it('refuses what is not a canonical decimal, a uuid or an instant before anything is sent', () => {
    const [drawn] = fc.sample(row, { numRuns: 1, seed: 1 });
    const partnerId = randomUUID();
    for (const bad of ['1e5', '1.', '.5', '+1', ' 1', 'NaN', '']) {
      expect(() => copyDataOf([newRowOf({ ...drawn!, amount: bad }, 'x')], { partnerId, source: 'S' })).toThrow('not a canonical decimal');
    }
    expect(() => copyDataOf([newRowOf(drawn!, 'x')], { partnerId: 'partner-1', source: 'S' })).toThrow('not a uuid');
  });
});
