/**
 * Finding the post a publish may have made without its answer reaching us (lost answer, timeout, stopped
 * worker), so that a publish is never sent again blind (the lookup in ./model.ts's diagram).
 */
import type { DownloadJob } from '../db/download-record';
import type { HistorySoraPort } from '../history/sora-port';
import { SoraError } from '../sora/errors';
import type { Post } from '../sora/schemas';
import type { MediaContext } from './context';
import { postRecordsOfItem, readItem } from './repo';

/** Sora's clock and ours may differ: a post this much older than our send still counts as possibly ours. */
export const POST_CLOCK_SLACK_MS = 2 * 60_000;

/** Pages of the user's own posts read at most when looking for one publish. */
const LOOKUP_PAGES = 3;

/** `posted_at` as epoch ms (Sora sends seconds; text dates are read too); null when absent or unreadable. */
function postedAtMs(value: Post['posted_at']): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n < 1e12 ? n * 1000 : n;
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** What looking for a publish's post found. */
export type Lookup =
  | { kind: 'found'; postId: string }
  | { kind: 'none' }
  | { kind: 'unavailable'; message: string };

const UNAVAILABLE_CODES: readonly string[] = ['not_found', 'bad_response', 'bad_request', 'forbidden'];

/**
 * Looks for the post a publish of `job` may have made without its answer reaching us: a post recorded for
 * this job, else among the user's own posts one of this generation posted since the send that no other
 * record (a share link, another download) claims. `unavailable` when Sora offers no way to tell (the
 * unverified feed is absent or unreadable, or a candidate carries no time); transient failures throw.
 */
export async function lookUpPost(
  ctx: MediaContext,
  job: Pick<DownloadJob, 'id' | 'itemId' | 'publishSentAt'>,
): Promise<Lookup> {
  const records = await postRecordsOfItem(ctx, job.itemId);
  const mine = records.find((r) => r.jobId !== null && r.jobId === job.id);
  if (mine) return { kind: 'found', postId: mine.id };
  const claimed = new Set(records.map((r) => r.id));
  const it = await readItem(ctx, job.itemId);
  if (it?.postId) claimed.add(it.postId);
  const since = (job.publishSentAt ?? 0) - POST_CLOCK_SLACK_MS;
  let cursor: string | undefined;
  let timeless = false;
  for (let page = 0; page < LOOKUP_PAGES; page++) {
    let res: Awaited<ReturnType<HistorySoraPort['listOwnPosts']>>;
    try {
      res = await ctx.deps.sora.listOwnPosts(cursor);
    } catch (e) {
      if (e instanceof SoraError && UNAVAILABLE_CODES.includes(e.code)) {
        return { kind: 'unavailable', message: 'Sora offers no list of your posts to check.' };
      }
      throw e;
    }
    let oldest: number | null = null;
    for (const post of res.posts) {
      const at = postedAtMs(post.posted_at);
      if (at !== null) oldest = oldest === null ? at : Math.min(oldest, at);
      if (claimed.has(post.id)) continue;
      if (!post.attachments?.some((a) => a.generation_id === job.itemId)) continue;
      if (at === null) timeless = true;
      else if (at >= since) return { kind: 'found', postId: post.id };
    }
    // Newest first: once a page reaches back before the send, nothing further can be ours.
    if (res.cursor === null || (oldest !== null && oldest < since)) break;
    cursor = res.cursor;
  }
  if (timeless) return { kind: 'unavailable', message: 'Sora lists a post of this video without a date.' };
  return { kind: 'none' };
}
