/**
 * Following tasks on Sora with as few reads as possible:
 * - ONE `GET /nf/pending/v2` per interval for every running video job (2.5 s while things move, slower
 *   while nothing changes, none when nothing runs);
 * - ONE drafts read resolves every video task that left the pending list in that interval (and looks for
 *   creates of an earlier worker life);
 * - ONE `/v2/recent_tasks` read per interval for every running image job.
 * Never one request per job.
 */

import { getHistoryByTask } from '../db/history';
import type {
  EnginePause,
  GenerationResult,
  Job,
  PauseReason,
  PendingSnapshotTask,
  PollState,
} from '../db/job-record';
import { mediaFieldsOf } from '../db/media-fields';
import { getMeta, setMeta } from '../db/meta';
import { SoraError, toSerializedError } from '../sora/errors';
import type { EngineContext } from './context';
import { type Candidate, CLOCK_SKEW_MS, matchOrphans } from './match';
import { isVideoKind, normalizePrompt } from './model';
import { type ChangeSet, type JobEventItem, listJobs } from './queue';
import { type ErrorInfo, isFailedStatus, isOrphan, pauseBlocksNetwork, retryDelayMs } from './scheduler';
import type { DraftInfo, ImageTaskInfo, PendingTaskInfo } from './sora-port';

export interface PollInput {
  open: readonly Job[];
  poll: PollState;
  pause: EnginePause | null;
  /** Jobs this engine life is submitting right now (not orphans). */
  inflight: ReadonlySet<string>;
  /** The engine wants to submit and the last pending list is too old to count foreign tasks. */
  wantFreshSnapshot: boolean;
}

export interface PollResult {
  poll: PollState;
  changes: ChangeSet[];
  /** A read said the session is gone (or Cloudflare wants a check): pause the queue. */
  pause: { reason: PauseReason; error: ErrorInfo } | null;
  /** A pending read was made in this round. */
  readPending: boolean;
  /**
   * The ONE drafts read for the tasks that left the pending list (and for creates of an earlier life),
   * left to the caller so it can fill the freed slots first, or at the same time.
   */
  resolve: (() => Promise<ResolveResult>) | null;
}

export interface ResolveResult {
  changes: ChangeSet[];
  pause: { reason: PauseReason; error: ErrorInfo } | null;
  /** When the drafts were read (null: the read failed). */
  draftsReadAt: number | null;
  /** When the jobs still waiting for a result need the next drafts read (0: none waits). */
  nextDraftsAt: number | null;
}

type Apply = (items: JobEventItem[]) => Promise<ChangeSet>;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

const POLICY_WORDS = /polic|guideline|violat|moderat|not allowed|inappropriate/i;

/** A failed task's error: Sora's reason, as a policy violation when it reads like one. */
export function taskFailure(reason: string | null, what: 'video' | 'image'): ErrorInfo {
  const message = reason ?? `Sora could not make this ${what}.`;
  return { code: reason !== null && POLICY_WORDS.test(reason) ? 'policy_violation' : 'task_failed', message };
}

export type DraftResolution =
  | { kind: 'done'; generations: GenerationResult[] }
  | { kind: 'violation'; reason: string }
  | { kind: 'failed'; reason: string | null }
  | { kind: 'wait'; why: 'no_draft' | 'no_url' };

function toGeneration(d: DraftInfo): GenerationResult {
  const g: GenerationResult = { generationId: d.generationId, url: d.url as string, ...mediaFieldsOf(d) };
  if (d.files !== undefined) g.files = d.files;
  return g;
}

/**
 * What the drafts of one task say. Results need a URL; a violation is final; while any draft still lacks a
 * URL we wait (bounded by the caller) unless `giveUp`, when the ready ones are taken.
 */
export function resolveFromDrafts(drafts: readonly DraftInfo[], giveUp: boolean): DraftResolution {
  if (drafts.length === 0) return { kind: 'wait', why: 'no_draft' };
  const ready = drafts.filter((d) => d.state === 'ready');
  const waiting = drafts.some((d) => d.state === 'no_url_yet');
  if (ready.length > 0 && (!waiting || giveUp)) return { kind: 'done', generations: ready.map(toGeneration) };
  if (waiting) return { kind: 'wait', why: 'no_url' };
  const violation = drafts.find((d) => d.state === 'violation');
  if (violation)
    return { kind: 'violation', reason: violation.reason ?? 'Sora refused this content (content policy).' };
  return { kind: 'failed', reason: drafts.find((d) => d.reason !== undefined)?.reason ?? null };
}

const missing = (why: 'no_draft' | 'no_url', what: 'video' | 'image'): ErrorInfo => ({
  code: 'result_missing',
  message:
    why === 'no_draft'
      ? `Sora finished the task, but no ${what} appeared in your ${what === 'video' ? 'drafts' : 'recent tasks'}.`
      : `Sora listed the ${what} but never gave it a file.`,
});

function sameSnapshot(
  a: readonly PendingSnapshotTask[] | undefined,
  b: readonly PendingSnapshotTask[],
): boolean {
  if (!a || a.length !== b.length) return false;
  const byId = new Map(a.map((t) => [t.id, t]));
  return b.every((t) => {
    const o = byId.get(t.id);
    return o !== undefined && o.status === t.status && o.progress === t.progress;
  });
}

/** Below this progress an estimate of the end is too rough to schedule a read on. */
const ETA_MIN_PROGRESS = 0.5;

/**
 * When the first unfinished task should leave the pending list, from the progress rate between the last two
 * reads (null when no task is far enough along to tell).
 */
export function earliestFinish(
  previous: PollState['snapshot'],
  tasks: readonly PendingSnapshotTask[],
  now: number,
): number | null {
  if (!previous || now <= previous.at) return null;
  const before = new Map(previous.tasks.map((t) => [t.id, t.progress]));
  let eta: number | null = null;
  for (const t of tasks) {
    const p0 = before.get(t.id);
    const p1 = t.progress;
    if (p0 == null || p1 === null || p1 <= p0 || p1 < ETA_MIN_PROGRESS || isFailedStatus(t.status)) continue;
    const at = now + ((1 - p1) * (now - previous.at)) / (p1 - p0);
    if (eta === null || at < eta) eta = at;
  }
  return eta;
}

/**
 * The next pending read: one interval on, or (when a task should finish during the interval after that)
 * just after that task's expected end instead. The read lands right after the task leaves instead of up to
 * an interval later, and reads never come closer than one interval: a freed slot is seen sooner at no
 * extra cost. A wrong estimate costs at most one interval, like the plain cadence.
 */
export function nextReadAt(now: number, intervalMs: number, eta: number | null, marginMs: number): number {
  const regular = now + intervalMs;
  if (eta === null) return regular;
  // Estimates err more the further off they are: aim a little later for a far end than for a near one.
  const aimed = eta + Math.max(marginMs, (eta - now) * 0.15);
  return aimed > regular && aimed < regular + intervalMs ? Math.round(aimed) : regular;
}

/** Jobs after a set of changes. */
function overlay(jobs: readonly Job[], changes: readonly ChangeSet[]): Job[] {
  const map = new Map(jobs.map((j) => [j.id, j]));
  for (const c of changes) for (const j of c.changed) map.set(j.id, j);
  return [...map.values()].sort((a, b) => a.order - b.order);
}

interface ReadFailure {
  pause: { reason: PauseReason; error: ErrorInfo } | null;
  retryAfterMs: number | undefined;
}

function readFailure(e: unknown): ReadFailure {
  const s = toSerializedError(e);
  const error = { code: s.code, message: s.message };
  if (s.code === 'logged_out' || s.code === 'auth_expired')
    return { pause: { reason: 'logged_out', error }, retryAfterMs: undefined };
  if (s.code === 'cloudflare_challenge')
    return { pause: { reason: 'cloudflare_challenge', error }, retryAfterMs: undefined };
  if (s.code === 'service_unavailable')
    return { pause: { reason: 'service_unavailable', error }, retryAfterMs: undefined };
  return { pause: null, retryAfterMs: e instanceof SoraError ? e.retryAfterMs : undefined };
}

/** Task ids some job (or a history item) already owns: never matched to another job. */
/**
 * A list read (pending or recent tasks) failed: note the pause the error asks for, and return when to read
 * that list again (backoff with jitter, never sooner than the poll interval, honouring retry-after).
 */
function nextReadAfterError(
  e: unknown,
  errorCount: number,
  now: number,
  base: number,
  ctx: EngineContext,
  result: PollResult,
): number {
  const failure = readFailure(e);
  result.pause = failure.pause;
  const backoff = retryDelayMs(
    errorCount - 1,
    failure.retryAfterMs,
    { backoffBaseMs: base, backoffMaxMs: 60_000 },
    ctx.random,
  );
  return now + Math.max(base, backoff);
}

async function claimedChecker(ctx: EngineContext): Promise<(taskId: string) => Promise<boolean>> {
  const owned = new Set(
    (await listJobs(ctx.db)).map((j) => j.taskId).filter((id): id is string => id !== null),
  );
  return async (taskId) => owned.has(taskId) || (await getHistoryByTask(ctx.db, taskId)).length > 0;
}

/**
 * The decision for an orphan nothing matched with certainty, once the grace period is over:
 * - `none`: no task on Sora could be it (nothing fits in pending, nothing in the drafts since the create):
 *   certainly not on Sora, sent again (an uncertain create counts as an attempt; a stopped worker does not);
 * - `possible`: a pending task without a text match could be it: wait for its draft, at most
 *   `orphanMaxWaitMs`, then ask the user;
 * - `ambiguous`: more tasks fit than orphans ask for (a same-prompt task made elsewhere): ask the user.
 */
function orphanDecision(
  ctx: EngineContext,
  job: Job,
  verdict: 'none' | 'possible' | 'ambiguous',
): JobEventItem | null {
  const { options } = ctx;
  const now = ctx.now();
  const sentAt = job.createSentAt ?? 0;
  if (now - sentAt < options.orphanGraceMs) return null;
  if (verdict === 'ambiguous') return { id: job.id, event: { type: 'askUser' } };
  if (verdict === 'possible')
    return now - sentAt < options.orphanMaxWaitMs ? null : { id: job.id, event: { type: 'askUser' } };
  if (job.createUncertain) {
    const error = job.lastError
      ? { code: job.lastError.code, message: job.lastError.message }
      : { code: 'network' as const, message: 'Sora did not answer the create request.' };
    if (job.attempts + 1 >= options.maxAttempts) {
      return { id: job.id, event: { type: 'fail', error, burnAttempt: true } };
    }
    return {
      id: job.id,
      event: {
        type: 'requeue',
        delayMs: retryDelayMs(job.attempts, undefined, options, ctx.random),
        burnAttempt: true,
        error,
      },
    };
  }
  return { id: job.id, event: { type: 'requeue', delayMs: 0, burnAttempt: false } };
}

/** Runs the reads that are due and applies what they show. */
export async function runPolls(ctx: EngineContext, input: PollInput, apply: Apply): Promise<PollResult> {
  const now = ctx.now();
  const poll: PollState = { ...input.poll };
  const result: PollResult = { poll, changes: [], pause: null, readPending: false, resolve: null };
  const orphans = input.open.filter((j) => isOrphan(j, input.inflight));

  // Never sent (the worker stopped before the create went out): back in line, nothing to look for. After the
  // reads: when storage refuses writes this write fails the tick, and the reads should still have happened.
  const unsent = orphans.filter((j) => j.createSentAt === null);
  const requeueUnsent = async () => {
    if (unsent.length === 0) return;
    result.changes.push(
      await apply(
        unsent.map((j) => ({ id: j.id, event: { type: 'requeue', delayMs: 0, burnAttempt: false } })),
      ),
    );
  };
  if (!pauseBlocksNetwork(input.pause)) {
    const sent = orphans.filter((j) => j.createSentAt !== null);
    const round = { ctx, input, sentOrphans: sent, apply, result, now };
    await pollVideos(round);
    if (!result.pause) await pollImages(round);
  }
  await requeueUnsent();
  return result;
}

/** What one round of reads works with (orphans: creates of an earlier life that went out). */
interface ReadRound {
  ctx: EngineContext;
  input: PollInput;
  sentOrphans: readonly Job[];
  apply: Apply;
  result: PollResult;
  now: number;
}

/** The jobs of a kind whose task Sora is running or whose result is being read. */
const followed = (jobs: readonly Job[], ofKind: (kind: Job['kind']) => boolean) =>
  jobs.filter((j) => ofKind(j.kind) && (j.state === 'running' || j.state === 'resolving'));

async function pollVideos({ ctx, input, sentOrphans, apply, result, now }: ReadRound): Promise<void> {
  const { options, port } = ctx;
  const poll = result.poll;
  const base = options.pollIntervalMs;
  const watched = followed(input.open, isVideoKind);
  const orphans = sentOrphans
    .filter((j) => isVideoKind(j.kind))
    .sort((a, b) => (a.createSentAt ?? 0) - (b.createSentAt ?? 0));
  const needed = watched.length > 0 || orphans.length > 0 || input.wantFreshSnapshot;
  if (!needed) return;
  const resolvingBefore = watched.filter((j) => j.state === 'resolving');
  const draftsDue = resolvingBefore.length > 0 && now >= (poll.nextDraftsAt ?? 0);
  if (now < poll.nextPendingAt) {
    // No pending read due, but results are: they are read on their own cadence.
    if (draftsDue) result.resolve = () => readDrafts(ctx, resolvingBefore, [], [], apply, now);
    return;
  }

  let pending: PendingTaskInfo[];
  try {
    pending = await port.listPending();
  } catch (e) {
    poll.pendingErrors++;
    poll.nextPendingAt = nextReadAfterError(e, poll.pendingErrors, now, base, ctx, result);
    if (draftsDue) result.resolve = () => readDrafts(ctx, resolvingBefore, [], [], apply, now);
    return;
  }
  result.readPending = true;
  const byId = new Map(pending.map((t) => [t.taskId, t]));
  const events: JobEventItem[] = [];
  let left = false;
  for (const job of watched) {
    const task = job.taskId === null ? undefined : byId.get(job.taskId);
    if (job.state === 'running') {
      if (!task) {
        events.push({ id: job.id, event: { type: 'taskLeft' } });
        left = true;
      } else if (isFailedStatus(task.status))
        events.push({ id: job.id, event: { type: 'fail', error: taskFailure(task.failureReason, 'video') } });
      else if (task.progress !== job.progress)
        events.push({ id: job.id, event: { type: 'progress', progress: task.progress } });
    } else if (task && !isFailedStatus(task.status)) {
      events.push({ id: job.id, event: { type: 'taskBack' } });
    }
  }

  // Creates of an earlier life (or uncertain ones): the unfinished tasks no one owns are candidates, matched
  // together with the drafts (see match.ts): a same-prompt task may be running or finished, either way.
  const isClaimed = orphans.length > 0 ? await claimedChecker(ctx) : async () => false;
  const unmatched: Job[] = [...orphans];
  const pendingCandidates: Candidate[] = [];
  for (const t of orphans.length > 0 ? pending : []) {
    if (isFailedStatus(t.status) || (await isClaimed(t.taskId))) continue;
    pendingCandidates.push({
      taskId: t.taskId,
      prompt: t.prompt,
      title: t.title ?? null,
      createdAt: null,
      nFrames: null,
      width: null,
      height: null,
    });
  }

  const tasks: PendingSnapshotTask[] = pending.map((t) => ({
    id: t.taskId,
    status: t.status,
    prompt: t.prompt,
    progress: t.progress,
  }));
  // A task left the list (it may be an orphan's, now in the drafts) or a new one appeared (it may be an
  // orphan's, listed late).
  const before = new Set((poll.snapshot?.tasks ?? []).map((t) => t.id));
  const someLeft =
    (poll.snapshot?.tasks ?? []).some((t) => !byId.has(t.id)) || pending.some((t) => !before.has(t.taskId));
  const changed = events.length > 0 || !sameSnapshot(poll.snapshot?.tasks, tasks);
  const interval = poll.intervalMs > 0 ? poll.intervalMs : base;
  poll.quietReads = changed ? 0 : poll.quietReads + 1;
  poll.intervalMs = changed
    ? base
    : poll.quietReads >= options.quietReadsBeforeSlowdown
      ? Math.min(options.maxPollIntervalMs, Math.round(interval * 1.5))
      : interval;
  const eta = earliestFinish(poll.snapshot, tasks, now);
  poll.snapshot = { at: now, tasks };
  poll.lastPendingAt = now;
  poll.nextPendingAt = nextReadAt(now, poll.intervalMs, eta, options.etaMarginMs);
  poll.pendingErrors = 0;
  if (events.length > 0) result.changes.push(await apply(events));

  const current = overlay(input.open, result.changes);
  const resolving = current.filter((j) => isVideoKind(j.kind) && j.state === 'resolving');
  // The drafts are read for orphans only when they can tell something new: the first look after the
  // create, a task that left the pending list, or a decision that falls due. Never every interval.
  const lastDrafts = poll.lastDraftsAt ?? Number.NEGATIVE_INFINITY;
  const orphansNeedDrafts = unmatched.some((j) => {
    const sentAt = j.createSentAt ?? 0;
    const graceEnd = sentAt + options.orphanGraceMs;
    const waitEnd = sentAt + options.orphanMaxWaitMs;
    return (
      lastDrafts < sentAt ||
      someLeft ||
      (now >= graceEnd && lastDrafts < graceEnd) ||
      (now >= waitEnd && lastDrafts < waitEnd)
    );
  });
  const resolveNow = resolving.length > 0 && (left || now >= (poll.nextDraftsAt ?? 0));
  if (!resolveNow && !orphansNeedDrafts) return;
  result.resolve = () =>
    readDrafts(
      ctx,
      resolving,
      orphansNeedDrafts ? unmatched : [],
      pendingCandidates,
      apply,
      now,
      orphansNeedDrafts ? isClaimed : undefined,
    );
}

/** Drafts pages read at most to find the result of a task that left the pending list. */
const RESOLVE_PAGES = 5;

async function readDrafts(
  ctx: EngineContext,
  resolving: readonly Job[],
  orphans: readonly Job[],
  pendingCandidates: readonly Candidate[],
  apply: Apply,
  now: number,
  isClaimedIn?: (taskId: string) => Promise<boolean>,
): Promise<ResolveResult> {
  const { options, port } = ctx;
  const result: ResolveResult = { changes: [], pause: null, draftsReadAt: null, nextDraftsAt: null };
  const limit = clamp(2 * (resolving.length + orphans.length) + 10, 20, 100);
  const drafts: DraftInfo[] = [];
  const events: JobEventItem[] = [];
  const wanted = new Set(resolving.map((j) => j.taskId).filter((id): id is string => id !== null));
  // Their drafts cannot be older than the creates (nor older than the runs, for the resolving ones).
  const since = (j: Job) => (j.createSentAt ?? j.submittedAt ?? j.runningAt ?? 0) - CLOCK_SKEW_MS;
  const resolvingSince = Math.min(...resolving.map(since));
  const orphansSince = Math.min(...orphans.map(since));
  let cursor: string | undefined;
  try {
    for (let page = 0; ; page++) {
      const res = await port.listDrafts(limit, cursor);
      drafts.push(...res.items);
      for (const d of res.items) if (d.taskId !== null) wanted.delete(d.taskId);
      if (res.cursor === null || res.items.length === 0) break;
      // Sora may answer fewer items than asked (or others were made meanwhile): look further back while a
      // finished task's draft is still unseen and the page is newer than its create, and for orphans while
      // the page is newer than their creates.
      const oldest = Math.min(...res.items.map((d) => d.createdAt ?? Number.POSITIVE_INFINITY));
      const forResolving = wanted.size > 0 && page + 1 < RESOLVE_PAGES && oldest > resolvingSince;
      const forOrphans = orphans.length > 0 && page + 1 < options.orphanDraftPages && oldest > orphansSince;
      if (!forResolving && !forOrphans) break;
      cursor = res.cursor;
    }
  } catch (e) {
    result.pause = readFailure(e).pause;
    result.nextDraftsAt = ctx.now() + options.pollIntervalMs;
    return result;
  }
  result.draftsReadAt = ctx.now();

  const byTask = new Map<string, DraftInfo[]>();
  for (const d of drafts) {
    if (d.taskId === null) continue;
    const list = byTask.get(d.taskId);
    if (list) list.push(d);
    else byTask.set(d.taskId, [d]);
  }
  let waiting = false;
  const settle = (job: Job, taskId: string, since: number) => {
    const giveUp = now - since >= options.resolveTimeoutMs;
    const res = resolveFromDrafts(byTask.get(taskId) ?? [], giveUp);
    if (res.kind === 'done')
      events.push({ id: job.id, event: { type: 'resolved', result: { generations: res.generations } } });
    else if (res.kind === 'failed')
      events.push({ id: job.id, event: { type: 'fail', error: taskFailure(res.reason, 'video') } });
    else if (res.kind === 'violation')
      events.push({
        id: job.id,
        event: { type: 'fail', error: { code: 'policy_violation', message: res.reason } },
      });
    else if (giveUp) events.push({ id: job.id, event: { type: 'fail', error: missing(res.why, 'video') } });
    else waiting = true;
  };
  for (const job of resolving) {
    if (job.taskId !== null) settle(job, job.taskId, job.resolvingSince ?? now);
  }

  if (orphans.length > 0) {
    const isClaimed = isClaimedIn ?? (await claimedChecker(ctx));
    const resolvingTasks = new Set(resolving.map((j) => j.taskId));
    const candidates: Candidate[] = [];
    for (const [taskId, list] of byTask) {
      if (resolvingTasks.has(taskId) || (await isClaimed(taskId))) continue;
      const d = list[0] as DraftInfo;
      candidates.push({
        taskId,
        prompt: d.prompt,
        title: d.title ?? null,
        createdAt: d.createdAt,
        nFrames: d.nFrames ?? null,
        width: d.width ?? null,
        height: d.height ?? null,
      });
    }
    const draftIds = new Set(candidates.map((c) => c.taskId));
    const outcomes = matchOrphans(
      orphans,
      [...pendingCandidates.filter((c) => !draftIds.has(c.taskId)), ...candidates],
      true,
    );
    for (const job of orphans) {
      const o = outcomes.get(job.id) ?? { kind: 'none' };
      if (o.kind === 'matched') {
        const finished = draftIds.has(o.taskId);
        events.push({ id: job.id, event: { type: 'matched', taskId: o.taskId, finished } });
        if (finished) settle(job, o.taskId, now);
        continue;
      }
      const give = orphanDecision(ctx, job, o.kind);
      if (give) events.push(give);
    }
  }
  if (events.length > 0) {
    const cs = await apply(events);
    result.changes.push(cs);
    await countAsked(ctx, cs);
  }
  result.nextDraftsAt = waiting ? ctx.now() + options.pollIntervalMs : 0;
  return result;
}

/** Adds the jobs that just started waiting for the user to the engine's count. */
async function countAsked(ctx: EngineContext, cs: ChangeSet): Promise<void> {
  const asked = cs.changed.filter((j) => j.state === 'submitting' && j.awaitingUser === true).length;
  if (asked === 0) return;
  await setMeta(ctx.db, 'engine.askedUser', ((await getMeta(ctx.db, 'engine.askedUser')) ?? 0) + asked);
}

const SUCCEEDED = new Set(['succeeded', 'completed', 'complete']);

async function pollImages({ ctx, input, sentOrphans, apply, result, now }: ReadRound): Promise<void> {
  const { options, port } = ctx;
  const poll = result.poll;
  const base = options.pollIntervalMs;
  const watched = followed(overlay(input.open, result.changes), (kind) => kind === 'image');
  const orphans = sentOrphans.filter((j) => j.kind === 'image');
  if ((watched.length === 0 && orphans.length === 0) || now < poll.nextRecentAt) return;

  let tasks: ImageTaskInfo[];
  try {
    tasks = await port.listImageTasks(clamp(2 * (watched.length + orphans.length) + 10, 20, 50));
  } catch (e) {
    poll.recentErrors++;
    poll.nextRecentAt = nextReadAfterError(e, poll.recentErrors, now, base, ctx, result);
    return;
  }
  poll.lastRecentAt = now;
  poll.nextRecentAt = now + base;
  poll.recentErrors = 0;
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const events: JobEventItem[] = [];
  for (const job of watched) {
    const task = job.taskId === null ? undefined : byId.get(job.taskId);
    if (!task) {
      if (now - (job.runningAt ?? now) >= options.imageLostTimeoutMs) {
        events.push({ id: job.id, event: { type: 'fail', error: missing('no_draft', 'image') } });
      }
      continue;
    }
    if (task.status !== null && SUCCEEDED.has(task.status)) {
      const ready = task.generations.filter((g) => g.url !== null);
      const giveUp =
        job.state === 'resolving' && now - (job.resolvingSince ?? now) >= options.resolveTimeoutMs;
      if (ready.length > 0 && (ready.length === task.generations.length || giveUp)) {
        const generations: GenerationResult[] = ready.map((g) => ({
          generationId: g.generationId,
          url: g.url as string,
          ...(g.width === undefined ? {} : { width: g.width }),
          ...(g.height === undefined ? {} : { height: g.height }),
        }));
        events.push({ id: job.id, event: { type: 'resolved', result: { generations } } });
      } else if (giveUp) {
        events.push({ id: job.id, event: { type: 'fail', error: missing('no_url', 'image') } });
      } else if (job.state === 'running') {
        events.push({ id: job.id, event: { type: 'taskLeft' } });
      }
    } else if (isFailedStatus(task.status)) {
      events.push({ id: job.id, event: { type: 'fail', error: taskFailure(task.failureReason, 'image') } });
    } else if (job.state === 'running' && task.progress !== job.progress) {
      events.push({ id: job.id, event: { type: 'progress', progress: task.progress } });
    }
  }
  if (orphans.length > 0) {
    const isClaimed = await claimedChecker(ctx);
    const taken = new Set<string>();
    for (const job of orphans) {
      const prompt = normalizePrompt(job.request.prompt);
      let match: ImageTaskInfo | undefined;
      for (const t of tasks) {
        if (taken.has(t.taskId) || normalizePrompt(t.prompt) !== prompt || (await isClaimed(t.taskId)))
          continue;
        match = t;
        break;
      }
      if (match) {
        taken.add(match.taskId);
        // Resolved by the next read like any running image.
        events.push({ id: job.id, event: { type: 'matched', taskId: match.taskId, finished: false } });
      } else {
        let unknown = 0;
        for (const t of tasks) {
          const open = t.status === null || !(SUCCEEDED.has(t.status) || isFailedStatus(t.status));
          if (t.prompt === null && open && !taken.has(t.taskId) && !(await isClaimed(t.taskId))) unknown++;
        }
        const give = orphanDecision(ctx, job, unknown > 0 ? 'possible' : 'none');
        if (give) events.push(give);
      }
    }
  }
  if (events.length > 0) {
    const cs = await apply(events);
    result.changes.push(cs);
    await countAsked(ctx, cs);
  }
}
