/**
 * The first step (`uploading`): the picked video to `/characters/upload`, or, for a video made on Sora, its
 * generation id to `/characters/from-generation`; both end with the cameo id saved.
 *
 * Neither call is ever sent again blind: `uploadSentAt` is saved before it goes out, and a call that may
 * have reached Sora without its answer (lost answer, timeout, unreadable answer, or a stopped worker that
 * finds `uploadSentAt` set) fails as `upload_unsure` — no endpoint lists cameos, so there is nothing to look
 * it up in — and the user decides: try again (at worst one unused cameo) or remove. A clear refusal clears
 * `uploadSentAt` and is retried as before.
 */
import { getFile } from '../db/files';
import type { FlowContext } from './context';
import { type CharacterRecord, generationOf } from './model';
import { advanceTo, errorOf, fail, inStep, stepFailed } from './outcome';
import { VIDEO_TYPE } from './validate';

/**
 * Failures after which the first step's call may still have reached Sora: the connection died, no answer came
 * in time, or it came unreadable. (A 5xx is an answer: Sora did not take the video.)
 */
const MAYBE_SENT = new Set<string>(['network', 'timeout', 'bad_response', 'aborted']);

export async function upload(ctx: FlowContext, r: CharacterRecord) {
  const generation = generationOf(r);
  if (generation) return fromGeneration(ctx, r, generation.generationId);
  const file = r.video.fileId === null ? undefined : await getFile(ctx.db, r.video.fileId);
  if (!file) {
    return fail(ctx, r, 'uploading', {
      code: 'video_missing',
      message: 'The video is no longer stored.',
      at: ctx.now(),
    });
  }
  const blob = file.blob.type === VIDEO_TYPE ? file.blob : new Blob([file.blob], { type: VIDEO_TYPE });
  const sending = await beforeUpload(ctx, r);
  if (!sending) return null;
  let cameoId: string;
  try {
    ({ cameoId } = await ctx.port.uploadVideo(blob, file.name || 'character.mp4', sending.timestamps));
  } catch (e) {
    return uploadFailed(ctx, sending, e);
  }
  return cameoSaved(ctx, sending, cameoId);
}

/** The first step for a video made on Sora; what follows is the same as after an upload. */
async function fromGeneration(ctx: FlowContext, record: CharacterRecord, generationId: string) {
  const r = await beforeUpload(ctx, record);
  if (!r) return null;
  let cameoId: string;
  try {
    ({ cameoId } = await ctx.port.fromGeneration(generationId, r.timestamps));
  } catch (e) {
    return uploadFailed(ctx, r, e);
  }
  return cameoSaved(ctx, r, cameoId);
}

/**
 * Saves `uploadSentAt` before the first step's call goes out; refuses (upload_unsure) when an earlier call
 * may already have reached Sora. Null when the step must not send (the record moved on, or it failed).
 */
async function beforeUpload(ctx: FlowContext, r: CharacterRecord): Promise<CharacterRecord | null> {
  if (r.uploadSentAt) {
    await fail(ctx, r, 'uploading', {
      code: 'upload_unsure',
      message: 'The worker stopped while the video was being sent.',
      at: ctx.now(),
    });
    return null;
  }
  return inStep(ctx, r, () => ({ uploadSentAt: ctx.now() }));
}

/** The first step's call failed: unsure when it may have reached Sora, else as any step. */
async function uploadFailed(ctx: FlowContext, r: CharacterRecord, e: unknown) {
  const error = errorOf(ctx, e);
  if (MAYBE_SENT.has(error.code)) {
    return fail(ctx, r, 'uploading', { code: 'upload_unsure', message: error.message, at: ctx.now() });
  }
  const cleared = await inStep(ctx, r, () => ({ uploadSentAt: null }));
  return cleared ? stepFailed(ctx, cleared, 'uploading', e) : null;
}

function cameoSaved(ctx: FlowContext, r: CharacterRecord, cameoId: string) {
  const t = ctx.now();
  return inStep(
    ctx,
    r,
    () => ({
      ...advanceTo(ctx, 'processing')(),
      cameoId,
      uploadedAt: t,
      uploadSentAt: null,
      soraStatus: null,
      progress: null,
      // The cameo cannot be done at once: the first look is one interval later.
      nextAttemptAt: t + ctx.options.pollIntervalMs,
    }),
    { cameoId },
  );
}
