/**
 * What the two fault matrices share: the faults, the journeys, which faults are lasting conditions, and the
 * JSON file each run writes (tests/unit/.reliability.json, tests/e2e/.reliability.json) for
 * tests/reliability/render.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FAULT_KINDS } from '../sim/types';

/** Every fault kind of the simulator that stands for a real failure ('status' and 'delay' are tools). */
export type FaultKind = Exclude<(typeof FAULT_KINDS)[number], 'status' | 'delay'>;
export const FAULTS: readonly FaultKind[] = FAULT_KINDS.filter(
  (k): k is FaultKind => k !== 'status' && k !== 'delay',
);

/**
 * Conditions that last (an ended session, no quota left, a Cloudflare challenge, a blocked country): they
 * fire on every request until cleared. Everything else is passing trouble and fires once.
 */
export const LASTING: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'token_invalidated',
  'rate_limit_exhausted',
  'cloudflare',
  'unsupported_country',
]);

export const JOURNEY_NAMES = [
  'quota',
  'video',
  'batch',
  'image',
  'remix',
  'storyboard',
  'clean download',
  'character',
] as const;
export type JourneyName = (typeof JOURNEY_NAMES)[number];

/** Cells where the product is known to send a request twice (docs/RELIABILITY.md, "Known issues"). */
export const KNOWN_TWICE: ReadonlySet<string> = new Set<string>([]);

export type Results = Record<string, Record<string, string>>;

export interface Matrix {
  journeys: string[];
  faults: string[];
  results: Results;
  /** The e2e run only: the sentence the UI showed for each error / pause code it met. */
  shown?: Record<string, string>;
}

/** Writes a run's cells into `file`, keeping cells of earlier runs that this (filtered) run did not redo. */
export function saveMatrix(file: string, results: Results, shown?: Record<string, string>): void {
  let old: Partial<Matrix> = {};
  try {
    old = JSON.parse(readFileSync(file, 'utf8')) as Matrix;
  } catch {
    // first run
  }
  const merged: Results = { ...old.results };
  for (const [journey, row] of Object.entries(results)) merged[journey] = { ...merged[journey], ...row };
  const matrix: Matrix = { journeys: [...JOURNEY_NAMES], faults: [...FAULTS], results: merged };
  if (shown) matrix.shown = { ...old.shown, ...shown };
  writeFileSync(file, `${JSON.stringify(matrix, null, 2)}\n`);
}
