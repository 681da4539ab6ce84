/**
 * Removal: the user's request marks the record `deleting` (remembering where it was); the step deletes the
 * character (or the half-made cameo) on Sora, then the record and its files. A deletion Sora keeps refusing
 * puts the record back where it was, with the error.
 */
import { isSoraError, isTransient, type SerializedError, toSerializedError } from '../sora/errors';
import type { FlowContext } from './context';
import { type CharacterRecord, removalFailed, toDeleting } from './model';
import { errorOf, inStep, retryDelay, save } from './outcome';
import { deleteCharacterRecord, getCharacter } from './repo';

/** Marks the record for removal. False when there is no such record. */
export async function markForRemoval(ctx: FlowContext, id: string): Promise<boolean> {
  const marked = await save(ctx, id, (current) => toDeleting(current, ctx.now()));
  return marked !== null || (await getCharacter(ctx.db, id)) !== undefined;
}

export async function removeOnSora(ctx: FlowContext, r: CharacterRecord) {
  const target = r.characterId ?? r.cameoId;
  if (target !== null) {
    try {
      await ctx.port.deleteCharacter(target);
    } catch (e) {
      const code = isSoraError(e) ? e.code : toSerializedError(e).code;
      // Gone already, or a half-made cameo Sora will not delete: nothing usable is left there.
      const nothingThere = code === 'not_found' || (r.characterId === null && code === 'bad_request');
      if (!nothingThere) return deleteFailed(ctx, r, e);
    }
  }
  for (const old of r.abandonedCameoIds) {
    await ctx.port.deleteCharacter(old).catch(() => {});
  }
  if (await deleteCharacterRecord(ctx.db, r.id)) ctx.emit({ characters: [], removed: [r.id] });
  return null;
}

/** Tried again with backoff while the failure may pass; after that, back to where the record was. */
function deleteFailed(ctx: FlowContext, r: CharacterRecord, e: unknown) {
  const error = errorOf(ctx, e);
  const retryable = isTransient(error.code as SerializedError['code']) || error.code === 'aborted';
  const attempts = r.attempts + 1;
  if (retryable && attempts < ctx.options.maxAttempts) {
    const delay = retryDelay(ctx, attempts);
    return inStep(ctx, r, () => ({ attempts, lastError: error, nextAttemptAt: ctx.now() + delay }));
  }
  return inStep(ctx, r, (current) => removalFailed(current, error, ctx.now()));
}
