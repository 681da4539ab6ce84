/**
 * Every post the extension has made on Sora and not yet deleted: a clean download's short-lived post, a
 * share link the user keeps. A record is written as soon as the post's id is known (the publish answer, or
 * the own-posts lookup after a lost answer) and removed only once Sora confirms the post is gone, so a post
 * a stopped worker, a cancel or a failed delete left online is still listed ("Posts still online" in
 * History) and the user can delete it.
 */
import type { PostRecord } from './post-record';
import type { CompanionDb } from './schema';

export async function putPostRecord(db: CompanionDb, record: PostRecord): Promise<void> {
  await db.put('posts', record);
}

/** Adds a record unless one exists for that post (a kept record is not turned into a temporary one). */
export async function addPostRecord(db: CompanionDb, record: PostRecord): Promise<PostRecord> {
  const tx = db.transaction('posts', 'readwrite');
  const old = await tx.store.get(record.id);
  const next = old ? { ...old, kept: old.kept || record.kept } : record;
  await tx.store.put(next);
  await tx.done;
  return next;
}

export async function removePostRecord(db: CompanionDb, id: string): Promise<boolean> {
  const tx = db.transaction('posts', 'readwrite');
  const had = (await tx.store.get(id)) !== undefined;
  if (had) await tx.store.delete(id);
  await tx.done;
  return had;
}

export function getPostRecord(db: CompanionDb, id: string): Promise<PostRecord | undefined> {
  return db.get('posts', id);
}

/** Newest first. */
export async function listPostRecords(db: CompanionDb): Promise<PostRecord[]> {
  return (await db.getAll('posts')).sort((a, b) => b.createdAt - a.createdAt);
}
