/**
 * The user's own acts on posts, outside any download job: a share link kept on an item (remix, "copy share
 * link"), deleting it, and deleting a post from the list of posts still online. Every post id learned is
 * recorded (./repo.ts) until Sora confirms the post gone.
 */
import type { HistoryItem } from '../db/history-record';
import type { PostRecord } from '../db/post-record';
import { isPublishable } from '../history/fields';
import { postUrl } from '../sora/config';
import { SoraError } from '../sora/errors';
import type { MediaContext } from './context';
import { errorOf, MAYBE_SENT } from './errors';
import { lookUpPost } from './lookup';
import {
  forgetPost,
  listPosts,
  notePostError,
  patchItem,
  postsChanged,
  readItem,
  readPostRecord,
  recordPost,
  removePost,
} from './repo';

/** Publishes an item as an unlisted share link and keeps it (remix, "copy share link"). */
export async function shareItem(ctx: MediaContext, itemId: string): Promise<{ postId: string; url: string }> {
  const it = await readItem(ctx, itemId);
  if (!it) throw new SoraError('not_found', 'The item is no longer in history.');
  if (!isPublishable(it)) throw new SoraError('bad_request', 'Only finished videos can be shared.');
  if (it.postId) {
    try {
      await ctx.deps.sora.getPost(it.postId);
      return { postId: it.postId, url: postUrl(it.postId) };
    } catch (e) {
      if (!(e instanceof SoraError && e.code === 'not_found')) throw e;
    }
  }
  let sentAt = ctx.now();
  let postId: string;
  try {
    ({ postId } = await ctx.deps.sora.publish(it.id, {
      beforeSend: async () => {
        sentAt = Math.min(sentAt, ctx.now());
      },
    }));
  } catch (e) {
    // The answer may be lost with the post made: take that post rather than leave it unknown.
    if (!(e instanceof SoraError && MAYBE_SENT.includes(e.code))) throw e;
    const found = await lookUpPost(ctx, { id: '', itemId: it.id, publishSentAt: sentAt }).catch(() => null);
    if (found?.kind !== 'found') throw e;
    postId = found.postId;
  }
  await recordPost(ctx, { id: postId, itemId: it.id, purpose: 'share', jobId: null, kept: true });
  await patchItem(ctx, it.id, { postId });
  return { postId, url: postUrl(postId) };
}

/** Deletes the kept share link of an item. */
export async function unpublishItem(ctx: MediaContext, itemId: string): Promise<HistoryItem | null> {
  const it = await readItem(ctx, itemId);
  if (!it) return null;
  if (it.postId) {
    try {
      await ctx.deps.sora.deletePost(it.postId);
    } catch (e) {
      if (!(e instanceof SoraError && e.code === 'not_found')) throw e;
    }
    await forgetPost(ctx, it.postId);
  }
  return (await patchItem(ctx, itemId, { postId: undefined })) ?? null;
}

/** Deletes a recorded post on Sora (gone already counts as deleted) and forgets it; the item's link too. */
export async function deleteRecordedPost(ctx: MediaContext, postId: string): Promise<PostRecord[]> {
  const record = await readPostRecord(ctx, postId);
  try {
    await ctx.deps.sora.deletePost(postId);
  } catch (e) {
    if (!(e instanceof SoraError && e.code === 'not_found')) {
      if (record) await notePostError(ctx, record, errorOf(e).message);
      await postsChanged(ctx);
      throw e;
    }
  }
  await removePost(ctx, postId);
  const itemId = record?.itemId;
  const it = itemId ? await readItem(ctx, itemId) : undefined;
  if (it?.postId === postId) await patchItem(ctx, it.id, { postId: undefined });
  const posts = await listPosts(ctx);
  ctx.deps.onPostsChanged?.(posts);
  return posts;
}
