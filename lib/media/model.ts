/**
 * Publish-and-download jobs: one persisted record per file the user asked for, so a stopped service worker
 * continues where it was. Plain data and pure functions; the steps are performed elsewhere, each state's step
 * deciding the event this machine applies: publishing ./publish.ts (with ./lookup.ts), resolving
 * ./resolve.ts, downloading ./download.ts, unpublishing ./unpublish.ts, all run by ./steps.ts; `start` comes
 * from ./worker.ts's free slots, `cancel` / `publishAgain` / a confirmed host's `wait` from ./commands.ts.
 *
 * ```
 *  mode 'clean' (videos):
 *   queued ──► publishing ──► resolving ──► downloading ──► unpublishing ──► done
 *     ▲  (POST post,    (post id)  (a file other than the  (file saved)   (post deleted, or kept
 *     │   saved before               draft's own: parse service             published on request)
 *     │   sending)                   or the post's attachment;
 *     │                              only the draft's own file:
 *     │                              source 'original', saved
 *     │                              and said to be a fallback)
 *     │                                 │ no URL at all                 ┌──► no_clean (the normal file is
 *     │                                 └──────────────► unpublishing ──┤    offered, never passed off
 *     │                                                                 │    as clean)
 *     │  a step that fails for good ─────────────────► unpublishing ──┼──► failed
 *     │  cancel ─────────────────────────────────────► unpublishing ──┴──► canceled
 *     │  (no post yet: straight to the final state)
 *     └─ transient errors: back to the same step after a backoff (attempts counted)
 *
 *  A publish that may have reached Sora without its answer (lost answer, timeout, 5xx, worker stop:
 *  `publishSentAt` set and not cleared by a clear refusal) is never sent again blind:
 *   publishing ──► look for the post among the user's own posts (this generation, posted since the send)
 *     ├─ found ──────────────► published (that post, recorded like any other)
 *     ├─ not there yet ──────► look again once the send is PUBLISH_SETTLE_MS old (Sora may still be on it)
 *     ├─ surely not there ───► publish again
 *     └─ no way to look ─────► unsure ──┬─ user: "Publish again" ──► publishing (publishSentAt cleared)
 *        (the feed is 404 /             └─ user: Cancel ──────────► canceled (postMaybeLeft: told to check)
 *         unreadable)
 *  A cancel (or a final failure) while a publish may be out goes through unpublishing without a post id:
 *  the answer still on its way, or the same lookup, names the post to delete; no way to look ends with
 *  `postMaybeLeft`. Every post id learned is recorded (lib/db/posts.ts) until Sora confirms it deleted.
 *
 *  mode 'original' (images, or the normal file the user accepted):
 *   queued ──► resolving (fresh URL: re-read from Sora when expired / 403 / 404) ──► downloading ──► done
 * ```
 * `downloading` with an expired-URL interruption goes back to `resolving`, at most MAX_STEP_ATTEMPTS - 1 times a job
 * (`urlRenewals`): a link that never works ends the job as failed instead of looping.
 */
import type { DownloadError, DownloadJob, DownloadState, FinalDownloadState } from '../db/download-record';
import type { FileSource } from '../db/history-record';

export const FINAL_DOWNLOAD_STATES: readonly DownloadState[] = ['done', 'no_clean', 'failed', 'canceled'];
/** States that hold one of the concurrent download slots. */
export const ACTIVE_DOWNLOAD_STATES: readonly DownloadState[] = [
  'publishing',
  'resolving',
  'downloading',
  'unpublishing',
];
export const isFinalDownload = (s: DownloadState): boolean => FINAL_DOWNLOAD_STATES.includes(s);

/**
 * Where the saved file came from. Only a file other than the draft's own is clean (NOTES.md: whether a web
 * session's post read carries a clean file is unverified): `post_attachment` (the post named a different
 * file), `parse_service` (the user's service named a different file), `original` (the draft's own,
 * watermarked file: asked for, or all a clean download could find).
 */
export type { FileSource };
export const FILE_SOURCES: readonly FileSource[] = ['post_attachment', 'parse_service', 'original'];
/**
 * A stored value as a file source. Records of older versions may hold 'post_source' / 'post_downloadable',
 * which were never checked against the draft's own file: null (not known), never clean.
 */
export const fileSourceOf = (value: unknown): FileSource | null =>
  FILE_SOURCES.includes(value as FileSource) ? (value as FileSource) : null;

export const isCleanSource = (source: FileSource | null | undefined): boolean =>
  source === 'post_attachment' || source === 'parse_service';

/** The user asked for the clean file and got the watermarked original: they must be told. */
export const fellBackToOriginal = (job: Pick<DownloadJob, 'mode' | 'source'>): boolean =>
  job.mode === 'clean' && fileSourceOf(job.source) === 'original';

export type DownloadEvent =
  | { type: 'start' }
  | { type: 'publishSending' }
  /** Sora clearly refused the publish (no post was made): a new try is not a resend. */
  | { type: 'publishRefused' }
  /** The post of this job (from the publish answer or the lookup). Also names the post a cancel must delete. */
  | { type: 'published'; postId: string; kept: boolean }
  /** The publish may have gone out and its post cannot be looked for. */
  | { type: 'unsure'; message: string }
  /** The user chose to publish again after `unsure`. */
  | { type: 'publishAgain' }
  /** A post kept from before is gone on Sora: publish a new one. */
  | { type: 'postGone' }
  | { type: 'resolved'; url: string; source: FileSource }
  | { type: 'noClean'; message: string }
  | { type: 'downloadRequested'; filename: string }
  | { type: 'downloadStarted'; downloadId: number }
  | { type: 'progress'; bytesReceived: number | null; totalBytes: number | null }
  | { type: 'downloaded'; savedAs: string | null }
  /** The URL stopped working (expired, 403 / 404): resolve it again. */
  | { type: 'urlExpired'; message: string }
  /** Do the current step again at a later time (nothing failed: no attempt spent, no error shown). */
  | { type: 'later'; delayMs: number }
  /** Try the current step again later. */
  | { type: 'retry'; delayMs: number; error: Omit<DownloadError, 'at'> }
  /**
   * The step cannot go on until something outside clears (logged out, daily limit, Cloudflare check,
   * Sora's concurrency ceiling): try again later without spending one of the step's attempts.
   */
  | { type: 'wait'; delayMs: number; error: Omit<DownloadError, 'at'> }
  | { type: 'fail'; error: Omit<DownloadError, 'at'> }
  | {
      type: 'unpublished';
      leftPublished: boolean;
      error?: Omit<DownloadError, 'at'>;
      /** No post id was known and none could be looked for: one may still be online. */
      maybeLeft?: boolean;
    }
  | { type: 'cancel' };

/**
 * Refusals that clear with time or the user (log in again, tomorrow's allowance, a passed check, a free slot):
 * the step waits and tries again without spending one of its attempts.
 */
export const DOWNLOAD_WAIT_CODES: readonly string[] = [
  'logged_out',
  'auth_expired',
  'cloudflare_challenge',
  'sentinel_unavailable',
  'daily_limit',
  'too_many_concurrent',
  'service_unavailable',
];

/** Most tries of one step before the job fails. */
export const MAX_STEP_ATTEMPTS = 4;

/** Whether the job owns a post it must delete before it ends. */
const ownsPost = (job: DownloadJob): boolean => job.postId !== null && !job.postWasKept && !job.keepPublished;

/** A publish of the job's own may be out without its answer: the post, if any, must be found and deleted. */
const mayOwnPost = (job: DownloadJob): boolean =>
  job.state === 'publishing' && job.publishSentAt !== null && !job.keepPublished;

/** Ends the job, through `unpublishing` when it published a post of its own. */
function end(
  job: DownloadJob,
  final: FinalDownloadState,
  now: number,
  patch: Partial<DownloadJob>,
): DownloadJob {
  const base = { ...job, ...patch, attempts: 0, nextAttemptAt: 0, updatedAt: now };
  if (ownsPost(job) || mayOwnPost(job)) return { ...base, state: 'unpublishing', after: final };
  return { ...base, state: final, after: null, finishedAt: now };
}

/**
 * The browser found the file's URL dead: read a fresh one, unless this job's URLs died too often. Counted apart from
 * `attempts`, which `resolved` resets: a URL that never works must not loop.
 */
function afterExpiredUrl(job: DownloadJob, lastError: DownloadError, now: number): DownloadJob {
  const urlRenewals = (job.urlRenewals ?? 0) + 1;
  if (urlRenewals >= MAX_STEP_ATTEMPTS) return end(job, 'failed', now, { urlRenewals, lastError });
  return {
    ...job,
    state: 'resolving',
    urlRenewals,
    attempts: 0,
    nextAttemptAt: 0,
    downloadId: null,
    downloadRequestedAt: null,
    sourceUrl: null,
    lastError,
    updatedAt: now,
  };
}

/**
 * The state machine. `null` when the event does not apply to the current state (a stale decision, e.g.
 * the user canceled while a step was running): nothing is written then.
 */
export function transitionDownload(job: DownloadJob, event: DownloadEvent, now: number): DownloadJob | null {
  const s = job.state;
  const next = (patch: Partial<DownloadJob>): DownloadJob => ({ ...job, ...patch, updatedAt: now });
  const err = (e: Omit<DownloadError, 'at'>): DownloadError => ({ ...e, at: now });
  switch (event.type) {
    case 'start':
      if (s !== 'queued') return null;
      return next({ state: job.mode === 'clean' ? 'publishing' : 'resolving', attempts: 0 });
    case 'publishSending':
      if (s !== 'publishing') return null;
      // A resend inside the same call (a refused token) keeps the first moment: lookups start from there.
      return next({ publishSentAt: job.publishSentAt ?? now });
    case 'publishRefused':
      // Also when a cancel overtook the refused publish: there is then no post to look for.
      if (s === 'unpublishing' && job.postId === null) return next({ publishSentAt: null });
      if (s !== 'publishing') return null;
      return next({ publishSentAt: null });
    case 'published':
      // A cancel overtook the publish: the post the answer (or the lookup) names is the one to delete.
      if (s === 'unpublishing' && job.postId === null) return next({ postId: event.postId });
      if (s !== 'publishing') return null;
      return next({
        state: 'resolving',
        postId: event.postId,
        postWasKept: event.kept,
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
      });
    case 'unsure':
      if (s !== 'publishing') return null;
      return next({
        state: 'unsure',
        attempts: 0,
        nextAttemptAt: 0,
        lastError: err({ code: 'publish_unsure', message: event.message }),
      });
    case 'publishAgain':
      if (s !== 'unsure') return null;
      return next({
        state: 'publishing',
        publishSentAt: null,
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
      });
    case 'postGone':
      if (s !== 'resolving' || job.mode !== 'clean') return null;
      return next({
        state: 'publishing',
        postId: null,
        postWasKept: false,
        publishSentAt: null,
        attempts: 0,
      });
    case 'resolved':
      if (s !== 'resolving') return null;
      return next({
        state: 'downloading',
        sourceUrl: event.url,
        source: event.source,
        attempts: 0,
        nextAttemptAt: 0,
        downloadId: null,
        downloadRequestedAt: null,
      });
    case 'noClean':
      if (s !== 'resolving' && s !== 'publishing') return null;
      return end(job, 'no_clean', now, {
        lastError: err({ code: 'no_clean_source', message: event.message }),
      });
    case 'downloadRequested':
      if (s !== 'downloading') return null;
      return next({ filename: event.filename, downloadRequestedAt: now });
    case 'downloadStarted':
      if (s !== 'downloading') return null;
      return next({ downloadId: event.downloadId });
    case 'progress':
      if (s !== 'downloading') return null;
      if (job.bytesReceived === event.bytesReceived && job.totalBytes === event.totalBytes) return null;
      return next({ bytesReceived: event.bytesReceived, totalBytes: event.totalBytes });
    case 'downloaded':
      if (s !== 'downloading') return null;
      return end(job, 'done', now, { savedAs: event.savedAs, lastError: null });
    case 'urlExpired':
      if (s !== 'downloading') return null;
      return afterExpiredUrl(job, err({ code: 'download_failed', message: event.message }), now);
    case 'retry':
      if (isFinalDownload(s) || s === 'queued') return null;
      if (job.attempts + 1 >= MAX_STEP_ATTEMPTS) {
        if (s === 'unpublishing') {
          return { ...next({ lastError: err(event.error), postLeftPublished: true }), ...finalOf(job, now) };
        }
        return end(job, 'failed', now, { lastError: err(event.error) });
      }
      return next({
        attempts: job.attempts + 1,
        nextAttemptAt: now + Math.max(0, event.delayMs),
        lastError: err(event.error),
        // `publishSentAt` stays: only a clear refusal (`publishRefused`) says no post was made.
        ...(s === 'downloading' ? { downloadId: null, downloadRequestedAt: null } : {}),
      });
    case 'later':
      if (isFinalDownload(s) || s === 'queued' || s === 'unsure') return null;
      return next({ nextAttemptAt: now + Math.max(0, event.delayMs) });
    case 'wait':
      if (isFinalDownload(s) || s === 'queued') return null;
      return next({
        nextAttemptAt: now + Math.max(0, event.delayMs),
        lastError: err(event.error),
      });
    case 'fail':
      if (isFinalDownload(s)) return null;
      if (s === 'unpublishing') {
        return { ...next({ lastError: err(event.error), postLeftPublished: true }), ...finalOf(job, now) };
      }
      return end(job, 'failed', now, { lastError: err(event.error) });
    case 'unpublished':
      if (s !== 'unpublishing') return null;
      return {
        ...next({
          postLeftPublished: event.leftPublished,
          ...(event.maybeLeft ? { postMaybeLeft: true } : {}),
          ...(event.error ? { lastError: err(event.error) } : {}),
        }),
        ...finalOf(job, now),
      };
    case 'cancel':
      if (isFinalDownload(s)) return null;
      if (s === 'unpublishing') return next({ after: 'canceled' });
      // The user drops an unsure publish: a post may exist that nothing can name; they are told so.
      if (s === 'unsure') return end(job, 'canceled', now, { postMaybeLeft: job.publishSentAt !== null });
      return end(job, 'canceled', now, {});
  }
}

const finalOf = (job: DownloadJob, now: number): Partial<DownloadJob> => ({
  state: job.after ?? 'done',
  after: null,
  finishedAt: now,
  attempts: 0,
  nextAttemptAt: 0,
});

/** A new job record. Images have no post to publish: they always take the original file. */
export function newDownloadJob(
  init: Pick<
    DownloadJob,
    'id' | 'itemId' | 'batchId' | 'index' | 'total' | 'mode' | 'keepPublished' | 'sidecar'
  > & { now: number },
): DownloadJob {
  const { now, ...given } = init;
  return {
    ...given,
    state: 'queued',
    after: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    publishSentAt: null,
    postId: null,
    postWasKept: false,
    postLeftPublished: false,
    sourceUrl: null,
    source: null,
    filename: null,
    downloadRequestedAt: null,
    downloadId: null,
    bytesReceived: null,
    totalBytes: null,
    savedAs: null,
  };
}

/** Backoff for the n-th retry (1-based): 2 s, 4 s, 8 s … capped at a minute, with ±25 % jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 2000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
