import type { TransactionKind } from '@clearhouse/kernel';
import { commaDecimalAmount } from '../amounts.ts';
import { fundingOf, type WireRecord } from '../candidate.ts';
import { textFieldLengthMax } from '../field-reader.ts';
import { csvInstant } from '../instants.ts';
import type { CsvHeader } from './csv-report.ts';

/**
 * The fast reader of a csv-report data line (its line end already removed). It reads the ten known
 * cells in place instead of splitting the line and reading through a FieldReader and per-line closures,
 * and answers the wire record only when every cell is as the general reader (`parseCsvLineGeneral`)
 * requires; null otherwise, and the caller then asks the general reader, which alone words the problems.
 */

/** The known columns in the order of `cellBounds` slots. */
const slotColumns = ['TxID', 'RoundID', 'PlayerID', 'GameID', 'Type', 'Amount', 'Currency', 'BonusFlag', 'RefTxID', 'Timestamp'] as const;
const slotTxId = 0;
const slotRoundId = 1;
const slotPlayerId = 2;
const slotGameId = 3;
const slotType = 4;
const slotAmount = 5;
const slotCurrency = 6;
const slotBonusFlag = 7;
const slotRefTxId = 8;
const slotTimestamp = 9;

/** Start and end of each known cell of the line being read; reused, as reading is synchronous. */
const cellBounds = new Int32Array(slotColumns.length * 2);

/**
 * Per header, the slot of each cell index, or -1 for a column the report does not read; null for a
 * header without every known column (parseCsvHeader makes none), so no slot is ever left unread.
 */
const slotsByHeader = new WeakMap<CsvHeader, Int8Array | null>();

/** `kinds` and `bonusFlags` are the adapter's tables (`csvKinds`, `csvBonusFlags`). */
export function readCsvFast(
  header: CsvHeader,
  raw: string,
  kinds: ReadonlyMap<string, TransactionKind>,
  bonusFlags: ReadonlyMap<string, boolean>,
): WireRecord | null {
  const slotOfCell = slotsOf(header);
  if (slotOfCell === null) return null;
  const lastCell = header.width - 1;
  let start = 0;
  // One pass per cell of the header's width; a line with more or fewer cells is left to the general reader.
  for (let cell = 0; cell <= lastCell; cell += 1) {
    const separator = raw.indexOf(';', start);
    if (cell === lastCell ? separator >= 0 : separator < 0) return null;
    const end = cell === lastCell ? raw.length : separator;
    const slot = slotOfCell[cell] ?? -1;
    if (slot >= 0) {
      cellBounds[slot * 2] = start;
      cellBounds[slot * 2 + 1] = end;
    }
    start = end + 1;
  }
  const externalId = textCell(raw, slotTxId);
  const roundId = textCell(raw, slotRoundId);
  const playerId = textCell(raw, slotPlayerId);
  const gameCode = textCell(raw, slotGameId);
  const currency = textCell(raw, slotCurrency);
  const amountText = textCell(raw, slotAmount);
  const timestampText = textCell(raw, slotTimestamp);
  if (externalId === null || roundId === null || playerId === null || gameCode === null || currency === null || amountText === null || timestampText === null) {
    return null;
  }
  const kind = kinds.get(cellText(raw, slotType));
  const bonus = bonusFlags.get(cellText(raw, slotBonusFlag));
  if (kind === undefined || bonus === undefined) return null;
  const amount = commaDecimalAmount(amountText);
  if (amount === null) return null;
  const occurredAt = csvInstant(timestampText);
  if (occurredAt === null) return null;
  // RefTxID is optional: empty (or too long) reads as none, as the general reader's `optionalText`.
  const reference = textCell(raw, slotRefTxId);
  return { externalId, roundId, playerId, gameCode, kind, funding: fundingOf(bonus), amount, currency, occurredAt, reference };
}

function cellText(raw: string, slot: number): string {
  return raw.slice(cellBounds[slot * 2], cellBounds[slot * 2 + 1]);
}

/** The cell as the general reader's `text` accepts it (1 to textFieldLengthMax characters), or null. */
function textCell(raw: string, slot: number): string | null {
  const length = (cellBounds[slot * 2 + 1] ?? 0) - (cellBounds[slot * 2] ?? 0);
  return length > 0 && length <= textFieldLengthMax ? cellText(raw, slot) : null;
}

function slotsOf(header: CsvHeader): Int8Array | null {
  const known = slotsByHeader.get(header);
  if (known !== undefined) return known;
  let slots: Int8Array | null = new Int8Array(header.width).fill(-1);
  for (const [slot, column] of slotColumns.entries()) {
    const index = header.indexOf.get(column);
    if (index === undefined || index < 0 || index >= header.width) {
      slots = null;
      break;
    }
    slots[index] = slot;
  }
  slotsByHeader.set(header, slots);
  return slots;
}
