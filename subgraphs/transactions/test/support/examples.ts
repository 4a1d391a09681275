import { readFileSync } from 'node:fs';
import type { CanonicalTransaction } from '@clearhouse/kernel';

/** shared/examples/basic: the recorded scenario every subgraph replays (see its README.md). */
export const examplesDir = new URL('../../../../../shared/examples/basic/', import.meta.url);

export interface ScenarioRecord extends CanonicalTransaction {
  partner: string;
  malformed?: string;
}

export interface Scenario {
  now: string;
  games: { partner: string; code: string }[];
  records: ScenarioRecord[];
}

export interface Expected {
  quarantine: Record<string, number>;
  duplicates: number;
  heldRollbacks: unknown[];
}

export function readExample(path: string): string {
  return readFileSync(new URL(path, examplesDir), 'utf8');
}

export const scenario = JSON.parse(readExample('scenario.json')) as Scenario;
export const expected = JSON.parse(readExample('expected.json')) as Expected;

export function gamesOf(partner: string): Set<string> {
  return new Set(scenario.games.filter((game) => game.partner === partner).map((game) => game.code));
}
