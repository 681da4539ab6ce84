/**
 * A generation job as it is stored in IndexedDB (the `jobs` store, and the engine's records in `meta`): plain
 * data only. Its state machine and transitions are in lib/jobs/model.ts, which re-exports these types.
 */
import type { SoraErrorCode } from '../sora/errors';
import type { Orientation, StyleId, VideoModel, VideoSize } from '../sora/quota';
import type { MediaFields } from './media-fields';

export const JOB_STATES = [
  'queued',
  'paused',
  'submitting',
  'running',
  'resolving',
  'done',
  'failed',
  'canceled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_KINDS = ['video', 'remix', 'storyboard', 'image', 'extend'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

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

export interface GenerationResult extends MediaFields {
  /** `gen_…`: what publishing needs. */
  generationId: string;
  url: string;
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
