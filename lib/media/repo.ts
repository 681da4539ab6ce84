/**
 * The download jobs, the posts the extension made and the history items they touch, in IndexedDB (record
 * types in lib/db/download-record.ts and post-record.ts). Every write is announced to the context's
 * listeners; every change of a job goes through the state machine (./model.ts) in one transaction with the
 * read it is judged against.
 */
import type { DownloadJob } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import type { PostRecord } from '../db/post-record';
import { addPostRecord, getPostRecord, listPostRecords, putPostRecord, removePostRecord } from '../db/posts';
import { patchHistoryItem } from '../history/repo';
import type { MediaContext } from './context';
import { type DownloadEvent, isFinalDownload, transitionDownload } from './model';

// ------------------------------------------------------------------------------------------- jobs

function jobsChanged(ctx: MediaContext, jobs: DownloadJob[], removed: string[] = []): void {
  if (jobs.length > 0 || removed.length > 0) ctx.deps.onJobsChanged?.(jobs, removed);
}

/** Applies an event to the stored job in one transaction. Null when it no longer applied. */
export async function applyEvent(
  ctx: MediaContext,
  id: string,
  event: DownloadEvent,
): Promise<DownloadJob | null> {
  const db = await ctx.deps.db();
  const tx = db.transaction('downloads', 'readwrite');
  const job = await tx.store.get(id);
  const next = job ? transitionDownload(job, event, ctx.now()) : null;
  if (next) await tx.store.put(next);
  await tx.done;
  if (next) jobsChanged(ctx, [next]);
  // A finished job's post (one it could not delete) now belongs on the user's list.
  if (next?.postId && isFinalDownload(next.state) && job && !isFinalDownload(job.state))
    await postsChanged(ctx);
  return next;
}

export async function readJob(ctx: MediaContext, id: string): Promise<DownloadJob | undefined> {
  return (await ctx.deps.db()).get('downloads', id);
}

export async function openJobs(ctx: MediaContext): Promise<DownloadJob[]> {
  const db = await ctx.deps.db();
  const all = await db.getAll('downloads');
  return all.filter((j) => !isFinalDownload(j.state));
}

/** Every job, newest batch first, in batch order. */
export async function listJobs(ctx: MediaContext): Promise<DownloadJob[]> {
  const db = await ctx.deps.db();
  return (await db.getAll('downloads')).sort((a, b) => b.createdAt - a.createdAt || a.index - b.index);
}

/** Stores new jobs in one transaction. */
export async function addJobs(ctx: MediaContext, jobs: DownloadJob[]): Promise<void> {
  const db = await ctx.deps.db();
  const tx = db.transaction('downloads', 'readwrite');
  await Promise.all([...jobs.map((j) => tx.store.put(j)), tx.done]);
  jobsChanged(ctx, jobs);
}

/** Deletes every finished job in one transaction; how many. */
export async function removeFinishedJobs(ctx: MediaContext): Promise<number> {
  const db = await ctx.deps.db();
  const tx = db.transaction('downloads', 'readwrite');
  const removed: string[] = [];
  for (const job of await tx.store.getAll()) {
    if (!isFinalDownload(job.state)) continue;
    await tx.store.delete(job.id);
    removed.push(job.id);
  }
  await tx.done;
  jobsChanged(ctx, [], removed);
  return removed.length;
}

// ------------------------------------------------------------------------------------------- items

/** A history item the user has not deleted. */
export async function readItem(ctx: MediaContext, id: string): Promise<HistoryItem | undefined> {
  const stored = await (await ctx.deps.db()).get('history', id);
  return stored && stored.status !== 'deleted' ? stored : undefined;
}

export async function patchItem(
  ctx: MediaContext,
  id: string,
  patch: Partial<HistoryItem>,
): Promise<HistoryItem | undefined> {
  const next = await patchHistoryItem(await ctx.deps.db(), id, patch, ctx.now());
  if (next) ctx.deps.onItemsChanged?.([next]);
  return next;
}

// ------------------------------------------------------------------------------------------- posts

/**
 * The posts still online that need the user: every recorded post except those an open download job will
 * delete by itself. Newest first.
 */
export async function listPosts(ctx: MediaContext): Promise<PostRecord[]> {
  const db = await ctx.deps.db();
  const open = new Set((await openJobs(ctx)).map((j) => j.id));
  return (await listPostRecords(db)).filter((r) => r.jobId === null || !open.has(r.jobId));
}

export async function postsChanged(ctx: MediaContext): Promise<void> {
  if (ctx.deps.onPostsChanged) ctx.deps.onPostsChanged(await listPosts(ctx));
}

/** Records a post the moment its id is known: from here on it is listed until Sora confirms it gone. */
export async function recordPost(
  ctx: MediaContext,
  record: Omit<PostRecord, 'createdAt' | 'lastError'>,
): Promise<void> {
  await addPostRecord(await ctx.deps.db(), { ...record, createdAt: ctx.now() });
  await postsChanged(ctx);
}

/** The post a download job's publish made. */
export const recordJobPost = (ctx: MediaContext, job: DownloadJob, postId: string): Promise<void> =>
  recordPost(ctx, {
    id: postId,
    itemId: job.itemId,
    purpose: 'download',
    jobId: job.id,
    kept: job.keepPublished,
  });

/** Sora confirmed the post gone: it leaves the list. */
export async function forgetPost(ctx: MediaContext, postId: string): Promise<void> {
  if (await removePostRecord(await ctx.deps.db(), postId)) await postsChanged(ctx);
}

/** The recorded posts of one item (whatever made them). */
export async function postRecordsOfItem(ctx: MediaContext, itemId: string): Promise<PostRecord[]> {
  return (await ctx.deps.db()).getAllFromIndex('posts', 'by-item', itemId);
}

export async function readPostRecord(ctx: MediaContext, postId: string): Promise<PostRecord | undefined> {
  return getPostRecord(await ctx.deps.db(), postId);
}

/** Keeps why the last delete of a recorded post did not go through, for the list. */
export async function notePostError(ctx: MediaContext, record: PostRecord, message: string): Promise<void> {
  await putPostRecord(await ctx.deps.db(), { ...record, lastError: message });
}

/** Removes a post's record without telling the listeners (the caller sends the new list itself). */
export async function removePost(ctx: MediaContext, postId: string): Promise<void> {
  await removePostRecord(await ctx.deps.db(), postId);
}
