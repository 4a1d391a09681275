import { assert } from '@clearhouse/kernel';
import { chainHash, genesisHash, type ChainAnchor } from '@clearhouse/kernel/auth/audit-chain';
import { postingLinesMax, postingProblem, type Posting } from './postings.ts';

/**
 * The hash-chained ledger of DESIGN.md 5.5, on the kernel's generic chain (the audit log uses the
 * same one). Entry n stores the hash of entry n-1, and its own hash is SHA-256(prevHash + canonical
 * JSON of its content, keys sorted, amounts as strings), so changing, deleting, inserting or moving
 * any entry breaks the chain at that point. Removing entries from the end is visible only against a
 * head recorded elsewhere: pass it as `head` to verifyLedger.
 */
export interface LedgerEntry extends Posting {
  /** 1, 2, 3, ... without gaps. */
  seq: number;
  prevHash: string;
  hash: string;
}

export type ChainPoint = ChainAnchor;
export { genesisHash };

/** Entries verified in one call; longer ledgers are verified page by page with `after`. */
export const ledgerVerifyEntriesMax = 100_000;
const hashPattern = /^[0-9a-f]{64}$/;

export type LedgerVerification =
  | { ok: true; head: ChainPoint | null }
  | { ok: false; firstBrokenSeq: number; reason: string };

/** Appends a posting after `previous` (null for the first entry). A posting that does not balance is a bug. */
export function appendToLedger(previous: LedgerEntry | null, posting: Posting): LedgerEntry {
  const problem = postingProblem(posting);
  assert(problem === null, `only balanced postings enter the ledger: ${problem}`);
  const seq = previous === null ? 1 : previous.seq + 1;
  const prevHash = previous === null ? genesisHash : previous.hash;
  const entry = { ...copyPosting(posting), seq, prevHash, hash: '' };
  return { ...entry, hash: entryHash(entry) };
}

/**
 * Checks the chain. `after` is the last entry already verified (to verify page by page); `head` is a
 * chain point recorded outside the ledger: the entry with its seq must carry its hash, and a ledger
 * that ends before it lost its tail. Entries appended after the head was recorded are fine.
 * Reports the first sequence position where the chain breaks, and why; never throws on bad data.
 */
export function verifyLedger(
  entries: readonly LedgerEntry[],
  options: { after?: ChainPoint; head?: ChainPoint } = {},
): LedgerVerification {
  assert(entries.length <= ledgerVerifyEntriesMax, 'verify the ledger page by page');
  const { head } = options;
  let previous: ChainPoint | null = options.after ?? null;
  for (const entry of entries) {
    const expectedSeq = previous === null ? 1 : previous.seq + 1;
    const reason = entryProblem(entry, expectedSeq, previous?.hash ?? genesisHash);
    if (reason !== null) return { ok: false, firstBrokenSeq: expectedSeq, reason };
    if (head !== undefined && entry.seq === head.seq && entry.hash !== head.hash) {
      return { ok: false, firstBrokenSeq: entry.seq, reason: `the entry differs from the recorded head ${head.seq}` };
    }
    previous = { seq: entry.seq, hash: entry.hash };
  }
  const lastSeq = previous?.seq ?? 0;
  if (head !== undefined && lastSeq < head.seq) {
    return { ok: false, firstBrokenSeq: lastSeq + 1, reason: `the ledger ends at seq ${lastSeq}, before the recorded head ${head.seq}` };
  }
  return { ok: true, head: previous };
}

/** The hash an entry must carry, from its predecessor's hash and its content. */
export function entryHash(entry: LedgerEntry): string {
  return chainHash(entry.prevHash, hashedContent(entry));
}

function entryProblem(entry: LedgerEntry, expectedSeq: number, expectedPrevHash: string): string | null {
  const shape = shapeProblem(entry);
  if (shape !== null) return `malformed entry: ${shape}`;
  if (entry.seq !== expectedSeq) {
    return `expected seq ${expectedSeq} here but found ${entry.seq}: an entry was deleted, inserted or moved`;
  }
  if (entry.prevHash !== expectedPrevHash) {
    return `prevHash does not match the hash of the entry before: an entry was deleted, inserted or moved`;
  }
  if (entryHash(entry) !== entry.hash) return 'the content does not match its hash: the entry was altered';
  const posting = postingProblem(entry);
  if (posting !== null) return `the entry is not a valid posting: ${posting}`;
  return null;
}

/** Only the fields with a meaning are hashed, each with a type that has one canonical text. */
function hashedContent(entry: LedgerEntry): unknown {
  const { seq, kind, partnerId, periodId, currency, reference, postedAt, lines } = entry;
  return {
    seq,
    kind,
    partnerId,
    periodId,
    currency,
    reference,
    postedAt,
    lines: lines.map(({ account, side, amount, memo }) => ({ account, side, amount, memo })),
  };
}

function shapeProblem(entry: LedgerEntry): string | null {
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  if (!Number.isSafeInteger(entry.seq)) return 'seq is not an integer';
  const texts = [entry.kind, entry.partnerId, entry.periodId, entry.currency, entry.reference, entry.postedAt];
  if (!texts.every((text) => typeof text === 'string')) return 'a text field is not a string';
  if (![entry.prevHash, entry.hash].every((hash) => typeof hash === 'string' && hashPattern.test(hash))) {
    return 'a hash is not 64 lowercase hex digits';
  }
  if (!Array.isArray(entry.lines) || entry.lines.length > postingLinesMax) return 'lines is not a list within bounds';
  const linesOk = entry.lines.every(
    (line) =>
      typeof line === 'object' &&
      line !== null &&
      [line.account, line.side, line.amount, line.memo].every((text) => typeof text === 'string'),
  );
  return linesOk ? null : 'a line field is not a string';
}

function copyPosting(posting: Posting): Posting {
  return { ...posting, lines: posting.lines.map((line) => ({ ...line })) };
}
