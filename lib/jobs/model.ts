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
import type {
  Job,
  JobError,
  JobKind,
  JobRequest,
  JobResult,
  PauseReason,
  PollState,
  StartImage,
} from '../db/job-record';
import { isFinal, isWaiting } from './states';

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
