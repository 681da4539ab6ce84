/** What every part of the character flow is given: the database, the port, the clock, the tunables. */
import type { CompanionDb } from '../db/schema';
import { DEFAULT_PATIENCE_WAITS } from '../util/patience';
import type { CharacterRecord } from './model';
import type { CharacterPort } from './port';

export interface FlowOptions {
  /** Between two reads of the cameo's processing state. */
  pollIntervalMs: number;
  /** Processing longer than this (from the upload) ends as `cameo_stalled`. */
  stallMs: number;
  /** Transient failures of one step before the record fails (processing is bounded by `stallMs`). */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Logged out, browser check, limits: look again after this. */
  waitMs: number;
  /** Steps one record may take per run (tests use 1 to stop the worker between every two steps). */
  stepsPerRun: number;
}

export const DEFAULT_FLOW_OPTIONS: FlowOptions = {
  pollIntervalMs: 5000,
  stallMs: 10 * 60_000,
  maxAttempts: 6,
  backoffBaseMs: 2000,
  backoffMaxMs: 60_000,
  // Follows the user's "wait for Sora to answer" setting (lib/util/patience.ts); this is its default.
  waitMs: DEFAULT_PATIENCE_WAITS.recheckMs,
  stepsPerRun: 8,
};

export interface CharactersChanged {
  characters: CharacterRecord[];
  removed: string[];
}

/** What a step is given. `options` are the ones read at the start of the current run. */
export interface FlowContext {
  db: CompanionDb;
  port: CharacterPort;
  now: () => number;
  /** 0..1 for backoff jitter. */
  random: () => number;
  options: FlowOptions;
  /** Tells the listeners (open pages); a change with nothing in it is not sent. */
  emit: (change: CharactersChanged) => void;
}

/** What a user's operation is given besides: new ids, and a nudge to the flow once it has saved a change. */
export interface OperationContext extends FlowContext {
  newId: () => string;
  /** Runs `tick()` unless the flow was made with `autoTick: false`. */
  kick: () => void;
}
