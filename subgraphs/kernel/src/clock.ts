/**
 * The injectable clock of validation. `CLEARHOUSE_CLOCK_AT=<ISO instant>` starts it at that instant,
 * after which it advances with the wall clock (for replaying recorded scenarios). Signature freshness
 * never uses this clock: it always reads the real wall clock.
 */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export function clockStartingAt(startIso: string | undefined): Clock {
  if (!startIso) return systemClock;
  const startMs = Date.parse(startIso);
  if (Number.isNaN(startMs)) throw new RangeError(`CLEARHOUSE_CLOCK_AT is not an ISO instant: ${startIso}`);
  const offsetMs = startMs - Date.now();
  return { nowMs: () => Date.now() + offsetMs };
}

export function fixedClock(atIso: string): Clock {
  const atMs = Date.parse(atIso);
  return { nowMs: () => atMs };
}
