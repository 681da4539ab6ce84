/**
 * Slots, submission and what to do when Sora says no.
 *
 * - Never more unfinished tasks than the ceiling: our creates in flight, our running tasks, and any other
 *   unfinished task of the account in the last pending list (another tab, a canceled job) all take a slot.
 * - The ceiling is a setting (default 3), lowered to what Sora reports with too_many_concurrent_tasks.
 * - A create that ended without a clear answer may have started a task: it is never sent again before the
 *   poller has looked for it (see poller.ts).
 */
import { getFile } from '../db/files';
import type {
  EnginePause,
  Job,
  JobError,
  LearnedCeiling,
  PauseReason,
  PendingSnapshotTask,
  PollState,
} from '../db/job-record';
import { isTransient, SoraError, type SoraErrorCode, toSerializedError } from '../sora/errors';
import { backoffDelay } from '../util/backoff';
import type { EngineContext, EngineOptions } from './context';
import { isVideoKind, startImageOf } from './model';
import type { ChangeSet, JobEventItem } from './queue';

export const DEFAULT_CEILING = 3;

export const isFailedStatus = (status: string | null): boolean => status === 'failed' || status === 'error';

export function effectiveCeiling(
  setting: number,
  learned: LearnedCeiling | null | undefined,
  now: number,
  ttlMs: number,
): number {
  const s = Number.isFinite(setting) && setting >= 1 ? Math.floor(setting) : DEFAULT_CEILING;
  if (!learned || now - learned.learnedAt > ttlMs) return s;
  return Math.max(1, Math.min(s, learned.value));
}

/** Tasks of the account we do not follow, from a pending list fresh enough to trust. */
export function foreignTasks(
  open: readonly Job[],
  snapshot: PollState['snapshot'],
  now: number,
  maxAgeMs: number,
): PendingSnapshotTask[] {
  if (!snapshot || now - snapshot.at > maxAgeMs) return [];
  const own = new Set(open.map((j) => j.taskId).filter((id): id is string => id !== null));
  return snapshot.tasks.filter((t) => !own.has(t.id) && !isFailedStatus(t.status));
}

/** Slots taken now: our creates in flight or running tasks, plus foreign unfinished tasks. */
export function occupiedSlots(
  open: readonly Job[],
  snapshot: PollState['snapshot'],
  now: number,
  maxAgeMs: number,
): number {
  const ours = open.filter(
    (j) => (j.state === 'submitting' && j.awaitingUser !== true) || j.state === 'running',
  ).length;
  return ours + foreignTasks(open, snapshot, now, maxAgeMs).length;
}

/** The next jobs to send: queued, due, in queue order. */
export function pickSubmissions(open: readonly Job[], free: number, now: number): Job[] {
  if (free <= 0) return [];
  return open
    .filter((j) => j.state === 'queued' && j.nextAttemptAt <= now)
    .sort((a, b) => a.order - b.order)
    .slice(0, free);
}

export type ErrorInfo = Omit<JobError, 'at'>;

export type SubmitDecision =
  | { action: 'requeue'; delayMs: number; burnAttempt: boolean; error: ErrorInfo; sentinelRejected?: boolean }
  /** The create may have reached Sora: keep the job in `submitting` until the poller has looked. */
  | { action: 'uncertain'; error: ErrorInfo; pause?: PauseReason }
  | { action: 'fail'; error: ErrorInfo; burnAttempt?: boolean }
  /** Park the job (no attempt burned) and pause the whole queue. */
  | { action: 'pause'; reason: PauseReason; error: ErrorInfo; retryAfterMs?: number }
  /** Back to the queue without burning an attempt; learn the ceiling. */
  | { action: 'too_many'; numTasks: number | null; error: ErrorInfo };

/** Answers after which a create may or may not have started a task. */
const AMBIGUOUS: readonly SoraErrorCode[] = ['network', 'timeout', 'server_error', 'bad_response'];

export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: Pick<EngineOptions, 'backoffBaseMs' | 'backoffMaxMs'>,
  random: () => number,
): number {
  const computed = backoffDelay(attempt, {
    baseMs: options.backoffBaseMs,
    maxMs: options.backoffMaxMs,
    random,
  });
  return retryAfterMs !== undefined && retryAfterMs > 0
    ? Math.min(retryAfterMs, options.backoffMaxMs * 6)
    : computed;
}

/** What a refused upload or create means for the job. `phase` matters: only a create can be ambiguous. */
export function decideSubmitError(
  e: unknown,
  job: Job,
  phase: 'upload' | 'create',
  options: EngineOptions,
  random: () => number,
): SubmitDecision {
  const serialized = toSerializedError(e);
  const error: ErrorInfo = {
    code: serialized.code,
    message: serialized.message,
    ...(serialized.param ? { param: serialized.param } : {}),
  };
  const retryAfterMs = e instanceof SoraError ? e.retryAfterMs : undefined;
  switch (serialized.code) {
    case 'too_many_concurrent':
      return { action: 'too_many', numTasks: e instanceof SoraError ? (e.numTasks ?? null) : null, error };
    case 'daily_limit':
      return { action: 'pause', reason: 'daily_limit', error, ...(retryAfterMs ? { retryAfterMs } : {}) };
    case 'logged_out':
    case 'auth_expired':
      return { action: 'pause', reason: 'logged_out', error };
    case 'cloudflare_challenge':
      return { action: 'pause', reason: 'cloudflare_challenge', error };
    case 'sentinel_unavailable':
      // Nothing was sent: no attempt is burned, and every other create would meet the same lack of a token.
      return { action: 'pause', reason: 'sentinel_unavailable', error };
    case 'service_unavailable':
      // No connection at all after the create went out: it may have reached Sora, so it is looked for
      // like any unclear create; the queue waits either way. Anything else Sora's app never saw.
      if (phase === 'create' && e instanceof SoraError && e.seen?.kind === 'unreachable') {
        return { action: 'uncertain', error, pause: 'service_unavailable' };
      }
      return { action: 'pause', reason: 'service_unavailable', error };
    case 'sentinel_rejected':
      if (job.sentinelRejections + 1 >= options.maxSentinelRejections) return { action: 'fail', error };
      return {
        action: 'requeue',
        delayMs: retryDelayMs(job.sentinelRejections, undefined, options, random),
        burnAttempt: false,
        error,
        sentinelRejected: true,
      };
    case 'aborted':
      return { action: 'requeue', delayMs: 0, burnAttempt: false, error };
    default:
      break;
  }
  if (!isTransient(serialized.code)) return { action: 'fail', error };
  if (phase === 'create' && AMBIGUOUS.includes(serialized.code)) return { action: 'uncertain', error };
  if (job.attempts + 1 >= options.maxAttempts) return { action: 'fail', error, burnAttempt: true };
  return {
    action: 'requeue',
    delayMs: retryDelayMs(job.attempts, retryAfterMs, options, random),
    burnAttempt: true,
    error,
  };
}

export type SubmitOutcome =
  | { kind: 'created'; taskId: string }
  /** The job changed under us (canceled): nothing more to do. */
  | { kind: 'skipped' }
  | { kind: 'decided'; decision: SubmitDecision };

type Apply = (items: JobEventItem[]) => Promise<ChangeSet>;

const changedJob = (set: ChangeSet, id: string) => set.changed.find((j) => j.id === id);

/**
 * Uploads the start image when needed, records that the create goes out, sends it and records the task
 * id. The job is in `submitting` when this starts. Every step is committed before the next request, so a
 * worker stopped at any point leaves a record the next life can finish without a duplicate.
 */
export async function runSubmission(ctx: EngineContext, job: Job, apply: Apply): Promise<SubmitOutcome> {
  let current = job;
  let uploadId = job.uploadId;
  const start = startImageOf(job.request);
  if (start?.source === 'file' && uploadId === null) {
    const file = await getFile(ctx.db, start.fileId);
    if (!file) {
      return {
        kind: 'decided',
        decision: {
          action: 'fail',
          error: { code: 'input_missing', message: 'The start image is no longer stored.' },
        },
      };
    }
    try {
      uploadId = (await ctx.port.uploadImage(file.blob, file.name)).uploadId;
    } catch (e) {
      return { kind: 'decided', decision: decideSubmitError(e, current, 'upload', ctx.options, ctx.random) };
    }
    const uploaded = changedJob(await apply([{ id: job.id, event: { type: 'uploaded', uploadId } }]), job.id);
    if (!uploaded) return { kind: 'skipped' };
    current = uploaded;
  }
  // `createSentAt` is written when the request is about to leave, not when the slot was granted: making the
  // sentinel token can take seconds, and a worker stopped meanwhile must find a job it can simply send.
  let withdrawn = false;
  const beforeSend = async () => {
    const sent = changedJob(await apply([{ id: job.id, event: { type: 'createSent' } }]), job.id);
    if (!sent) {
      // Canceled (or otherwise moved on) while the tokens were made: nothing has gone out yet, so nothing does.
      withdrawn = true;
      throw new CreateWithdrawn();
    }
    current = sent;
  };
  try {
    const { taskId } = await ctx.port.create(current.request, uploadId, { beforeSend });
    return { kind: 'created', taskId };
  } catch (e) {
    if (withdrawn) return { kind: 'skipped' };
    return { kind: 'decided', decision: decideSubmitError(e, current, 'create', ctx.options, ctx.random) };
  }
}

class CreateWithdrawn extends Error {}

/** The event that records a decision on the job itself (the queue pause / ceiling are the engine's). */
export function decisionEvent(decision: SubmitDecision, options: EngineOptions): JobEventItem['event'] {
  switch (decision.action) {
    case 'requeue':
      return {
        type: 'requeue',
        delayMs: decision.delayMs,
        burnAttempt: decision.burnAttempt,
        error: decision.error,
        ...(decision.sentinelRejected ? { sentinelRejected: true } : {}),
      };
    case 'uncertain':
      return { type: 'uncertain', error: decision.error };
    case 'fail':
      return { type: 'fail', error: decision.error, ...(decision.burnAttempt ? { burnAttempt: true } : {}) };
    case 'pause':
      return { type: 'requeue', delayMs: 0, burnAttempt: false, error: decision.error };
    case 'too_many':
      // Wait for the next pending read to show a slot free rather than knocking again at once.
      return { type: 'requeue', delayMs: options.pollIntervalMs, burnAttempt: false, error: decision.error };
  }
}

/** Sora's ceiling after a too_many_concurrent answer. */
export function learnCeiling(numTasks: number | null, occupiedOthers: number, current: number): number {
  if (numTasks !== null && numTasks >= 1) return Math.min(numTasks, current);
  // Without Sora's count, what was provably running is an upper bound: lower by as little as it shows.
  return Math.max(1, Math.min(current - 1, occupiedOthers));
}

/** Whether a pause stops reading from Sora too (it needs the user first). */
export const pauseBlocksNetwork = (pause: EnginePause | null): boolean =>
  pause !== null &&
  (pause.reason === 'logged_out' ||
    pause.reason === 'cloudflare_challenge' ||
    pause.reason === 'service_unavailable');

/** The wait before the next look at a Sora that is not answering: 1, 2, 4, then every 5 minutes. */
export function serviceRecheckDelay(
  rechecks: number,
  options: Pick<EngineOptions, 'serviceRecheckMs' | 'serviceRecheckMaxMs'>,
): number {
  return Math.min(
    options.serviceRecheckMaxMs,
    options.serviceRecheckMs * 2 ** Math.max(0, Math.min(rechecks, 10)),
  );
}

/** A job in `submitting` that this engine life is not sending: stopped mid-create or ended uncertain. */
export const isOrphan = (job: Job, inflight: ReadonlySet<string>): boolean =>
  job.state === 'submitting' && !inflight.has(job.id) && job.awaitingUser !== true;

/** "May already be on Sora": waits for the user, takes no slot (if it is on Sora, pending shows it). */
export const isAwaitingUser = (job: Job): boolean => job.state === 'submitting' && job.awaitingUser === true;

export interface WakeInput {
  open: readonly Job[];
  pause: EnginePause | null;
  poll: PollState;
  free: number;
  inflight: ReadonlySet<string>;
  now: number;
  /** The last pending list is recent enough to submit on (otherwise a read comes first). */
  snapshotFresh: boolean;
}

/** When the engine next has something to do (null: idle, nothing will change without a caller). */
export function computeNextWake(input: WakeInput): number | null {
  const { open, pause, poll, free, inflight, now, snapshotFresh } = input;
  const times: number[] = [];
  if (pause?.until != null) times.push(pause.until);
  const network = !pauseBlocksNetwork(pause);
  let watchVideo = false;
  let watchImages = false;
  for (const j of open) {
    const watched = j.state === 'running' || j.state === 'resolving' || isOrphan(j, inflight);
    if (!watched) continue;
    if (isOrphan(j, inflight) && j.createSentAt === null) times.push(now);
    if (isVideoKind(j.kind)) watchVideo = true;
    else watchImages = true;
  }
  const queued = open.filter((j) => j.state === 'queued');
  if (pause === null && queued.length > 0) {
    if (free > 0) {
      const due = Math.min(...queued.map((j) => j.nextAttemptAt));
      times.push(snapshotFresh ? due : Math.max(due, poll.nextPendingAt));
    }
    // Full with tasks we do not follow: only the pending list shows them finish.
    else watchVideo = true;
  }
  if (network && watchVideo) times.push(poll.nextPendingAt);
  // Results are read on their own cadence, not the pending list's (which slows down while nothing moves).
  if (network && open.some((j) => isVideoKind(j.kind) && j.state === 'resolving'))
    times.push(poll.nextDraftsAt ?? 0);
  if (network && watchImages) times.push(poll.nextRecentAt);
  if (times.length === 0) return null;
  return Math.max(now, Math.min(...times));
}
