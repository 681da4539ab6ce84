/**
 * The `unpublishing` step: delete the job's own post before it ends. Without a post id (the job ended while
 * a publish may have been out) the post is first looked for (./lookup.ts); a post that cannot be deleted
 * stays recorded, listed for the user among the posts still online.
 */
import type { DownloadJob } from '../db/download-record';
import type { MediaContext } from './context';
import { errorOf, failure, waitsOrRetries } from './errors';
import { type Lookup, lookUpPost } from './lookup';
import type { DownloadEvent } from './model';
import { forgetPost, recordJobPost } from './repo';

export async function unpublishStep(ctx: MediaContext, job: DownloadJob): Promise<DownloadEvent> {
  const postId = job.postId;
  if (postId === null) {
    // Ended (canceled, failed) while a publish may have been out: find its post to delete it.
    if (job.publishSentAt === null) return { type: 'unpublished', leftPublished: false };
    let found: Lookup;
    try {
      found = await lookUpPost(ctx, job);
    } catch (e) {
      return failure(ctx, job, e);
    }
    if (found.kind === 'found') {
      await recordJobPost(ctx, job, found.postId);
      return { type: 'published', postId: found.postId, kept: false };
    }
    const settled = job.publishSentAt + ctx.waits().publishSettleMs;
    if (found.kind === 'none' && ctx.now() < settled) return { type: 'later', delayMs: settled - ctx.now() };
    if (found.kind === 'none') return { type: 'unpublished', leftPublished: false };
    return {
      type: 'unpublished',
      leftPublished: false,
      maybeLeft: true,
      error: { code: 'publish_unsure', message: found.message },
    };
  }
  try {
    await ctx.deps.sora.deletePost(postId);
    await forgetPost(ctx, postId);
    return { type: 'unpublished', leftPublished: false };
  } catch (e) {
    const error = errorOf(e);
    if (error.code === 'not_found') {
      await forgetPost(ctx, postId);
      return { type: 'unpublished', leftPublished: false };
    }
    // Logged out or throttled: wait and delete it later rather than leave it published.
    if (waitsOrRetries(error.code)) return failure(ctx, job, e);
    return { type: 'unpublished', leftPublished: true, error };
  }
}
