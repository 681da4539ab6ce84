/**
 * A publish-and-download job as it is stored in IndexedDB (the `downloads` store): plain data only. Its state
 * machine and transitions are in lib/media/model.ts, which re-exports these types.
 */
import type { SoraErrorCode } from '../sora/errors';
import type { FileSource } from './history-record';

export const DOWNLOAD_STATES = [
  'queued',
  'publishing',
  'resolving',
  'downloading',
  'unpublishing',
  'done',
  'no_clean',
  'failed',
  'canceled',
  /** A publish may have gone out and there is no way to look for its post: the user decides (no slot held). */
  'unsure',
] as const;
export type DownloadState = (typeof DOWNLOAD_STATES)[number];
export type FinalDownloadState = 'done' | 'no_clean' | 'failed' | 'canceled';

export type DownloadMode = 'clean' | 'original';

/** Codes of our own, besides Sora's. */
export type DownloadErrorCode =
  | SoraErrorCode
  /** No watermark-free URL: neither the parse service nor the post offered one. */
  | 'no_clean_source'
  /** The browser refused or interrupted the download (`message` holds its reason). */
  | 'download_failed'
  /** The history item (or its media) is gone. */
  | 'item_missing'
  | 'parse_service'
  /** The file URL is not on Sora's media host (lib/sora/config.ts `MEDIA_HOSTS`): never requested. */
  | 'foreign_host'
  /** The parse service's link is on a host the user has not confirmed yet: waits for the user. */
  | 'host_unconfirmed'
  /** A publish may have reached Sora and its post cannot be looked for: waits for the user. */
  | 'publish_unsure';

export interface DownloadError {
  code: DownloadErrorCode;
  message: string;
  at: number;
  /** For `foreign_host` / `host_unconfirmed`: the host the URL pointed at, shown to the user. */
  host?: string;
}

export interface DownloadJob {
  id: string;
  /** The history item (generation id). */
  itemId: string;
  batchId: string;
  /** 1-based position in its batch and the batch size, for `{index}`. */
  index: number;
  total: number;
  mode: DownloadMode;
  state: DownloadState;
  /** The final state `unpublishing` leads to. */
  after: FinalDownloadState | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Tries of the current step. */
  attempts: number;
  nextAttemptAt: number;
  lastError: DownloadError | null;
  /** Set BEFORE the publish request goes out: a restart then knows it may have reached Sora. */
  publishSentAt: number | null;
  postId: string | null;
  /** The post was published before (kept by the user): never delete it. */
  postWasKept: boolean;
  /** The user's "keep it published" setting when the job was made. */
  keepPublished: boolean;
  /** The post could not be deleted (shown to the user with its link). */
  postLeftPublished: boolean;
  /**
   * A publish may have created a post whose id the extension never learned (no answer, no way to look it
   * up): the user is told to check their Sora profile. Absent on records of older versions.
   */
  postMaybeLeft?: boolean;
  /**
   * Times the file's URL stopped working mid-download and was read again. Not reset by a new URL: a link that
   * never works (a parse service's, or Sora's) ends the job instead of looping between resolving and
   * downloading. Absent on records of older versions (= 0).
   */
  urlRenewals?: number;
  sourceUrl: string | null;
  source: FileSource | null;
  /** The relative path asked of the browser. */
  filename: string | null;
  /** Set BEFORE `downloads.download` is called: a restart looks for a download it may have started. */
  downloadRequestedAt: number | null;
  downloadId: number | null;
  bytesReceived: number | null;
  totalBytes: number | null;
  /** The name the browser finally saved (it may add " (1)"). */
  savedAs: string | null;
  sidecar: 'none' | 'txt' | 'json';
}
