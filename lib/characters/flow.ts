/**
 * The character flow: an idempotent `tick()` that runs, for every record whose turn it is, the step its
 * state names (model.ts draws the states), saves the result, and arms ONE timer for the next due record.
 * Call it on any wake-up (startup, a message, the alarm); concurrent calls coalesce into one run plus at
 * most one re-run. Everything that matters is in the `characters` store: this object holds only the timer
 * and the ids of records whose step is running in this worker life.
 *
 * Calls that are not idempotent (video upload, picture upload, finalize) run only while the record is in
 * their state, and their result moves the record on in the same write, so once a result is saved the call
 * is never made again. The video upload (and the from-generation call, the first step for a video made on
 * Sora) is never sent again blind: `uploadSentAt` is saved before it goes out, and a call that may have
 * reached Sora without its answer (lost answer, timeout, unreadable answer, or a stopped worker that finds
 * `uploadSentAt` set) fails as `upload_unsure` — no endpoint lists cameos, so there is nothing to look it up
 * in — and the user decides: try again (at worst one unused cameo) or remove. A clear refusal clears
 * `uploadSentAt` and is retried as before. The picture upload leaves at worst an unused file; for finalize
 * Sora answers `already_finalized`, which ends in a clear state.
 *
 * The parts, as the job engine's (lib/jobs): `model.ts` the states and their pure transitions, `repo.ts`
 * the `characters` store, `outcome.ts` how a step's result is written, one module per step (`upload.ts`,
 * `cameo.ts` processing and preparing, `finish.ts` finalizing, `visibility.ts` publishing, `remove.ts`
 * deleting) and per operation of the user (`create.ts`, `finish.ts`, `retry.ts`, `remove.ts`,
 * `visibility.ts`), each given a context (`context.ts`); `run.ts` one pass. This file composes them.
 */
import type { CompanionDb } from '../db/schema';
import { randomId } from '../util/id';
import { createTicker, defaultSetTimer, type SetTimer } from '../util/ticker';
import {
  type CharactersChanged,
  DEFAULT_FLOW_OPTIONS,
  type FlowContext,
  type FlowOptions,
  type OperationContext,
} from './context';
import { type CreateCharacterRequest, createCharacter } from './create';
import { type FinishRequest, finishCharacter } from './finish';
import type { CharacterRecord, Visibility } from './model';
import type { CharacterPort } from './port';
import { markForRemoval } from './remove';
import { getCharacter, listCharacters, listOpenCharacters } from './repo';
import { retryCharacter } from './retry';
import { runPass } from './run';
import { checkVisibility, setCharacterVisibility } from './visibility';

export interface CharacterFlowDeps {
  db: CompanionDb | (() => Promise<CompanionDb>);
  port: CharacterPort;
  now?: () => number;
  setTimer?: SetTimer;
  /** 0..1 for backoff jitter. */
  random?: () => number;
  options?: Partial<FlowOptions>;
  /**
   * The waits that follow the user's setting, read before every run (a change applies to the next wait);
   * they win over `options`. A failed read keeps the last ones.
   */
  waits?: () => Pick<FlowOptions, 'waitMs'> | Promise<Pick<FlowOptions, 'waitMs'>>;
  /** Run `tick()` after every operation. Default true. */
  autoTick?: boolean;
  onError?: (error: unknown) => void;
  newId?: () => string;
}

export interface CharacterFlow {
  /** Does whatever is due and arms the next timer. Never rejects. */
  tick(): Promise<void>;
  list(): Promise<CharacterRecord[]>;
  create(req: CreateCharacterRequest): Promise<CharacterRecord>;
  /** The finish form: names, instructions, visibility → finalize. */
  finish(id: string, req: FinishRequest): Promise<CharacterRecord>;
  retry(id: string): Promise<CharacterRecord>;
  /** Deletes on Sora (when there is something there) and locally. Null when gone, else the record. */
  remove(id: string): Promise<CharacterRecord | null>;
  setVisibility(id: string, visibility: Visibility): Promise<CharacterRecord>;
  /** Whether a record waits for the flow (the background keeps its alarm while so). */
  hasOpenWork(): Promise<boolean>;
  onChanged(fn: (change: CharactersChanged) => void): () => void;
  dispose(): void;
}

export function createCharacterFlow(deps: CharacterFlowDeps): CharacterFlow {
  const baseOptions: FlowOptions = { ...DEFAULT_FLOW_OPTIONS, ...deps.options };
  let options: FlowOptions = baseOptions;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const setTimer = deps.setTimer ?? defaultSetTimer;
  const autoTick = deps.autoTick ?? true;
  const onError = deps.onError ?? ((e: unknown) => console.warn('[characters] tick failed', e));
  const newId = deps.newId ?? (() => randomId('char'));
  const getDb = typeof deps.db === 'function' ? deps.db : () => Promise.resolve(deps.db as CompanionDb);
  const { port } = deps;

  const listeners = new Set<(change: CharactersChanged) => void>();
  const inflight = new Set<string>();
  const ticker = createTicker({ run: runOnce, now, setTimer, onError, retryMs: options.pollIntervalMs });
  const { tick, arm } = ticker;

  function emit(change: CharactersChanged): void {
    if (change.characters.length === 0 && change.removed.length === 0) return;
    for (const fn of [...listeners]) {
      try {
        fn(change);
      } catch {
        // A listener's failure must not break the flow.
      }
    }
  }

  const kick = () => {
    if (autoTick) void tick();
  };

  /** What a step or an operation is given, with the options last read (a run reads them at its start). */
  const contextOf = (db: CompanionDb): FlowContext => ({ db, port, now, random, options, emit });
  const operation = async (): Promise<OperationContext> => ({ ...contextOf(await getDb()), newId, kick });

  async function runOnce(): Promise<void> {
    if (deps.waits) {
      try {
        options = { ...baseOptions, ...(await deps.waits()) };
      } catch {
        // Keep the waits last read: a passing storage hiccup must not stop the flow.
      }
    }
    arm(await runPass(contextOf(await getDb()), inflight));
  }

  return {
    tick,
    async list() {
      return listCharacters(await getDb());
    },
    async create(req) {
      return createCharacter(await operation(), req);
    },
    async finish(id, req) {
      return finishCharacter(await operation(), id, req);
    },
    async retry(id) {
      return retryCharacter(await operation(), id);
    },
    async remove(id) {
      const ctx = await operation();
      if (!(await markForRemoval(ctx, id))) return null;
      await tick();
      return (await getCharacter(ctx.db, id)) ?? null;
    },
    async setVisibility(id, visibility) {
      checkVisibility(visibility);
      return setCharacterVisibility(await operation(), id, visibility);
    },
    async hasOpenWork() {
      return (await listOpenCharacters(await getDb())).length > 0;
    },
    onChanged(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispose() {
      ticker.dispose();
    },
  };
}
