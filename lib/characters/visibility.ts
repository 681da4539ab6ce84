/**
 * Who may use the character: the `publishing` step sets what the user chose in the finish form, and a
 * finished character's visibility can be changed from the list.
 */
import { isTransient, type SerializedError } from '../sora/errors';
import type { FlowContext } from './context';
import { type CharacterRecord, type Visibility, WAIT_CODES } from './model';
import { advanceTo, bad, errorOf, inStep, save, stepFailed } from './outcome';
import { requireCharacter } from './repo';

export async function publish(ctx: FlowContext, r: CharacterRecord) {
  const wanted = r.finish?.visibility ?? 'private';
  if (r.cameoId === null) return inStep(ctx, r, advanceTo(ctx, 'ready'));
  try {
    await ctx.port.setVisibility(r.cameoId, wanted);
  } catch (e) {
    const error = errorOf(ctx, e);
    const retryable = isTransient(error.code as SerializedError['code']) || WAIT_CODES.has(error.code);
    // The character exists either way: after the retries it is ready, and the error says the visibility
    // was not set (the list offers to set it again).
    if (retryable && r.attempts + 1 < ctx.options.maxAttempts) return stepFailed(ctx, r, 'publishing', e);
    return inStep(ctx, r, () => ({ state: 'ready', attempts: 0, lastError: error }));
  }
  return inStep(ctx, r, advanceTo(ctx, 'ready', { visibility: wanted }));
}

/** A page's message may carry anything: only the two visibilities go further. */
export function checkVisibility(visibility: unknown): asserts visibility is Visibility {
  if (visibility !== 'public' && visibility !== 'private') bad('The visibility is not valid.');
}

/** The list's switch: only a finished character, set on Sora first, then saved. */
export async function setCharacterVisibility(
  ctx: FlowContext,
  id: string,
  visibility: Visibility,
): Promise<CharacterRecord> {
  const r = await requireCharacter(ctx.db, id);
  if (r.state !== 'ready' || r.cameoId === null) bad('Only a finished character can change visibility.');
  await ctx.port.setVisibility(r.cameoId as string, visibility);
  const saved = await save(ctx, id, (current) =>
    current.state === 'ready' ? { ...current, visibility, lastError: null } : null,
  );
  return saved ?? requireCharacter(ctx.db, id);
}
