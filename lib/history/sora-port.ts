/**
 * The Sora calls History and downloads make, as one small interface (tests give a fake, the background
 * the real lib/sora client).
 */
import {
  deletePost,
  getDrafts,
  getOwnPosts,
  getPost,
  getRecentTasks,
  type OwnPostsPage,
  publishPost,
} from '../sora/endpoints';
import type { SoraHttp } from '../sora/http';
import type { DraftItem, Post, RecentTask } from '../sora/schemas';

export interface HistorySoraPort {
  /** Newest drafts first; `cursor` null on the last page. */
  listDrafts(limit: number, cursor?: string): Promise<{ items: DraftItem[]; cursor: string | null }>;
  /** Newest image tasks first (Sora offers no paging here). */
  listImageTasks(limit: number): Promise<RecentTask[]>;
  getPost(postId: string): Promise<Post>;
  /** Publishes as an unlisted share link. */
  /** `beforeSend` is awaited right before the request leaves (each time); if it throws, nothing is sent. */
  publish(generationId: string, opts?: { beforeSend?: () => Promise<void> }): Promise<{ postId: string }>;
  deletePost(postId: string): Promise<void>;
  /** The user's own posts, newest first (unverified endpoint: may answer `not_found`). */
  listOwnPosts(cursor?: string): Promise<OwnPostsPage>;
}

export function createHistorySoraPort(http: SoraHttp): HistorySoraPort {
  return {
    async listDrafts(limit, cursor) {
      const res = await getDrafts(http, cursor === undefined ? { limit } : { limit, cursor });
      return {
        items: res.items,
        cursor: typeof res.cursor === 'string' && res.cursor !== '' ? res.cursor : null,
      };
    },
    async listImageTasks(limit) {
      return (await getRecentTasks(http, { limit })).task_responses;
    },
    async getPost(postId) {
      return (await getPost(http, postId)).post;
    },
    async publish(generationId, opts = {}) {
      const res = await publishPost(
        http,
        { generationId, unlisted: true },
        opts.beforeSend ? { beforeSend: opts.beforeSend } : {},
      );
      return { postId: res.post.id };
    },
    async deletePost(postId) {
      await deletePost(http, postId);
    },
    listOwnPosts(cursor) {
      return getOwnPosts(http, cursor === undefined ? {} : { cursor });
    },
  };
}
