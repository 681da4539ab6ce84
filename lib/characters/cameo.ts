/**
 * The cameo on Sora, from its id to the finish form: `processing` reads its state every interval until it is
 * ready (with Sora's suggestions and a signed picture URL), fails, or stalls; `preparing` downloads the
 * suggested picture, stores it, and uploads it as the character's picture.
 */
import { getFile } from '../db/files';
import type { StoredFile } from '../db/schema';
import { isSoraError } from '../sora/errors';
import { randomId } from '../util/id';
import type { FlowContext } from './context';
import type { CharacterError, CharacterRecord } from './model';
import { advanceTo, errorOf, fail, inStep, stepFailed } from './outcome';
import { asWebp, PICTURE_NAME } from './picture';
import type { CharacterPort } from './port';

const stalled = (ctx: FlowContext, r: CharacterRecord) =>
  r.uploadedAt !== null && ctx.now() - r.uploadedAt >= ctx.options.stallMs;

const stallError = (ctx: FlowContext): CharacterError => ({
  code: 'cameo_stalled',
  message: 'Sora has been processing this video for too long.',
  at: ctx.now(),
});

export async function poll(ctx: FlowContext, r: CharacterRecord) {
  if (r.cameoId === null) return inStep(ctx, r, advanceTo(ctx, 'uploading'));
  let status: Awaited<ReturnType<CharacterPort['cameoStatus']>>;
  try {
    status = await ctx.port.cameoStatus(r.cameoId);
  } catch (e) {
    if (stalled(ctx, r)) return fail(ctx, r, 'processing', stallError(ctx));
    return stepFailed(ctx, r, 'processing', e);
  }
  if (status.state === 'failed') {
    return fail(ctx, r, 'processing', {
      code: 'cameo_failed',
      message: status.statusMessage ?? 'Sora could not make a character from this video.',
      at: ctx.now(),
    });
  }
  if (status.state === 'ready' && status.profileAssetUrl !== undefined) {
    return inStep(
      ctx,
      r,
      advanceTo(ctx, 'preparing', {
        soraStatus: status.status ?? null,
        progress: 1,
        profileAssetUrl: status.profileAssetUrl,
        hints: {
          displayName: status.displayNameHint ?? null,
          username: status.usernameHint ?? null,
          instructionSet: status.instructionSetHint ?? null,
        },
        username: r.username ?? status.usernameHint ?? null,
        displayName: r.displayName ?? status.displayNameHint ?? null,
      }),
    );
  }
  // Still processing (any status Sora has not documented counts as that; so does "done" without a picture).
  if (stalled(ctx, r)) return fail(ctx, r, 'processing', stallError(ctx));
  return inStep(ctx, r, () => ({
    soraStatus: status.status ?? null,
    progress: status.progressPct ?? r.progress,
    lastError: null,
    nextAttemptAt: ctx.now() + ctx.options.pollIntervalMs,
  }));
}

export async function prepare(ctx: FlowContext, r: CharacterRecord) {
  if (r.pictureFileId === null) {
    if (r.profileAssetUrl === null) return inStep(ctx, r, advanceTo(ctx, 'processing'));
    return downloadPicture(ctx, r, r.profileAssetUrl);
  }
  if (r.profileAssetPointer === null) {
    const file = await getFile(ctx.db, r.pictureFileId);
    if (!file) return inStep(ctx, r, () => ({ pictureFileId: null, nextAttemptAt: ctx.now() }));
    let assetPointer: string;
    try {
      ({ assetPointer } = await ctx.port.uploadPicture(file.blob, PICTURE_NAME));
    } catch (e) {
      return stepFailed(ctx, r, 'preparing', e);
    }
    return inStep(ctx, r, advanceTo(ctx, 'waiting_for_user', { profileAssetPointer: assetPointer }));
  }
  return inStep(ctx, r, advanceTo(ctx, 'waiting_for_user'));
}

/** The suggested picture, stored with the record that names it (one write). */
async function downloadPicture(ctx: FlowContext, r: CharacterRecord, url: string) {
  let picture: Blob;
  try {
    picture = await asWebp(await ctx.port.fetchPicture(url));
  } catch (e) {
    if (isSoraError(e) && e.code === 'not_found') {
      // The signed link expired: the processing state hands out a fresh one.
      const attempts = r.attempts + 1;
      if (attempts >= ctx.options.maxAttempts) return fail(ctx, r, 'preparing', errorOf(ctx, e));
      return inStep(ctx, r, () => ({
        state: 'processing',
        profileAssetUrl: null,
        attempts,
        lastError: errorOf(ctx, e),
        nextAttemptAt: ctx.now(),
      }));
    }
    return stepFailed(ctx, r, 'preparing', e);
  }
  const file: StoredFile = {
    id: randomId('file'),
    blob: picture,
    name: PICTURE_NAME,
    type: picture.type,
    createdAt: ctx.now(),
  };
  return inStep(ctx, r, () => ({ pictureFileId: file.id, attempts: 0, lastError: null }), undefined, [file]);
}
