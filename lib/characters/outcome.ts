/**
 * How a step's result is written: every write goes through one transaction that reads the record and
 * decides on it (repo.updateCharacter), is stamped, and is told to the listeners. A failed call becomes a
 * wait, a retry with backoff, or a failed step.
 */
import type { StoredFile } from '../db/schema';
import { isSoraError, isTransient, type SerializedError, SoraError, toSerializedError } from '../sora/errors';
import { backoffDelay } from '../util/backoff';
import type { FlowContext } from './context';
import {
  advanced,
  type CharacterError,
  type CharacterErrorCode,
  type CharacterRecord,
  type CharacterState,
  type CharacterStep,
  failedIn,
  stepResult,
  WAIT_CODES,
} from './model';
import { updateCharacter } from './repo';

/** Refuses a request of a page with a sentence it can show. */
export const bad = (message: string): never => {
  throw new SoraError('bad_request', message, { local: true });
};

export const errorOf = (ctx: FlowContext, e: unknown, code?: CharacterErrorCode): CharacterError => {
  const s: SerializedError = toSerializedError(e);
  return { code: code ?? s.code, message: s.message, at: ctx.now() };
};

/** The wait before the `attempts`-th retry of a step. */
export const retryDelay = (ctx: FlowContext, attempts: number): number =>
  backoffDelay(attempts - 1, {
    baseMs: ctx.options.backoffBaseMs,
    maxMs: ctx.options.backoffMaxMs,
    random: ctx.random,
  });

/** Writes through `decide` (see repo.updateCharacter) and tells the listeners. */
export async function save(
  ctx: FlowContext,
  id: string,
  decide: (current: CharacterRecord) => CharacterRecord | null,
  files?: readonly StoredFile[],
): Promise<CharacterRecord | null> {
  const saved = await updateCharacter(
    ctx.db,
    id,
    (current) => {
      const next = decide(current);
      return next ? { ...next, updatedAt: ctx.now() } : null;
    },
    files,
  );
  if (saved) ctx.emit({ characters: [saved], removed: [] });
  return saved;
}

/** Saves a step's result only while the record is still in that step (see model.stepResult). */
export function inStep(
  ctx: FlowContext,
  record: CharacterRecord,
  patch: (current: CharacterRecord) => Partial<CharacterRecord>,
  ids?: Partial<Pick<CharacterRecord, 'cameoId' | 'characterId'>>,
  files?: readonly StoredFile[],
): Promise<CharacterRecord | null> {
  return save(ctx, record.id, (current) => stepResult(current, record.state, patch, ids), files);
}

/** A patch that moves the record on to `state`, due when it is written. */
export const advanceTo =
  (ctx: FlowContext, state: CharacterState, extra: Partial<CharacterRecord> = {}) =>
  (): Partial<CharacterRecord> =>
    advanced(state, ctx.now(), extra);

export function fail(ctx: FlowContext, record: CharacterRecord, step: CharacterStep, error: CharacterError) {
  return inStep(ctx, record, () => failedIn(step, error));
}

/** A failed call: wait, retry with backoff, or fail the step. */
export function stepFailed(ctx: FlowContext, record: CharacterRecord, step: CharacterStep, e: unknown) {
  const error = errorOf(ctx, e);
  const t = ctx.now();
  const retryAfter = isSoraError(e) ? (e.retryAfterMs ?? 0) : 0;
  if (WAIT_CODES.has(error.code)) {
    return inStep(ctx, record, () => ({
      lastError: error,
      nextAttemptAt: t + Math.max(ctx.options.waitMs, retryAfter),
    }));
  }
  if (isTransient(error.code as SerializedError['code']) || error.code === 'aborted') {
    const attempts = record.attempts + 1;
    if (step !== 'processing' && attempts >= ctx.options.maxAttempts) return fail(ctx, record, step, error);
    const delay = retryDelay(ctx, attempts);
    return inStep(ctx, record, () => ({
      attempts,
      lastError: error,
      nextAttemptAt: t + Math.max(delay, retryAfter),
    }));
  }
  return fail(ctx, record, step, error);
}
