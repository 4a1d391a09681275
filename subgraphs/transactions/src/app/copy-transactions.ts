import type { TransactionSql } from '@clearhouse/kernel/db/index';
import type { NewRow } from '../domain/index.ts';

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
const copySpecial = /[\\\t\n\r]/;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return copySpecial.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => copyEscapes[char]!) : value;
}

/** Rows per string handed to the COPY stream: bounds the text held at once without a write per row. */
const copyRowsPerWrite = 1000;

/**
 * The COPY text of a chunk's new rows, built before the partner's lock is taken. Only the receipt
 * instant is left out, since it is taken under the lock (held rollbacks are released in its order): a
 * NUL stands in its place, a character no stored text holds (storable.ts turns it away), so filling it
 * in is one replace per block. Each block is one flat string: kept as the pieces they were concatenated
 * from, the lines of a 10,000-row chunk held several times their size in the heap.
 */
export interface CopyText {
  blocks: readonly string[];
}

const receivedAtMark = '\u0000';

export function copyTextOf(rows: readonly NewRow[], { partnerId, source }: { partnerId: string; source: string }): CopyText {
  const blocks: string[] = [];
  const head = `${partnerId}\t`;
  const tail = `${receivedAtMark}\t${copyField(source)}\t`;
  let lines: string[] = [];
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    const heldRaw = row.status === 'HELD' ? row.raw : null;
    // Ids and codes almost never hold a character COPY must escape: one test over all of them first.
    const plain = !copySpecial.test(row.externalId + row.roundId + row.playerId + row.gameCode + row.currency + (row.refersTo ?? ''));
    lines.push(
      head +
      (plain
        ? `${row.externalId}\t${row.roundId}\t${row.playerId}\t${row.gameCode}\t${row.kind}\t${row.funding}\t` +
          `${row.amount}\t${row.currency}\t${row.occurredAt}\t${row.refersTo ?? '\\N'}\t${row.status}\t`
        : `${copyField(row.externalId)}\t${copyField(row.roundId)}\t${copyField(row.playerId)}\t${copyField(row.gameCode)}\t${row.kind}\t${row.funding}\t` +
          `${row.amount}\t${copyField(row.currency)}\t${row.occurredAt}\t${copyField(row.refersTo)}\t${row.status}\t`) +
      tail +
        `${copyField(heldRaw)}\t${row.line ?? '\\N'}\n`,
    );
    if (lines.length === copyRowsPerWrite || index === rows.length - 1) {
      // join copies the lines into one flat string; the trees of pieces they were concatenated from go.
      blocks.push(lines.join(''));
      lines = [];
    }
  }
  return { blocks };
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
export async function copyTransactions(tx: TransactionSql, text: CopyText, receivedAt: Date): Promise<{ stored: Promise<void> }> {
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
  const receivedAtField = receivedAt.toISOString();
  for (const block of text.blocks) writable.write(block.replaceAll(receivedAtMark, receivedAtField));
  writable.end();
  return { stored: Promise.race([finished, refused]) };
}
