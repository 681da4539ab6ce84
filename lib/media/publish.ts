/**
 * The `publishing` step: publish the video exactly once. A send that may have reached Sora is looked for
 * among the user's posts before anything is sent again (./lookup.ts); a post id, once known, is recorded
 * whatever the job's state (./repo.ts `recordJobPost`).
 */
import type { DownloadJob } from '../db/download-record';
import { isPublishable } from '../history/fields';
import type { MediaContext } from './context';
import { errorOf, failure, MAYBE_SENT } from './errors';
import { type Lookup, lookUpPost } from './lookup';
import type { DownloadEvent } from './model';
import { applyEvent, patchItem, readItem, recordJobPost } from './repo';

export async function publishStep(ctx: MediaContext, job: DownloadJob): Promise<DownloadEvent> {
  const it = await readItem(ctx, job.itemId);
  if (!it)
    return { type: 'fail', error: { code: 'item_missing', message: 'The item is no longer in history.' } };
  if (!isPublishable(it)) return { type: 'noClean', message: 'Only finished videos can be published.' };
  if (it.postId) return { type: 'published', postId: it.postId, kept: true };
  if (job.publishSentAt !== null) {
    // An earlier send may have made the post (lost answer, timeout, stopped worker): look before resending.
    let found: Lookup;
    try {
      found = await lookUpPost(ctx, job);
    } catch (e) {
      return failure(ctx, job, e);
    }
    if (found.kind === 'unavailable') return { type: 'unsure', message: found.message };
    if (found.kind === 'found') {
      await recordJobPost(ctx, job, found.postId);
      if (job.keepPublished) await patchItem(ctx, it.id, { postId: found.postId });
      return { type: 'published', postId: found.postId, kept: false };
    }
    const settled = job.publishSentAt + ctx.waits().publishSettleMs;
    if (ctx.now() < settled) return { type: 'later', delayMs: settled - ctx.now() };
  }
  // Saved right before the request leaves (the sentinel token is made by then): a restart after this
  // point knows a post may exist; one before it knows none can.
  let withdrawn = false;
  const beforeSend = async () => {
    if ((await applyEvent(ctx, job.id, { type: 'publishSending' })) !== null) return;
    withdrawn = true;
    throw new Error('The download left publishing before the publish was sent.');
  };
  try {
    const { postId } = await ctx.deps.sora.publish(it.id, { beforeSend });
    // Recorded whatever the job's state now (a cancel may have overtaken the answer).
    await recordJobPost(ctx, job, postId);
    if (job.keepPublished) await patchItem(ctx, it.id, { postId });
    return { type: 'published', postId, kept: false };
  } catch (e) {
    if (withdrawn) return { type: 'cancel' };
    const error = errorOf(e);
    // A clear refusal made no post: the next try is a first send, not a resend.
    if (!MAYBE_SENT.includes(error.code)) await applyEvent(ctx, job.id, { type: 'publishRefused' });
    // Sora will not publish this generation: then there is no clean file to be had this way.
    if (error.code === 'bad_request' || error.code === 'not_found') {
      return { type: 'noClean', message: error.message };
    }
    return failure(ctx, job, e);
  }
}
