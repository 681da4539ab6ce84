/**
 * A post the extension made on Sora, as it is stored in IndexedDB (the `posts` store): plain data only.
 * ./posts.ts holds the functions that read and write it.
 */
export interface PostRecord {
  /** The post id (`s_…`). */
  id: string;
  /** The history item (generation id) it publishes. */
  itemId: string;
  /** When the extension learned of it (epoch ms). */
  createdAt: number;
  /** `download`: published for a clean download; `share`: a share link the user asked for. */
  purpose: 'download' | 'share';
  /** The download job that made it, if one did. */
  jobId: string | null;
  /** The user asked to keep it published (share link, "keep published" setting). */
  kept: boolean;
  /** Why the last delete did not go through, for the list. */
  lastError?: string;
}
