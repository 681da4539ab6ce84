/**
 * What every part of the download worker is given: the outside world it acts on (the database, Sora, the
 * browser's download manager, the user's settings, the listeners that hear of changes), the waits, the
 * clock. ./worker.ts makes one context per worker and hands it to the repository and the steps.
 */
import type { DownloadJob } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import type { PostRecord } from '../db/post-record';
import type { CompanionDb } from '../db/schema';
import type { HistorySoraPort } from '../history/sora-port';
import type { Settings } from '../settings';

/** What `browser.downloads` gives back about one download (the fields used here). */
export interface DownloadItemLike {
  id: number;
  url: string;
  filename: string;
  state: 'in_progress' | 'interrupted' | 'complete' | string;
  error?: string;
  bytesReceived: number;
  totalBytes: number;
  startTime: string;
}

export interface DownloadsApi {
  download(opts: {
    url: string;
    filename: string;
    conflictAction: 'uniquify';
    saveAs: false;
  }): Promise<number>;
  search(query: { id?: number; url?: string }): Promise<DownloadItemLike[]>;
  cancel(id: number): Promise<void>;
}

export type UrlCheck = 'ok' | 'dead' | 'unknown';

/** The worker's waits that follow the user's setting. */
export interface MediaWaits {
  waitMs: number;
  publishSettleMs: number;
}

/** The outside world the steps act on (./worker.ts `MediaDeps` adds the worker's own options). */
export interface MediaPorts {
  db: () => Promise<CompanionDb>;
  sora: HistorySoraPort;
  downloads: DownloadsApi;
  /** Fresh URLs for an item (lib/history/resolve); null when Sora no longer lists it. */
  resolveItem(id: string): Promise<HistoryItem | null>;
  /** 'dead' when the URL answers 403 / 404 (expired signature, gone). One HEAD request; no body is read. */
  checkUrl(url: string): Promise<UrlCheck>;
  askParseService(base: string, shareUrl: string): Promise<string>;
  settings(): Promise<Settings>;
  onJobsChanged?(jobs: DownloadJob[], removed: string[]): void;
  onItemsChanged?(items: HistoryItem[]): void;
  /** The posts still online changed (the whole list, newest first). */
  onPostsChanged?(posts: PostRecord[]): void;
  /** A URL for a sidecar's text. Default: blob: where possible, else data: (./sidecar.ts `textFileUrl`). */
  textUrl?(text: string, mime: string): string;
}

export interface MediaContext {
  deps: MediaPorts;
  /**
   * The waits as last read: ./worker.ts reads them again before every run, and a step still running from an
   * earlier run takes the newer ones for its next decision.
   */
  waits: () => MediaWaits;
  now: () => number;
  /** 0..1 for backoff jitter. */
  random: () => number;
}
