/**
 * Runs the publish-and-download jobs of ./model.ts. Every decision is re-checked against the stored record
 * in one IndexedDB transaction, and every step can be repeated after a service-worker stop: `tick()` looks
 * at the stored jobs and does the next thing for each, whatever happened before.
 *
 * Files never pass through the extension: URLs go straight to the browser's download manager.
 */

import type { DownloadJob, DownloadMode } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import type { PostRecord } from '../db/post-record';
import { addPostRecord, getPostRecord, listPostRecords, putPostRecord, removePostRecord } from '../db/posts';
import type { CompanionDb } from '../db/schema';
import { isPublishable, isUrlExpired } from '../history/fields';
import { buildFilename, extensionFromUrl, withExtension } from '../history/filename';
import { patchHistoryItem } from '../history/repo';
import type { HistorySoraPort } from '../history/sora-port';
import type { Settings } from '../settings';
import { postUrl } from '../sora/config';
import { SoraError, type SoraErrorCode } from '../sora/errors';
import { choosePostFile, fileIdentity, findAttachment } from '../sora/media';
import { checkMediaUrl, httpsHostOf, isSoraMediaUrl } from '../sora/media-hosts';
import type { Post } from '../sora/schemas';
import { randomId } from '../util/id';
import { DEFAULT_PATIENCE_WAITS } from '../util/patience';
import {
  ACTIVE_DOWNLOAD_STATES,
  DOWNLOAD_WAIT_CODES,
  type DownloadEvent,
  fellBackToOriginal,
  fileSourceOf,
  isCleanSource,
  isFinalDownload,
  newDownloadJob,
  retryDelayMs,
  transitionDownload,
} from './model';
import { ParseServiceError } from './parse-service';
import { sidecarText, textFileUrl } from './sidecar';

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

export interface MediaDeps {
  db: () => Promise<CompanionDb>;
  sora: HistorySoraPort;
  downloads: DownloadsApi;
  /** Fresh URLs for an item (lib/history/resolve); null when Sora no longer lists it. */
  resolveItem(id: string): Promise<HistoryItem | null>;
  /** 'dead' when the URL answers 403 / 404 (expired signature, gone). One HEAD request; no body is read. */
  checkUrl(url: string): Promise<UrlCheck>;
  askParseService(base: string, shareUrl: string): Promise<string>;
  settings(): Promise<Settings>;
  /**
   * The waits that follow the user's "wait for Sora to answer" setting, read before every run (a change
   * applies to the next wait). Default: {@link WAIT_MS} and {@link PUBLISH_SETTLE_MS}. A failed read keeps
   * the last ones.
   */
  waits?: () => MediaWaits | Promise<MediaWaits>;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** Downloads at once (publish, resolve and download steps together). Default 2. */
  concurrency?: number;
  onJobsChanged?(jobs: DownloadJob[], removed: string[]): void;
  onItemsChanged?(items: HistoryItem[]): void;
  /** The posts still online changed (the whole list, newest first). */
  onPostsChanged?(posts: PostRecord[]): void;
  /** A URL for a sidecar's text. Default: blob: where possible, else data: ({@link textFileUrl}). */
  textUrl?(text: string, mime: string): string;
}

export const DEFAULT_DOWNLOAD_CONCURRENCY = 2;

/** Errors worth another try after a pause. */
const TRANSIENT: readonly SoraErrorCode[] = [
  'network',
  'timeout',
  'server_error',
  'heavy_load',
  'rate_limited',
  'sentinel_rejected',
  'bad_response',
];

/**
 * How long a step waits on a DOWNLOAD_WAIT_CODES refusal before looking again. The default of the user's
 * setting (lib/util/patience.ts `recheckMs`).
 */
export const WAIT_MS = DEFAULT_PATIENCE_WAITS.recheckMs;

/** How long a parse-service link on an unconfirmed host waits before asking again (confirming wakes it). */
export const HOST_CONFIRM_WAIT_MS = 10 * 60_000;

/** A file URL off Sora's media host: refused before any request, with the host for the user to see. */
function foreignHost(url: string): DownloadEvent {
  const host = httpsHostOf(url) ?? '';
  return {
    type: 'fail',
    error: {
      code: 'foreign_host',
      message: host ? `The file is on ${host}, not on Sora's media host.` : 'The file URL is not https.',
      host,
    },
  };
}

/**
 * Failures after which a publish may still have reached Sora and made a post: the connection died, the
 * answer never came or came unreadable, or a gateway answered for a service that may have done the work.
 */
const MAYBE_SENT: readonly string[] = ['network', 'timeout', 'server_error', 'bad_response'];

/** Sora's clock and ours may differ: a post this much older than our send still counts as possibly ours. */
export const POST_CLOCK_SLACK_MS = 2 * 60_000;

/**
 * A publish sent this recently may still be under way on Sora's side (a stopped worker's request outlives
 * it on the server): "not in your posts" is believed only once the send is this old. Longer than the
 * request core's timeout; the default of the user's setting (lib/util/patience.ts `publishSettleMs`).
 */
export const PUBLISH_SETTLE_MS = DEFAULT_PATIENCE_WAITS.publishSettleMs;

/** The worker's waits that follow the user's setting. */
export interface MediaWaits {
  waitMs: number;
  publishSettleMs: number;
}

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
type Lookup = { kind: 'found'; postId: string } | { kind: 'none' } | { kind: 'unavailable'; message: string };

const UNAVAILABLE_CODES: readonly string[] = ['not_found', 'bad_response', 'bad_request', 'forbidden'];

/** Interruptions that mean the URL no longer works (expired signature, gone). */
const URL_ERRORS = ['SERVER_FORBIDDEN', 'SERVER_BAD_CONTENT', 'SERVER_UNAUTHORIZED', 'SERVER_FAILED'];

const errorOf = (
  e: unknown,
): { code: SoraErrorCode | 'parse_service' | 'download_failed'; message: string } => {
  if (e instanceof SoraError) return { code: e.code, message: e.message };
  if (e instanceof ParseServiceError) return { code: 'parse_service', message: e.message };
  return { code: 'download_failed', message: e instanceof Error ? e.message : String(e) };
};

const basename = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** The draft's own files as far as the item knows them (its stored list, its URLs). */
function ownFilesOf(it: HistoryItem): string[] {
  const ids = [...(it.draftFiles ?? []), fileIdentity(it.url), fileIdentity(it.downloadUrl)];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** Whether `url` names a file other than the draft's own; with nothing to compare against, never. */
const namesOtherFile = (url: string, own: readonly string[]): boolean =>
  own.length > 0 && !own.includes(fileIdentity(url) as string);

export function createMediaWorker(deps: MediaDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const setTimer =
    deps.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  const concurrency = deps.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY;
  let waits: MediaWaits = { waitMs: WAIT_MS, publishSettleMs: PUBLISH_SETTLE_MS };
  /** Steps running in this worker's life (a stopped worker loses them; the stored state says what to redo). */
  const inFlight = new Map<string, Promise<void>>();
  let ticking: Promise<void> | null = null;
  let again = false;
  let cancelTimer: (() => void) | null = null;

  /** Background ticks: a failure is logged, the next wake-up tries again. */
  const kick = () =>
    void tick().catch((e: unknown) =>
      console.warn('downloads tick failed', e instanceof Error ? e.message : e),
    );

  const changed = (jobs: DownloadJob[], removed: string[] = []) => {
    if (jobs.length > 0 || removed.length > 0) deps.onJobsChanged?.(jobs, removed);
  };

  /** Applies an event to the stored job in one transaction. Null when it no longer applied. */
  async function apply(id: string, event: DownloadEvent): Promise<DownloadJob | null> {
    const db = await deps.db();
    const tx = db.transaction('downloads', 'readwrite');
    const job = await tx.store.get(id);
    const next = job ? transitionDownload(job, event, now()) : null;
    if (next) await tx.store.put(next);
    await tx.done;
    if (next) changed([next]);
    // A finished job's post (one it could not delete) now belongs on the user's list.
    if (next?.postId && isFinalDownload(next.state) && job && !isFinalDownload(job.state))
      await postsChanged();
    return next;
  }

  async function item(id: string): Promise<HistoryItem | undefined> {
    const stored = await (await deps.db()).get('history', id);
    return stored && stored.status !== 'deleted' ? stored : undefined;
  }

  async function patchItem(id: string, patch: Partial<HistoryItem>): Promise<void> {
    const next = await patchHistoryItem(await deps.db(), id, patch, now());
    if (next) deps.onItemsChanged?.([next]);
  }

  /** A failed step: another try later when it may help, else the job fails (or leaves its post behind). */
  function failure(job: DownloadJob, e: unknown): DownloadEvent {
    const error = errorOf(e);
    const retryAfterMs = e instanceof SoraError ? (e.retryAfterMs ?? 0) : 0;
    if (DOWNLOAD_WAIT_CODES.includes(error.code)) {
      return { type: 'wait', delayMs: Math.max(waits.waitMs, retryAfterMs), error };
    }
    if ((TRANSIENT as readonly string[]).includes(error.code)) {
      return {
        type: 'retry',
        delayMs: Math.max(retryDelayMs(job.attempts + 1, random), retryAfterMs),
        error,
      };
    }
    return { type: 'fail', error };
  }

  const waitsOrRetries = (code: string) =>
    (TRANSIENT as readonly string[]).includes(code) || DOWNLOAD_WAIT_CODES.includes(code);

  // ------------------------------------------------------------------------------------------- posts

  async function postsChanged(): Promise<void> {
    if (deps.onPostsChanged) deps.onPostsChanged(await listPosts());
  }

  /** Records a post the moment its id is known: from here on it is listed until Sora confirms it gone. */
  async function recordPost(job: DownloadJob, postId: string): Promise<void> {
    await addPostRecord(await deps.db(), {
      id: postId,
      itemId: job.itemId,
      createdAt: now(),
      purpose: 'download',
      jobId: job.id,
      kept: job.keepPublished,
    });
    await postsChanged();
  }

  async function forgetPost(postId: string): Promise<void> {
    if (await removePostRecord(await deps.db(), postId)) await postsChanged();
  }

  /**
   * Looks for the post a publish of `job` may have made without its answer reaching us: a post recorded for
   * this job, else among the user's own posts one of this generation posted since the send that no other
   * record (a share link, another download) claims. `unavailable` when Sora offers no way to tell (the
   * unverified feed is absent or unreadable, or a candidate carries no time); transient failures throw.
   */
  async function lookUpPost(job: Pick<DownloadJob, 'id' | 'itemId' | 'publishSentAt'>): Promise<Lookup> {
    const db = await deps.db();
    const records = await db.getAllFromIndex('posts', 'by-item', job.itemId);
    const mine = records.find((r) => r.jobId !== null && r.jobId === job.id);
    if (mine) return { kind: 'found', postId: mine.id };
    const claimed = new Set(records.map((r) => r.id));
    const it = await item(job.itemId);
    if (it?.postId) claimed.add(it.postId);
    const since = (job.publishSentAt ?? 0) - POST_CLOCK_SLACK_MS;
    let cursor: string | undefined;
    let timeless = false;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      let res: Awaited<ReturnType<HistorySoraPort['listOwnPosts']>>;
      try {
        res = await deps.sora.listOwnPosts(cursor);
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

  // ------------------------------------------------------------------------------------------- steps

  async function publish(job: DownloadJob): Promise<DownloadEvent> {
    const it = await item(job.itemId);
    if (!it)
      return { type: 'fail', error: { code: 'item_missing', message: 'The item is no longer in history.' } };
    if (!isPublishable(it)) return { type: 'noClean', message: 'Only finished videos can be published.' };
    if (it.postId) return { type: 'published', postId: it.postId, kept: true };
    if (job.publishSentAt !== null) {
      // An earlier send may have made the post (lost answer, timeout, stopped worker): look before resending.
      let found: Lookup;
      try {
        found = await lookUpPost(job);
      } catch (e) {
        return failure(job, e);
      }
      if (found.kind === 'unavailable') return { type: 'unsure', message: found.message };
      if (found.kind === 'found') {
        await recordPost(job, found.postId);
        if (job.keepPublished) await patchItem(it.id, { postId: found.postId });
        return { type: 'published', postId: found.postId, kept: false };
      }
      const settled = job.publishSentAt + waits.publishSettleMs;
      if (now() < settled) return { type: 'later', delayMs: settled - now() };
    }
    // Saved right before the request leaves (the sentinel token is made by then): a restart after this
    // point knows a post may exist; one before it knows none can.
    let withdrawn = false;
    const beforeSend = async () => {
      if ((await apply(job.id, { type: 'publishSending' })) !== null) return;
      withdrawn = true;
      throw new Error('The download left publishing before the publish was sent.');
    };
    try {
      const { postId } = await deps.sora.publish(it.id, { beforeSend });
      // Recorded whatever the job's state now (a cancel may have overtaken the answer).
      await recordPost(job, postId);
      if (job.keepPublished) await patchItem(it.id, { postId });
      return { type: 'published', postId, kept: false };
    } catch (e) {
      if (withdrawn) return { type: 'cancel' };
      const error = errorOf(e);
      // A clear refusal made no post: the next try is a first send, not a resend.
      if (!MAYBE_SENT.includes(error.code)) await apply(job.id, { type: 'publishRefused' });
      // Sora will not publish this generation: then there is no clean file to be had this way.
      if (error.code === 'bad_request' || error.code === 'not_found') {
        return { type: 'noClean', message: error.message };
      }
      return failure(job, e);
    }
  }

  async function resolveClean(job: DownloadJob): Promise<DownloadEvent> {
    const postId = job.postId as string;
    const it = await item(job.itemId);
    if (!it)
      return { type: 'fail', error: { code: 'item_missing', message: 'The item is no longer in history.' } };
    let own = ownFilesOf(it);
    // Without the draft's own file nothing could be told apart from it: read it from Sora first.
    if (own.length === 0) {
      const fresh = await deps.resolveItem(it.id);
      if (fresh) own = ownFilesOf(fresh);
    }
    const settings = await deps.settings();
    let serviceProblem = '';
    if (settings.parseServiceUrl.trim() !== '') {
      let link: string | null = null;
      try {
        link = await deps.askParseService(settings.parseServiceUrl, postUrl(postId));
        if (!namesOtherFile(link, own)) {
          serviceProblem = 'The parse service named the video’s own watermarked file.';
          link = null;
        }
      } catch (e) {
        serviceProblem = errorOf(e).message;
      }
      if (link !== null) {
        const verdict = checkMediaUrl(link, settings.trustedMediaHosts);
        if (verdict.ok) return { type: 'resolved', url: link, source: 'parse_service' };
        if (verdict.reason === 'foreign_host') {
          // A host seen for the first time: nothing is fetched from it until the user says so.
          return {
            type: 'wait',
            delayMs: HOST_CONFIRM_WAIT_MS,
            error: {
              code: 'host_unconfirmed',
              message: `The parse service's file is on ${verdict.host}: confirm that host first.`,
              host: verdict.host,
            },
          };
        }
        serviceProblem = 'The parse service answered a link that is not https.';
      }
    }
    let post: Awaited<ReturnType<HistorySoraPort['getPost']>>;
    try {
      post = await deps.sora.getPost(postId);
    } catch (e) {
      if (e instanceof SoraError && e.code === 'not_found' && job.postWasKept) {
        await patchItem(job.itemId, { postId: undefined });
        return { type: 'postGone' };
      }
      return failure(job, e);
    }
    const att = findAttachment(post, job.itemId);
    const choice = att ? choosePostFile(att, own) : ({ kind: 'none' } as const);
    // A post file off Sora's media host is not taken: say so rather than skip it silently.
    if (choice.kind !== 'none' && !isSoraMediaUrl(choice.url)) {
      const offHost = `Sora's post pointed at a file on ${httpsHostOf(choice.url) ?? 'a non-https address'}, not on its media host; it was not fetched.`;
      return { type: 'noClean', message: serviceProblem ? `${offHost} ${serviceProblem}` : offHost };
    }
    if (choice.kind === 'other') return { type: 'resolved', url: choice.url, source: 'post_attachment' };
    // The post hands back the draft's own file: save it, as what it is (the user is told it fell back).
    if (choice.kind === 'draft_file') return { type: 'resolved', url: choice.url, source: 'original' };
    const why = 'Sora offered no watermark-free file for this video.';
    return { type: 'noClean', message: serviceProblem ? `${why} ${serviceProblem}` : why };
  }

  async function resolveOriginal(job: DownloadJob): Promise<DownloadEvent> {
    let it = await item(job.itemId);
    if (!it)
      return { type: 'fail', error: { code: 'item_missing', message: 'The item is no longer in history.' } };
    const pick = (i: HistoryItem) => i.downloadUrl || i.url;
    let url = pick(it);
    // A URL past its signature (or answering 403 / 404) is read again from Sora first. Only Sora's media
    // host is ever HEAD-checked; a URL elsewhere is refused below without a request.
    if (!url || isUrlExpired(url, now()) || (isSoraMediaUrl(url) && (await deps.checkUrl(url)) === 'dead')) {
      const fresh = await deps.resolveItem(it.id);
      if (!fresh) {
        return {
          type: 'fail',
          error: { code: 'item_missing', message: 'Sora no longer lists this generation.' },
        };
      }
      it = fresh;
      url = pick(fresh);
    }
    if (!url)
      return { type: 'fail', error: { code: 'item_missing', message: 'Sora has no file for this item.' } };
    if (!isSoraMediaUrl(url)) return foreignHost(url);
    return { type: 'resolved', url, source: 'original' };
  }

  async function resolve(job: DownloadJob): Promise<DownloadEvent> {
    try {
      return job.mode === 'clean' && job.postId ? await resolveClean(job) : await resolveOriginal(job);
    } catch (e) {
      return failure(job, e);
    }
  }

  async function filenameFor(job: DownloadJob, it: HistoryItem): Promise<string> {
    const settings = await deps.settings();
    const fallback = it.kind === 'image' ? '.png' : '.mp4';
    const extension = extensionFromUrl(
      job.mode === 'original' ? (job.sourceUrl ?? it.url) : it.url,
      fallback,
    );
    return buildFilename(
      {
        id: it.id,
        kind: it.kind,
        prompt: it.prompt,
        createdAt: it.createdAt,
        orientation: it.orientation ?? (it.params.orientation as string | undefined),
        index: job.index,
        total: job.total,
      },
      { template: settings.filenameTemplate, folder: settings.downloadFolder, extension },
    );
  }

  async function finishDownload(job: DownloadJob, d: DownloadItemLike): Promise<DownloadEvent> {
    const source = fileSourceOf(job.source);
    const fellBack = fellBackToOriginal(job);
    const savedAs = basename(d.filename || job.filename || '');
    await patchItem(job.itemId, {
      downloadedAt: now(),
      downloadedClean: isCleanSource(source),
      downloadedFile: savedAs,
      downloadedSource: source ?? undefined,
      downloadedFellBack: fellBack,
    });
    if (job.sidecar !== 'none' && job.filename) {
      const it = await item(job.itemId);
      const kept = job.postId && (job.postWasKept || job.keepPublished) ? job.postId : null;
      if (it) {
        const side = sidecarText(job.sidecar, it, { source, fellBack }, kept);
        await deps.downloads
          .download({
            url: (deps.textUrl ?? textFileUrl)(side.text, side.mime),
            filename: withExtension(job.filename, side.extension),
            conflictAction: 'uniquify',
            saveAs: false,
          })
          .catch((e: unknown) => console.warn('sidecar not saved', e instanceof Error ? e.message : e));
      }
    }
    return { type: 'downloaded', savedAs };
  }

  async function download(job: DownloadJob): Promise<DownloadEvent | null> {
    const url = job.sourceUrl as string;
    let downloadId = job.downloadId;
    if (downloadId === null && job.downloadRequestedAt !== null) {
      // A former life asked the browser and stopped before saving the id: adopt that download.
      const since = job.downloadRequestedAt - 2000;
      const found = (await deps.downloads.search({ url })).find((d) => Date.parse(d.startTime) >= since);
      if (found) {
        downloadId = found.id;
        await apply(job.id, { type: 'downloadStarted', downloadId });
      }
    }
    if (downloadId === null) {
      // The last gate before the browser requests the file (a job stored by an older build included).
      const confirmed = job.source === 'parse_service' ? (await deps.settings()).trustedMediaHosts : [];
      if (!checkMediaUrl(url, confirmed).ok) return foreignHost(url);
      const it = await item(job.itemId);
      if (!it)
        return {
          type: 'fail',
          error: { code: 'item_missing', message: 'The item is no longer in history.' },
        };
      const filename = await filenameFor(job, it);
      if ((await apply(job.id, { type: 'downloadRequested', filename })) === null) return null;
      try {
        downloadId = await deps.downloads.download({
          url,
          filename,
          conflictAction: 'uniquify',
          saveAs: false,
        });
      } catch (e) {
        return { type: 'fail', error: { code: 'download_failed', message: errorOf(e).message } };
      }
      const started = await apply(job.id, { type: 'downloadStarted', downloadId });
      if (started === null) return null;
      job = started;
    }
    const [d] = await deps.downloads.search({ id: downloadId });
    if (!d)
      return {
        type: 'retry',
        delayMs: 0,
        error: { code: 'download_failed', message: 'The download disappeared.' },
      };
    if (d.state === 'complete') return finishDownload(job, d);
    if (d.state === 'interrupted') {
      const reason = d.error ?? 'interrupted';
      if (reason === 'USER_CANCELED') return { type: 'cancel' };
      if (URL_ERRORS.includes(reason))
        return { type: 'urlExpired', message: `The file URL stopped working (${reason}).` };
      return {
        type: 'retry',
        delayMs: retryDelayMs(job.attempts + 1, random),
        error: { code: 'download_failed', message: reason },
      };
    }
    const total = d.totalBytes > 0 ? d.totalBytes : null;
    await apply(job.id, { type: 'progress', bytesReceived: d.bytesReceived, totalBytes: total });
    // Still running: `downloads.onChanged` (or the alarm) wakes the worker again.
    return null;
  }

  async function unpublish(job: DownloadJob): Promise<DownloadEvent> {
    const postId = job.postId;
    if (postId === null) {
      // Ended (canceled, failed) while a publish may have been out: find its post to delete it.
      if (job.publishSentAt === null) return { type: 'unpublished', leftPublished: false };
      let found: Lookup;
      try {
        found = await lookUpPost(job);
      } catch (e) {
        return failure(job, e);
      }
      if (found.kind === 'found') {
        await recordPost(job, found.postId);
        return { type: 'published', postId: found.postId, kept: false };
      }
      const settled = job.publishSentAt + waits.publishSettleMs;
      if (found.kind === 'none' && now() < settled) return { type: 'later', delayMs: settled - now() };
      if (found.kind === 'none') return { type: 'unpublished', leftPublished: false };
      return {
        type: 'unpublished',
        leftPublished: false,
        maybeLeft: true,
        error: { code: 'publish_unsure', message: found.message },
      };
    }
    try {
      await deps.sora.deletePost(postId);
      await forgetPost(postId);
      return { type: 'unpublished', leftPublished: false };
    } catch (e) {
      const error = errorOf(e);
      if (error.code === 'not_found') {
        await forgetPost(postId);
        return { type: 'unpublished', leftPublished: false };
      }
      // Logged out or throttled: wait and delete it later rather than leave it published.
      if (waitsOrRetries(error.code)) return failure(job, e);
      return { type: 'unpublished', leftPublished: true, error };
    }
  }

  async function step(seen: DownloadJob): Promise<void> {
    // The list this step was chosen from may be stale (another step of this job just finished): act only on
    // the stored record, and only when it is still the one that was seen.
    const job = await (await deps.db()).get('downloads', seen.id);
    if (!job || job.state !== seen.state || job.updatedAt !== seen.updatedAt) return;
    let event: DownloadEvent | null;
    switch (job.state) {
      case 'publishing':
        event = await publish(job);
        break;
      case 'resolving':
        event = await resolve(job);
        break;
      case 'downloading':
        event = await download(job);
        break;
      case 'unpublishing':
        event = await unpublish(job);
        break;
      default:
        event = null;
    }
    if (event === null) return;
    const next = await apply(job.id, event);
    // A post left behind on a failed unpublish stays visible to the user with its link.
    if (next && isFinalDownload(next.state) && next.postLeftPublished && next.postId) {
      await patchItem(next.itemId, { postId: next.postId });
    }
  }

  // ------------------------------------------------------------------------------------------- scheduling

  async function openJobs(): Promise<DownloadJob[]> {
    const db = await deps.db();
    const all = await db.getAll('downloads');
    return all.filter((j) => !isFinalDownload(j.state));
  }

  async function runOnce(): Promise<void> {
    if (deps.waits) {
      try {
        waits = await deps.waits();
      } catch {
        // Keep the waits last read: a passing storage hiccup must not stop the downloads.
      }
    }
    const jobs = await openJobs();
    const t = now();
    const active = jobs.filter((j) => ACTIVE_DOWNLOAD_STATES.includes(j.state));
    const waiting = jobs
      .filter((j) => j.state === 'queued' && j.nextAttemptAt <= t)
      .sort((a, b) => a.createdAt - b.createdAt || a.index - b.index);
    for (const q of waiting.slice(0, Math.max(0, concurrency - active.length))) {
      const started = await apply(q.id, { type: 'start' });
      if (started) active.push(started);
    }
    let nextWake = Number.POSITIVE_INFINITY;
    for (const job of active) {
      if (inFlight.has(job.id)) continue;
      if (job.nextAttemptAt > t) {
        nextWake = Math.min(nextWake, job.nextAttemptAt);
        continue;
      }
      const running = step(job)
        .catch((e: unknown) => console.warn('download step failed', e instanceof Error ? e.message : e))
        .finally(() => {
          inFlight.delete(job.id);
          kick();
        });
      inFlight.set(job.id, running);
    }
    for (const job of jobs)
      if (job.state === 'queued' && job.nextAttemptAt > t) nextWake = Math.min(nextWake, job.nextAttemptAt);
    cancelTimer?.();
    cancelTimer = Number.isFinite(nextWake) ? setTimer(kick, Math.max(0, nextWake - t)) : null;
  }

  /** Does the next thing for every open job. Cheap when nothing is open; calls made during a run coalesce. */
  function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again);
    })().finally(() => {
      ticking = null;
    });
    return ticking;
  }

  /** For tests and the benchmark: ticks until no step is running. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await tick();
      if (inFlight.size === 0) return;
      await Promise.all([...inFlight.values()]);
    }
  }

  async function enqueue(itemIds: readonly string[], mode: DownloadMode): Promise<DownloadJob[]> {
    const db = await deps.db();
    const settings = await deps.settings();
    const batchId = randomId('dlb');
    const t = now();
    // Refused or failed generations have no file: they are left out (and numbering skips them).
    const items = (await Promise.all(itemIds.map((id) => item(id)))).filter(
      (it): it is HistoryItem => it !== undefined && it.status === 'ready',
    );
    const jobs = items.map((it, i) =>
      newDownloadJob({
        id: randomId('dl'),
        itemId: it.id,
        batchId,
        index: i + 1,
        total: items.length,
        // Images are never posts: they always take the file as Sora serves it.
        mode: isPublishable(it) ? mode : 'original',
        keepPublished: settings.keepPublished,
        sidecar: settings.sidecar,
        now: t,
      }),
    );
    const tx = db.transaction('downloads', 'readwrite');
    await Promise.all([...jobs.map((j) => tx.store.put(j)), tx.done]);
    changed(jobs);
    kick();
    return jobs;
  }

  async function list(): Promise<DownloadJob[]> {
    const db = await deps.db();
    return (await db.getAll('downloads')).sort((a, b) => b.createdAt - a.createdAt || a.index - b.index);
  }

  async function cancel(ids: readonly string[]): Promise<DownloadJob[]> {
    const out: DownloadJob[] = [];
    for (const id of ids) {
      const db = await deps.db();
      const before = await db.get('downloads', id);
      const next = await apply(id, { type: 'cancel' });
      if (!next) continue;
      out.push(next);
      if (before?.state === 'downloading' && before.downloadId !== null) {
        await deps.downloads.cancel(before.downloadId).catch(() => {});
      }
    }
    kick();
    return out;
  }

  async function clearFinished(): Promise<number> {
    const db = await deps.db();
    const tx = db.transaction('downloads', 'readwrite');
    const removed: string[] = [];
    for (const job of await tx.store.getAll()) {
      if (!isFinalDownload(job.state)) continue;
      await tx.store.delete(job.id);
      removed.push(job.id);
    }
    await tx.done;
    changed([], removed);
    return removed.length;
  }

  /**
   * The user confirmed a parse-service host (already saved in settings): the jobs waiting on it go on now
   * instead of at their next look.
   */
  async function hostConfirmed(host: string): Promise<DownloadJob[]> {
    const woken: DownloadJob[] = [];
    for (const job of await openJobs()) {
      if (job.lastError?.code !== 'host_unconfirmed' || job.lastError.host !== host) continue;
      const { at: _at, ...error } = job.lastError;
      const next = await apply(job.id, { type: 'wait', delayMs: 0, error });
      if (next) woken.push(next);
    }
    kick();
    return woken;
  }

  /** Publishes an item as an unlisted share link and keeps it (remix, "copy share link"). */
  async function share(itemId: string): Promise<{ postId: string; url: string }> {
    const it = await item(itemId);
    if (!it) throw new SoraError('not_found', 'The item is no longer in history.');
    if (!isPublishable(it)) throw new SoraError('bad_request', 'Only finished videos can be shared.');
    if (it.postId) {
      try {
        await deps.sora.getPost(it.postId);
        return { postId: it.postId, url: postUrl(it.postId) };
      } catch (e) {
        if (!(e instanceof SoraError && e.code === 'not_found')) throw e;
      }
    }
    let sentAt = now();
    let postId: string;
    try {
      ({ postId } = await deps.sora.publish(it.id, {
        beforeSend: async () => {
          sentAt = Math.min(sentAt, now());
        },
      }));
    } catch (e) {
      // The answer may be lost with the post made: take that post rather than leave it unknown.
      if (!(e instanceof SoraError && MAYBE_SENT.includes(e.code))) throw e;
      const found = await lookUpPost({ id: '', itemId: it.id, publishSentAt: sentAt }).catch(() => null);
      if (found?.kind !== 'found') throw e;
      postId = found.postId;
    }
    await addPostRecord(await deps.db(), {
      id: postId,
      itemId: it.id,
      createdAt: now(),
      purpose: 'share',
      jobId: null,
      kept: true,
    });
    await postsChanged();
    await patchItem(it.id, { postId });
    return { postId, url: postUrl(postId) };
  }

  /** Deletes the kept share link of an item. */
  async function unpublishItem(itemId: string): Promise<HistoryItem | null> {
    const it = await item(itemId);
    if (!it) return null;
    if (it.postId) {
      try {
        await deps.sora.deletePost(it.postId);
      } catch (e) {
        if (!(e instanceof SoraError && e.code === 'not_found')) throw e;
      }
      await forgetPost(it.postId);
    }
    const next = await patchHistoryItem(await deps.db(), itemId, { postId: undefined }, now());
    if (next) deps.onItemsChanged?.([next]);
    return next ?? null;
  }

  /**
   * The posts still online that need the user: every recorded post except those an open download job will
   * delete by itself. Newest first.
   */
  async function listPosts(): Promise<PostRecord[]> {
    const db = await deps.db();
    const open = new Set((await openJobs()).map((j) => j.id));
    return (await listPostRecords(db)).filter((r) => r.jobId === null || !open.has(r.jobId));
  }

  /** Deletes a recorded post on Sora (gone already counts as deleted) and forgets it; the item's link too. */
  async function deleteRecordedPost(postId: string): Promise<PostRecord[]> {
    const db = await deps.db();
    const record = await getPostRecord(db, postId);
    try {
      await deps.sora.deletePost(postId);
    } catch (e) {
      if (!(e instanceof SoraError && e.code === 'not_found')) {
        if (record) await putPostRecord(db, { ...record, lastError: errorOf(e).message });
        await postsChanged();
        throw e;
      }
    }
    await removePostRecord(db, postId);
    const itemId = record?.itemId;
    const it = itemId ? await item(itemId) : undefined;
    if (it?.postId === postId) await patchItem(it.id, { postId: undefined });
    const posts = await listPosts();
    deps.onPostsChanged?.(posts);
    return posts;
  }

  /** The user chose to publish again the downloads that could not tell whether their publish went out. */
  async function publishAgain(ids: readonly string[]): Promise<DownloadJob[]> {
    const out: DownloadJob[] = [];
    for (const id of ids) {
      const next = await apply(id, { type: 'publishAgain' });
      if (next) out.push(next);
    }
    kick();
    return out;
  }

  return {
    enqueue,
    list,
    listPosts,
    deleteRecordedPost,
    publishAgain,
    cancel,
    clearFinished,
    share,
    unpublishItem,
    tick,
    settle,
    openJobs,
    hostConfirmed,
  };
}

export type MediaWorker = ReturnType<typeof createMediaWorker>;
