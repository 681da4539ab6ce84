/**
 * The user's turn and the claim: the finish form (names, instructions, visibility) moves a record from
 * `waiting_for_user` to `finalizing`, whose step makes the character on Sora. Finalize is not idempotent,
 * so it runs only while the record is in `finalizing` and its result moves the record on in the same write;
 * a repeat that reaches Sora anyway is answered `already_finalized`, which ends in a clear state.
 */
import { isSoraError } from '../sora/errors';
import type { FlowContext, OperationContext } from './context';
import { type CharacterRecord, toFinalizing, type Visibility } from './model';
import { advanceTo, bad, errorOf, fail, inStep, save, stepFailed } from './outcome';
import type { CharacterPort } from './port';
import { requireCharacter } from './repo';
import { finishProblems, finishProblemText, instructionSetFor } from './validate';

export interface FinishRequest {
  username: string;
  displayName: string;
  instructions: string;
  visibility: Visibility;
}

/** Checks the form again (a page is not trusted to have), then hands the record to the finalize step. */
export async function finishCharacter(
  ctx: OperationContext,
  id: string,
  req: FinishRequest,
): Promise<CharacterRecord> {
  const values = {
    username: String(req.username ?? '')
      .trim()
      .replace(/^@/, ''),
    displayName: String(req.displayName ?? '').trim(),
    instructions: String(req.instructions ?? ''),
    visibility: req.visibility,
  };
  const problem = finishProblems(values)[0];
  if (problem) bad(finishProblemText(problem));
  const saved = await save(ctx, id, (current) =>
    toFinalizing(
      current,
      {
        username: values.username,
        displayName: values.displayName,
        instructionSet: instructionSetFor(values.instructions, current.hints?.instructionSet ?? null),
        visibility: values.visibility,
      },
      ctx.now(),
    ),
  );
  if (!saved) {
    const current = await requireCharacter(ctx.db, id);
    // A repeated message after the first one went through: harmless.
    if (current.state === 'finalizing' && current.finish?.username === values.username) return current;
    bad('This character is not waiting for its name.');
  }
  ctx.kick();
  return saved as CharacterRecord;
}

export async function finalize(ctx: FlowContext, r: CharacterRecord) {
  if (r.finish === null) return inStep(ctx, r, advanceTo(ctx, 'waiting_for_user'));
  if (r.cameoId === null || r.profileAssetPointer === null)
    return inStep(ctx, r, advanceTo(ctx, 'preparing'));
  let result: Awaited<ReturnType<CharacterPort['finalize']>>;
  try {
    result = await ctx.port.finalize({
      cameoId: r.cameoId,
      username: r.finish.username,
      displayName: r.finish.displayName,
      profileAssetPointer: r.profileAssetPointer,
      instructionSet: r.finish.instructionSet,
    });
  } catch (e) {
    return finalizeRefused(ctx, r, e);
  }
  const t = ctx.now();
  const finish = r.finish;
  return inStep(
    ctx,
    r,
    (current) => ({
      ...advanceTo(ctx, 'publishing')(),
      characterId: result.characterId,
      username: result.username ?? finish.username,
      displayName: result.displayName ?? finish.displayName,
      finalizedAt: t,
      // The video was kept for a fresh upload; a finished character no longer needs it.
      video: { ...current.video, fileId: null },
    }),
    { characterId: result.characterId },
  );
}

/** Where each of Sora's answers to finalize leads. */
function finalizeRefused(ctx: FlowContext, r: CharacterRecord, e: unknown) {
  const server = isSoraError(e) ? e.serverCode : undefined;
  if (server === 'already_finalized') return fail(ctx, r, 'finalizing', errorOf(ctx, e, 'already_finalized'));
  if (server === 'cameo_not_ready')
    return inStep(ctx, r, advanceTo(ctx, 'processing', { lastError: errorOf(ctx, e) }));
  if (server === 'invalid_asset_pointer') {
    return inStep(
      ctx,
      r,
      advanceTo(ctx, 'preparing', { profileAssetPointer: null, lastError: errorOf(ctx, e) }),
    );
  }
  if (server === 'username_taken') {
    return inStep(ctx, r, () => ({
      state: 'waiting_for_user',
      lastError: errorOf(ctx, e, 'username_taken'),
    }));
  }
  // Any other refusal is about what the user typed: back to the form, which shows why.
  if (isSoraError(e) && e.code === 'bad_request') {
    return inStep(ctx, r, () => ({ state: 'waiting_for_user', lastError: errorOf(ctx, e) }));
  }
  return stepFailed(ctx, r, 'finalizing', e);
}
