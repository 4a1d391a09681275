import type { TransactionSql } from '@clearhouse/kernel/db/index';
import type { NewRow } from '../domain/index.ts';
import type { WriteContext } from './chunk-writes.ts';

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
const copySpecial = /[\\\t\n\r]/;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return copySpecial.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => copyEscapes[char]!) : value;
}

/** Rows per string handed to the COPY stream: bounds the text held at once without a write per row. */
const copyRowsPerWrite = 1000;

/** The COPY text of `rows` in blocks, built one at a time so the first ones travel while the rest are built. */
function* copyBlocks(rows: readonly NewRow[], { partnerId, source, receivedAt }: WriteContext): Generator<string> {
  const fixedHead = `${partnerId}\t`;
  const fixedTail = `\t${receivedAt.toISOString()}\t${copyField(source)}\t`;
  let text = '';
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    const heldRaw = row.status === 'HELD' ? row.raw : null;
    // Ids and codes almost never hold a character COPY must escape: one test over all of them first.
    const plain = !copySpecial.test(row.externalId + row.roundId + row.playerId + row.gameCode + row.currency + (row.refersTo ?? ''));
    text +=
      fixedHead +
      (plain
        ? `${row.externalId}\t${row.roundId}\t${row.playerId}\t${row.gameCode}\t${row.kind}\t${row.funding}\t` +
          `${row.amount}\t${row.currency}\t${row.occurredAt}\t${row.refersTo ?? '\\N'}\t${row.status}`
        : `${copyField(row.externalId)}\t${copyField(row.roundId)}\t${copyField(row.playerId)}\t${copyField(row.gameCode)}\t${row.kind}\t${row.funding}\t` +
          `${row.amount}\t${copyField(row.currency)}\t${row.occurredAt}\t${copyField(row.refersTo)}\t${row.status}`) +
      fixedTail +
      `${copyField(heldRaw)}\t${row.line ?? '\\N'}\n`;
    if ((index + 1) % copyRowsPerWrite === 0) {
      yield text;
      text = '';
    }
  }
  if (text.length > 0) yield text;
}

/**
 * Starts the COPY and hands it every row at once; the returned promise settles when the server has
 * stored them or refused them.
 *
 * postgres 3.4.9 never settles a COPY FROM STDIN writable that the server refuses after its end
 * (porsager/postgres#1173: in sql.begin the transaction then hangs, holding its connection and here the
 * partner's lock). The client still rejects the COPY query object itself, so that rejection is
 * observed too, and the refusal surfaces as an ordinary error that rolls the transaction back.
 * ingest-copy.pg.test.ts proves it.
 */
export async function copyTransactions(tx: TransactionSql, rows: readonly NewRow[], context: WriteContext): Promise<{ stored: Promise<void> }> {
  const query = tx`
    copy transactions.transactions
      (partner_id, external_id, round_id, player_id, game_code, kind, funding, amount, currency, occurred_at, refers_to, status, received_at, source, raw, line)
    from stdin`;
  const refused = new Promise<never>((_, reject) => {
    const client = query as unknown as { reject: (error: unknown) => void };
    const rejectQuery = client.reject;
    client.reject = (error) => {
      reject(error);
      rejectQuery(error);
    };
  });
  // Observed through the race below; until then (a COPY that does not even start) it must not be unhandled.
  refused.catch(() => undefined);
  const writable = await query.writable();
  const finished = new Promise<void>((resolve, reject) => {
    writable.once('error', reject);
    writable.once('finish', resolve);
  });
  for (const block of copyBlocks(rows, context)) writable.write(block);
  writable.end();
  return { stored: Promise.race([finished, refused]) };
}
