/**
 * A history item as it is stored in IndexedDB (the `history` store): plain data only. ./history.ts holds
 * the functions that read and write it.
 */
import type { JobKind } from './job-record';
import type { MediaFields } from './media-fields';

/**
 * `ready`: a result. `violation` / `failed`: a generation Sora refused or could not make (only imports bring
 * these in). `deleted`: removed from history by the user; kept as a small tombstone so that "Import from
 * Sora" does not bring it back.
 */
export type HistoryStatus = 'ready' | 'violation' | 'failed' | 'deleted';

export type HistoryOrientation = 'landscape' | 'portrait' | 'square';

/** Where a downloaded file came from (the rules are in lib/media/model.ts). */
export type FileSource = 'post_attachment' | 'parse_service' | 'original';

export interface HistoryItem extends MediaFields {
  /** The generation id (`gen_…`): unique per result, so writing the same result twice keeps one item. */
  id: string;
  taskId: string;
  /** The job that produced it (gone once the queue is cleared). */
  jobId: string | null;
  kind: JobKind;
  prompt: string;
  /** The request parameters (orientation, n_frames, model, size, style, remix target, image size, …). */
  params: Record<string, unknown>;
  /** Best file URL (signed, expires after a few days: resolve again on 403/404). */
  url: string;
  /** Epoch ms the result was recorded. */
  createdAt: number;
  status: HistoryStatus;
  /** An extension (kind `extend`): the video it continues, and that video's history item when known. */
  extendedFrom?: { generationId: string; historyId?: string };

  // Optional fields the History feature adds (the engine writes none of them; every reader copes).
  /** Where the record came from: absent = made by this extension's queue. */
  source?: 'extension' | 'sora' | 'file';
  title?: string;
  orientation?: HistoryOrientation;
  nFrames?: number;
  /** Sora's reason for a `violation` / `failed` item. */
  reason?: string;
  /** Epoch ms of the last finished download (indexed: 'by-downloaded'). */
  downloadedAt?: number;
  /** Whether that download was the watermark-free file. */
  downloadedClean?: boolean;
  /** The file name the browser saved it under (relative to the download folder). */
  downloadedFile?: string;
  /** Where that file came from (lib/media/model.ts `FileSource`); absent on downloads of older versions. */
  downloadedSource?: FileSource;
  /** The user asked for the clean file and the watermarked original was saved instead. */
  downloadedFellBack?: boolean;
  /**
   * The draft's own files (host + path of its `url`, `downloadable_url`, `encodings.source.path`, without the
   * signature): a post or parse service naming one of these is handing back the watermarked original.
   */
  draftFiles?: string[];
  /** A share link the user chose to keep published (unlisted): `s_…`. */
  postId?: string;
  /** Epoch ms the media URLs were last read from Sora (they expire). */
  resolvedAt?: number;
  /** Epoch ms of the last change by the History feature. */
  updatedAt?: number;
}
