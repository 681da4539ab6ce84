/**
 * Generation jobs: what one unit of work is, and the only way its state may change.
 *
 * ```
 *                  enqueue                                    enqueue while paused
 *                     │                                                │
 *                     ▼              pause (queue paused)              ▼
 *   ┌──────────────► queued ◄──────────────────────────────────────► paused
 *   │                 │  ▲           unpause (queue resumed)
 *   │          submit │  │ requeue: too_many_concurrent (no attempt burned); transient error
 *   │     (slot free) │  │ (backoff with jitter); daily limit / logged out / Cloudflare / Sora not
 *   │                 │  │ answering (no attempt burned, then paused);
 *   │                 │  │ a create certainly not on Sora after the grace period
 *   │                 ▼  │
 *   │             submitting ──► uploaded, createSent, uncertain: stays (the create may have reached
 *   │                 │   │      Sora: it is looked for in pending and drafts before any resend)
 *   │                 │   │ askUser: Sora's lists gave no certain answer after the grace period
 *   │                 │   ▼
 *   │                 │  submitting + awaitingUser ("may already be on Sora": no slot, no reads)
 *   │                 │   ├── sendAgain (the user) ──► queued
 *   │                 │   └── Drop (the user) = cancel ──► canceled
 *   │                 │ created / matched (task id; matched already finished → resolving)
 *   │                 ▼
 *   │          running(taskId) ──► progress: stays
 *   │                 │  ▲
 *   │        taskLeft │  │ taskBack (listed in pending again)
 *   │                 ▼  │
 *   │             resolving
 *   │                 │ resolved (a draft / image with a URL; an image may go running → done)
 *   │                 ▼
 *   │               done
 *   │
 *   │   fail:   any open state → failed (policy, bad request, attempts used up, no result in time)
 *   │   cancel: any open state → canceled (a task already on Sora keeps running there)
 *   └── retry ── failed | canceled
 * ```
 *
 * Everything here is plain data (it is stored in IndexedDB as is) and pure functions.
 */
import type { SoraErrorCode } from '../sora/errors';
import type { Orientation, StyleId, VideoModel, VideoSize } from '../sora/quota';
import { isFinal, isWaiting, type JobState } from './states';

export const JOB_KINDS = ['video', 'remix', 'storyboard', 'image', 'extend'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export {
  FINAL_STATES,
  isFinal,
  isWaiting,
  JOB_STATES,
  type JobState,
  OPEN_STATES,
} from './states';

/** Why the whole queue stopped submitting. */
export type PauseReason =
  | 'daily_limit'
  | 'logged_out'
  | 'cloudflare_challenge'
  /** No real sentinel token can be made now (no Sora tab, no site access to chatgpt.com). */
  | 'sentinel_unavailable'
  | 'user'
  | 'service_unavailable';

/**
 * Codes a job can end with: Sora's own, plus three the engine decides itself.
 * - `task_failed`: Sora listed the task as failed (its `failure_reason` is the message).
 * - `result_missing`: the task finished but no usable result appeared in time.
 * - `input_missing`: the start image stored with the job is gone.
 */
export type JobErrorCode = SoraErrorCode | 'task_failed' | 'result_missing' | 'input_missing';

export interface JobError {
  code: JobErrorCode;
  message: string;
  /** What Sora named with the error (unsupported_country: the country), when it named something. */
  param?: string;
  /** Epoch ms. */
  at: number;
}

/** A start image: kept in the `files` store until uploaded, or an upload id Sora already has. */
export type StartImage =
  | { source: 'file'; fileId: string; fileName: string; mimeType: string }
  | { source: 'upload'; uploadId: string };

export interface VideoParams {
  orientation: Orientation;
  /** 150 / 300 / 450 / 750. */
  nFrames: number;
  model: VideoModel;
  size: VideoSize;
  styleId: StyleId | null;
  cameoIds: string[];
}

/** Text to video, or image to video with `startImage`. */
export interface VideoRequest extends VideoParams {
  kind: 'video';
  prompt: string;
  startImage?: StartImage;
}

export interface RemixRequest extends VideoParams {
  kind: 'remix';
  prompt: string;
  /** Normalized `s_…` id. */
  remixTargetId: string;
}

export interface StoryboardRequest extends VideoParams {
  kind: 'storyboard';
  /** Already serialized ("current timeline:\nShot 1:…", see lib/storyboard). */
  prompt: string;
  title?: string;
  startImage?: StartImage;
}

export interface ImageRequest {
  kind: 'image';
  prompt: string;
  width: number;
  height: number;
  nVariants: number;
  startImage?: StartImage;
}

/**
 * Continue a finished video by 10 or 15 s. Sora stores ITS rewrite of `prompt` on the result, so the result is
 * only ever matched by task id (and an uncertain create by the result's length, see the poller).
 */
export interface ExtendRequest {
  kind: 'extend';
  /** What happens next, as the user wrote it. */
  prompt: string;
  /** The video to continue (`gen_…`). */
  sourceGenerationId: string;
  /** Its history item, when the extension was started from History. */
  sourceHistoryId?: string;
  /** Its length when known: the result is this plus `extensionSeconds` long. */
  sourceDurationS?: number;
  /** A few words of the source's prompt, to name it in the queue. */
  sourceLabel?: string;
  extensionSeconds: 10 | 15;
}

export type JobRequest = VideoRequest | RemixRequest | StoryboardRequest | ImageRequest | ExtendRequest;

export interface GenerationResult {
  /** `gen_…`: what publishing needs. */
  generationId: string;
  url: string;
  downloadUrl?: string;
  thumbnailUrl?: string;
  width?: number;
  height?: number;
  durationS?: number;
  /** The draft's own files without signatures (a clean download must name another one). */
  files?: string[];
}

export interface JobResult {
  generations: GenerationResult[];
}

export interface Job {
  id: string;
  kind: JobKind;
  request: JobRequest;
  state: JobState;
  /** Jobs enqueued together share it (a one-job enqueue is its own batch). */
  batchId: string;
  /** Queue position: lower goes first. Unique per job. */
  order: number;
  createdAt: number;
  updatedAt: number;
  /** Submissions that counted (too_many_concurrent, daily limit and logged out do not count). */
  attempts: number;
  /** Not submitted before this time (epoch ms; 0 = now). */
  nextAttemptAt: number;
  lastError: JobError | null;
  /** Set while `paused`. */
  pauseReason: PauseReason | null;
  /** 0–1 while running (null when Sora does not say). */
  progress: number | null;
  taskId: string | null;
  /** The start image's upload id once uploaded (reused by later attempts). */
  uploadId: string | null;
  /** When the job entered `submitting`. */
  submittedAt: number | null;
  /**
   * When the create request was first handed to the network. Saved BEFORE sending, at the last moment (the
   * tokens are made by then): a job found in `submitting` with this set may have reached Sora and must be
   * looked for before it is ever sent again; one without it never left and is simply sent.
   */
  createSentAt: number | null;
  /** The create ended without a clear answer (network, timeout, 5xx, unreadable answer). */
  createUncertain: boolean;
  /**
   * "May already be on Sora": a create that may have reached Sora could not be matched with certainty after
   * the grace period. The job waits in `submitting` for the user (Send again / Drop); absent in older records.
   */
  awaitingUser?: boolean;
  runningAt: number | null;
  resolvingSince: number | null;
  finishedAt: number | null;
  sentinelRejections: number;
  result: JobResult | null;
}

export type JobEvent =
  /** A slot was granted (the start image is uploaded and the tokens made before `createSent`). */
  | { type: 'submit' }
  | { type: 'uploaded'; uploadId: string }
  | { type: 'createSent' }
  | { type: 'created'; taskId: string }
  /** A create of an earlier life (or an uncertain one) was found on Sora. */
  | { type: 'matched'; taskId: string; finished: boolean }
  | { type: 'uncertain'; error: Omit<JobError, 'at'> }
  /** Sora's lists could not tell whether the create reached it: the user decides. */
  | { type: 'askUser' }
  /** The user's "Send again" for a job that may already be on Sora. */
  | { type: 'sendAgain' }
  /** Back to the queue. `burnAttempt` counts it against the attempt limit. */
  | {
      type: 'requeue';
      delayMs: number;
      burnAttempt: boolean;
      error?: Omit<JobError, 'at'>;
      sentinelRejected?: boolean;
    }
  | { type: 'progress'; progress: number | null }
  | { type: 'taskLeft' }
  | { type: 'taskBack' }
  | { type: 'resolved'; result: JobResult }
  /** `burnAttempt`: the failing submission counts (the last of the allowed attempts). */
  | { type: 'fail'; error: Omit<JobError, 'at'>; burnAttempt?: boolean }
  | { type: 'pause'; reason: PauseReason }
  | { type: 'unpause' }
  | { type: 'cancel' }
  | { type: 'retry' }
  | { type: 'reorder'; order: number };

const finish = (job: Job, state: 'done' | 'failed' | 'canceled', now: number): Job => ({
  ...job,
  state,
  finishedAt: now,
  nextAttemptAt: 0,
  pauseReason: null,
  ...(state === 'done' ? { progress: 1 } : {}),
});

/**
 * The state machine. Returns the new job, or `null` when the event does not apply to the job's current
 * state (a stale decision, e.g. the user canceled while a create was in flight): the caller then writes
 * nothing. Pure: `now` is the only clock.
 */
export function transition(job: Job, event: JobEvent, now: number): Job | null {
  const s = job.state;
  const next = (patch: Partial<Job>): Job => ({ ...job, ...patch, updatedAt: now });
  switch (event.type) {
    case 'submit':
      if (s !== 'queued') return null;
      return next({
        state: 'submitting',
        submittedAt: now,
        createSentAt: null,
        createUncertain: false,
        progress: null,
      });
    case 'uploaded':
      if (s !== 'submitting') return null;
      return next({ uploadId: event.uploadId });
    case 'createSent':
      if (s !== 'submitting') return null;
      // A resend inside the same call (a refused sentinel or access token) keeps the first moment: the
      // earliest time the task can have been made is what a later match looks from.
      return next({ createSentAt: job.createSentAt ?? now });
    case 'created':
      // Canceled while the create was in flight: the task runs on Sora all the same; keep its id so that no
      // other job is ever matched to it.
      if (s === 'canceled' && job.taskId === null) return next({ taskId: event.taskId });
      if (s !== 'submitting') return null;
      return next({
        state: 'running',
        taskId: event.taskId,
        attempts: job.attempts + 1,
        runningAt: now,
        createUncertain: false,
        lastError: null,
        progress: null,
      });
    case 'matched':
      if (s !== 'submitting') return null;
      return next({
        state: event.finished ? 'resolving' : 'running',
        taskId: event.taskId,
        attempts: job.attempts + 1,
        runningAt: now,
        resolvingSince: event.finished ? now : null,
        createUncertain: false,
        awaitingUser: false,
        progress: null,
      });
    case 'uncertain':
      if (s !== 'submitting') return null;
      return next({ createUncertain: true, lastError: { ...event.error, at: now } });
    case 'askUser':
      if (s !== 'submitting' || job.awaitingUser === true) return null;
      return next({ awaitingUser: true });
    case 'sendAgain':
      if (s !== 'submitting' || job.awaitingUser !== true) return null;
      // The user chose it: no attempt is burned and it goes out at once.
      return next({
        state: 'queued',
        awaitingUser: false,
        nextAttemptAt: 0,
        submittedAt: null,
        createSentAt: null,
        createUncertain: false,
      });
    case 'requeue':
      if (s !== 'submitting') return null;
      return next({
        state: 'queued',
        attempts: event.burnAttempt ? job.attempts + 1 : job.attempts,
        sentinelRejections: job.sentinelRejections + (event.sentinelRejected ? 1 : 0),
        nextAttemptAt: now + Math.max(0, event.delayMs),
        lastError: event.error ? { ...event.error, at: now } : job.lastError,
        submittedAt: null,
        createSentAt: null,
        createUncertain: false,
        awaitingUser: false,
      });
    case 'progress':
      if (s !== 'running' || job.progress === event.progress) return null;
      return next({ progress: event.progress });
    case 'taskLeft':
      if (s !== 'running') return null;
      return next({ state: 'resolving', resolvingSince: now });
    case 'taskBack':
      if (s !== 'resolving') return null;
      return next({ state: 'running', resolvingSince: null });
    case 'resolved':
      if (s !== 'running' && s !== 'resolving') return null;
      return { ...finish(job, 'done', now), result: event.result, lastError: null, updatedAt: now };
    case 'fail':
      if (isFinal(s)) return null;
      return {
        ...finish(job, 'failed', now),
        attempts: event.burnAttempt ? job.attempts + 1 : job.attempts,
        lastError: { ...event.error, at: now },
        updatedAt: now,
      };
    case 'pause':
      if (s !== 'queued') return null;
      return next({ state: 'paused', pauseReason: event.reason });
    case 'unpause':
      if (s !== 'paused') return null;
      return next({ state: 'queued', pauseReason: null });
    case 'cancel':
      if (isFinal(s)) return null;
      return { ...finish(job, 'canceled', now), updatedAt: now };
    case 'retry':
      if (s !== 'failed' && s !== 'canceled') return null;
      return next({
        state: 'queued',
        attempts: 0,
        sentinelRejections: 0,
        nextAttemptAt: 0,
        lastError: null,
        progress: null,
        taskId: null,
        submittedAt: null,
        createSentAt: null,
        createUncertain: false,
        awaitingUser: false,
        runningAt: null,
        resolvingSince: null,
        finishedAt: null,
        result: null,
      });
    case 'reorder':
      if (!isWaiting(s) || job.order === event.order) return null;
      return next({ order: event.order });
  }
}

/** A fresh job record (state `queued`, or `paused` when the engine is paused). */
export function newJob(init: {
  id: string;
  request: JobRequest;
  batchId: string;
  order: number;
  now: number;
  pauseReason?: PauseReason | null;
}): Job {
  const paused = init.pauseReason !== undefined && init.pauseReason !== null;
  const start = startImageOf(init.request);
  return {
    id: init.id,
    kind: init.request.kind,
    request: init.request,
    state: paused ? 'paused' : 'queued',
    batchId: init.batchId,
    order: init.order,
    createdAt: init.now,
    updatedAt: init.now,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    pauseReason: paused ? (init.pauseReason ?? null) : null,
    progress: null,
    taskId: null,
    uploadId: start?.source === 'upload' ? start.uploadId : null,
    submittedAt: null,
    createSentAt: null,
    createUncertain: false,
    runningAt: null,
    resolvingSince: null,
    finishedAt: null,
    sentinelRejections: 0,
    result: null,
  };
}

/** The start image of a request, when its kind takes one. */
export function startImageOf(request: JobRequest): StartImage | undefined {
  return request.kind === 'remix' || request.kind === 'extend' ? undefined : request.startImage;
}

/** Video kinds are followed through the pending list and drafts; images through recent tasks. */
export const isVideoKind = (kind: JobKind): boolean => kind !== 'image';

/** Prompts compared for duplicate detection: whitespace runs collapsed, case kept. */
export const normalizePrompt = (s: string | null | undefined): string =>
  (s ?? '').replace(/\s+/g, ' ').trim();

/** A short random id with a prefix (crypto where available). */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `${prefix}_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---------------------------------------------------------------- engine state (kept in the meta store)

export interface EnginePause {
  reason: PauseReason;
  since: number;
  /**
   * Resumes by itself at this time (daily limit: the allowance reset, or a re-check soon when Sora still shows
   * videos left). `null`: waits for `resume()`.
   */
  until: number | null;
  message?: string;
  /** service_unavailable: how many re-checks found Sora still not answering (sets the next wait). */
  rechecks?: number;
}

export interface LearnedCeiling {
  value: number;
  learnedAt: number;
}

/** One task of the last pending list: enough for slot accounting and for matching after a restart. */
export interface PendingSnapshotTask {
  id: string;
  status: string | null;
  prompt: string | null;
  progress: number | null;
}

export interface PollState {
  /** Current pending-list interval (grows while nothing changes). */
  intervalMs: number;
  /** Pending reads in a row that changed nothing. */
  quietReads: number;
  lastPendingAt: number | null;
  /** Next pending read not before this (epoch ms). */
  nextPendingAt: number;
  pendingErrors: number;
  lastRecentAt: number | null;
  nextRecentAt: number;
  recentErrors: number;
  lastDraftsAt: number | null;
  /**
   * When the jobs waiting for a result next need a drafts read (0 or absent: as soon as one waits). Written
   * only after a read's outcome is saved, so a worker stopped in between reads again at once.
   */
  nextDraftsAt?: number;
  /** The last pending list read (null: none yet, or a too_many_concurrent answer made it untrustworthy). */
  snapshot: { at: number; tasks: PendingSnapshotTask[] } | null;
}

export const initialPollState = (): PollState => ({
  intervalMs: 0,
  quietReads: 0,
  lastPendingAt: null,
  nextPendingAt: 0,
  pendingErrors: 0,
  lastRecentAt: null,
  nextRecentAt: 0,
  recentErrors: 0,
  lastDraftsAt: null,
  nextDraftsAt: 0,
  snapshot: null,
});
