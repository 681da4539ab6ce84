/**
 * One tick of the job engine, phase by phase: lift a pause that is due, read Sora (lib/jobs/poller.ts),
 * fill the free slots, arm the next wake (what a tick is: lib/jobs/engine.ts). The steps are plain
 * functions over the engine's runtime, the few things that live as long as the engine; `createEngine`
 * only composes them.
 */
import type { EnginePause, Job, PauseReason, PollState } from '../db/job-record';
import { getMeta, setMeta } from '../db/meta';
import type { CompanionDb } from '../db/schema';
import { SoraError } from '../sora/errors';
import type { EngineContext, EngineOptions, PatienceOptions } from './context';
import { initialPollState } from './model';
import { runPolls } from './poller';
import {
  applyEvents,
  type BatchCounts,
  type ChangeSet,
  type JobEventItem,
  listOpenJobs,
  overlayOpen,
  pauseQueue,
  resumeQueue,
} from './queue';
import {
  computeNextWake,
  DEFAULT_CEILING,
  decisionEvent,
  type ErrorInfo,
  effectiveCeiling,
  isOrphan,
  learnCeiling,
  occupiedSlots,
  pickSubmissions,
  runSubmission,
  type SubmitOutcome,
  serviceRecheckDelay,
} from './scheduler';
import type { SoraPort } from './sora-port';

/** What `Engine.onJobsChanged` listeners hear (engine.ts re-exports it). */
export interface JobsChanged {
  /** The new records of the jobs that changed. */
  jobs: Job[];
  /** Ids of jobs that were deleted. */
  removed: string[];
}

/** What the engine tells its listeners (`Engine.onJobsChanged`…). */
export interface EngineEvents {
  jobsChanged(change: JobsChanged): void;
  statusChanged(): void;
  batchFinished(batchId: string, counts: BatchCounts): void;
  jobFailed(job: Job): void;
}

/**
 * What lives as long as the engine. Everything that matters is in IndexedDB; this holds only the clock,
 * the tunables, the listeners, the timer and what this worker life is doing right now.
 */
export interface EngineRuntime {
  getDb: () => Promise<CompanionDb>;
  port: SoraPort;
  now: () => number;
  random: () => number;
  /** The engine's options, with the waits last read from the user's setting over them. */
  options: EngineOptions;
  /** The engine's options as given (the waits read before each tick are laid over these). */
  baseOptions: EngineOptions;
  waits?: () => PatienceOptions | Promise<PatienceOptions>;
  ceiling?: () => number | Promise<number>;
  /** Run `tick()` after every queue operation. */
  autoTick: boolean;
  events: EngineEvents;
  /** Creates this life is sending (anything else found in `submitting` is an orphan). */
  inflight: Set<string>;
  /** Pauses in flight, so that parallel creates refused for the same reason ask /nf/check once. */
  pausing: Map<PauseReason, Promise<void>>;
  /** Every change of the running tick, so it need not read the open jobs again after each step. */
  tickChanges: ChangeSet[] | null;
  tick(): Promise<void>;
  /** One timer for the next tick at `wake` (epoch ms), or none. */
  arm(wake: number | null): void;
}

/** Tells the listeners what changed (and remembers it for the running tick). */
export function emitChanges(rt: EngineRuntime, cs: ChangeSet | null): void {
  if (!cs) return;
  rt.tickChanges?.push(cs);
  if (cs.changed.length > 0 || cs.removed.length > 0)
    rt.events.jobsChanged({ jobs: cs.changed, removed: cs.removed });
  for (const job of cs.failed) rt.events.jobFailed(job);
  for (const b of cs.finishedBatches) rt.events.batchFinished(b.batchId, b.counts);
}

/** Applies job events in one transaction and tells the listeners. */
function applier(rt: EngineRuntime, db: CompanionDb) {
  return async (items: JobEventItem[]) => {
    const cs = await applyEvents(db, items, rt.now());
    emitChanges(rt, cs);
    return cs;
  };
}

async function tickContext(rt: EngineRuntime): Promise<EngineContext> {
  if (rt.waits) {
    try {
      rt.options = { ...rt.baseOptions, ...(await rt.waits()) };
    } catch {
      // Keep the waits last read: a passing storage hiccup must not stop the queue.
    }
  }
  return { db: await rt.getDb(), port: rt.port, now: rt.now, random: rt.random, options: rt.options };
}

export async function ceilingSetting(rt: EngineRuntime): Promise<number> {
  try {
    return (await rt.ceiling?.()) ?? DEFAULT_CEILING;
  } catch {
    return DEFAULT_CEILING;
  }
}

function pauseFor(
  rt: EngineRuntime,
  ctx: EngineContext,
  reason: PauseReason,
  error: ErrorInfo,
  retryAfterMs?: number,
) {
  let p = rt.pausing.get(reason);
  if (!p) {
    p = recordPause(rt, ctx, reason, error, retryAfterMs).finally(() => rt.pausing.delete(reason));
    rt.pausing.set(reason, p);
  }
  return p;
}

async function recordPause(
  rt: EngineRuntime,
  ctx: EngineContext,
  reason: PauseReason,
  error: ErrorInfo,
  retryAfterMs?: number,
) {
  const t = rt.now();
  let until: number | null = null;
  if (reason === 'daily_limit') {
    try {
      const quota = await ctx.port.checkQuota();
      // The account still shows videos left: the allowance did not run out (a passing refusal, or one job
      // costing more than is left), so waiting for the window to reset could park the queue for a day.
      const videosLeft = quota.remaining !== null && quota.remaining > 0;
      until =
        quota.resetsInMs === null || videosLeft
          ? t + rt.options.dailyLimitFallbackMs
          : t + Math.max(quota.resetsInMs + rt.options.dailyLimitMarginMs, 60_000);
    } catch {
      until = t + (retryAfterMs ?? rt.options.dailyLimitFallbackMs);
    }
  } else if (reason === 'cloudflare_challenge') {
    until = t + rt.options.cloudflareRecheckMs;
  } else if (reason === 'sentinel_unavailable') {
    until = t + rt.options.sentinelRecheckMs;
  } else if (reason === 'service_unavailable') {
    until = t + serviceRecheckDelay(0, rt.options);
  }
  // The jobs' change is stamped now, not at `t`: a job requeued while /nf/check was being asked carries a
  // later stamp, and pages keep the newer record, so an older-stamped pause would never reach their rows.
  emitChanges(rt, await pauseQueue(ctx.db, { reason, since: t, until, message: error.message }, rt.now()));
  rt.events.statusChanged();
}

/**
 * The cheap look at a Sora that was not answering: one /nf/check (a session read first, when the token is
 * due). Still not answering (or no connection): wait longer, the jobs stay paused and keep their attempts.
 * Any answer from Sora's app lifts the pause; what it says (logged out, limits) is handled as usual.
 */
async function serviceAnswers(rt: EngineRuntime, ctx: EngineContext, pause: EnginePause): Promise<boolean> {
  try {
    await ctx.port.checkQuota();
    return true;
  } catch (e) {
    const code = e instanceof SoraError ? e.code : 'bad_response';
    if (code !== 'service_unavailable' && code !== 'network' && code !== 'timeout') return true;
    const rechecks = (pause.rechecks ?? 0) + 1;
    const t = rt.now();
    const until = t + serviceRecheckDelay(rechecks, rt.options);
    const current = (await getMeta(ctx.db, 'engine.pause')) ?? null;
    // The user paused (or someone resumed) meanwhile: theirs wins.
    if (current?.reason !== 'service_unavailable') return current === null;
    emitChanges(rt, await pauseQueue(ctx.db, { ...current, until, rechecks }, t));
    rt.events.statusChanged();
    return false;
  }
}

/** Records what a create came back with; true when it started a task. */
async function handleOutcome(
  rt: EngineRuntime,
  ctx: EngineContext,
  job: Job,
  outcome: SubmitOutcome,
  occupiedOthers: number,
  ceiling: number,
): Promise<boolean> {
  const apply = applier(rt, ctx.db);
  if (outcome.kind === 'skipped') return false;
  if (outcome.kind === 'created') {
    await apply([{ id: job.id, event: { type: 'created', taskId: outcome.taskId } }]);
    return true;
  }
  const { decision } = outcome;
  await apply([{ id: job.id, event: decisionEvent(decision, rt.options) }]);
  if (decision.action === 'pause') {
    await pauseFor(rt, ctx, decision.reason, decision.error, decision.retryAfterMs);
  } else if (decision.action === 'uncertain' && decision.pause) {
    await pauseFor(rt, ctx, decision.pause, decision.error);
  } else if (decision.action === 'too_many') {
    const value = learnCeiling(decision.numTasks, occupiedOthers, ceiling);
    const previous = await getMeta(ctx.db, 'engine.ceiling');
    await setMeta(ctx.db, 'engine.ceiling', { value, learnedAt: rt.now() });
    if (!previous || previous.value !== value) rt.events.statusChanged();
    // Our picture of Sora's tasks was wrong: read the pending list again before the next create.
    const poll = (await getMeta(ctx.db, 'engine.poll')) ?? initialPollState();
    await setMeta(ctx.db, 'engine.poll', { ...poll, snapshot: null });
  }
  return false;
}

const snapshotFresh = (rt: EngineRuntime, poll: PollState, t: number) =>
  poll.snapshot !== null && t - poll.snapshot.at <= rt.options.snapshotMaxAgeMs;

/** The ticker's one pass. */
export async function runTick(rt: EngineRuntime): Promise<void> {
  rt.tickChanges = [];
  try {
    await runSteps(rt);
  } finally {
    rt.tickChanges = null;
  }
}

/** The open jobs now: those read at the start of the tick with every change since laid over them. */
const currentOpen = (rt: EngineRuntime, start: readonly Job[]) => overlayOpen(start, rt.tickChanges ?? []);

/** A pause whose time is up: a Sora that was not answering is asked first; then the pause is lifted. */
async function liftDuePause(rt: EngineRuntime, ctx: EngineContext): Promise<EnginePause | null> {
  const { db } = ctx;
  let pause = (await getMeta(db, 'engine.pause')) ?? null;
  if (pause?.reason === 'service_unavailable' && pause.until != null && rt.now() >= pause.until) {
    if (!(await serviceAnswers(rt, ctx, pause))) pause = (await getMeta(db, 'engine.pause')) ?? null;
  }
  if (pause?.until != null && rt.now() >= pause.until) {
    const resumed = await resumeQueue(db, rt.now(), [pause.reason]);
    if (resumed) {
      emitChanges(rt, resumed);
      rt.events.statusChanged();
      pause = null;
    }
  }
  return pause;
}

async function runSteps(rt: EngineRuntime): Promise<void> {
  const ctx = await tickContext(rt);
  const { db } = ctx;
  const pause = await liftDuePause(rt, ctx);

  // 1. Reads: progress, finished tasks, creates of an earlier life.
  const open = await listOpenJobs(db);
  const t0 = rt.now();
  const poll0 = (await getMeta(db, 'engine.poll')) ?? initialPollState();
  const wantsToSubmit =
    pause === null &&
    open.some(
      (j) =>
        (j.state === 'queued' && j.nextAttemptAt <= t0) ||
        (isOrphan(j, rt.inflight) && j.createSentAt === null),
    );
  const polled = await runPolls(
    ctx,
    {
      open,
      poll: poll0,
      pause,
      inflight: rt.inflight,
      wantFreshSnapshot: wantsToSubmit && !snapshotFresh(rt, poll0, t0),
    },
    applier(rt, db),
  );
  const poll = polled.poll;
  await setMeta(db, 'engine.poll', poll);
  if (polled.pause) await pauseFor(rt, ctx, polled.pause.reason, polled.pause.error);

  // 2. Fill the slots that freed up, while the drafts of the finished tasks are read.
  const [, resolved] = await Promise.all([
    submitPhase(rt, ctx, poll, currentOpen(rt, open)),
    polled.resolve?.() ?? null,
  ]);
  if (resolved) {
    if (resolved.draftsReadAt !== null || resolved.nextDraftsAt !== null) {
      const latest = (await getMeta(db, 'engine.poll')) ?? poll;
      await setMeta(db, 'engine.poll', {
        ...latest,
        ...(resolved.draftsReadAt === null ? {} : { lastDraftsAt: resolved.draftsReadAt }),
        ...(resolved.nextDraftsAt === null ? {} : { nextDraftsAt: resolved.nextDraftsAt }),
      });
    }
    if (resolved.pause) await pauseFor(rt, ctx, resolved.pause.reason, resolved.pause.error);
  }

  // 3. The next wake.
  await scheduleWake(rt, db, currentOpen(rt, open));
}

async function submitPhase(
  rt: EngineRuntime,
  ctx: EngineContext,
  poll: PollState,
  open: readonly Job[],
): Promise<void> {
  const { db } = ctx;
  const apply = applier(rt, db);
  const pause = (await getMeta(db, 'engine.pause')) ?? null;
  const setting = await ceilingSetting(rt);
  const learned = (await getMeta(db, 'engine.ceiling')) ?? null;
  const t1 = rt.now();
  const ceiling = effectiveCeiling(setting, learned, t1, rt.options.learnedCeilingTtlMs);
  if (pause !== null || !snapshotFresh(rt, poll, t1)) return;
  const occupied = occupiedSlots(open, poll.snapshot, t1, rt.options.snapshotMaxAgeMs);
  const picks = pickSubmissions(open, ceiling - occupied, t1);
  if (picks.length === 0) return;
  for (const j of picks) rt.inflight.add(j.id);
  try {
    const submitted = await apply(picks.map((j) => ({ id: j.id, event: { type: 'submit' } as const })));
    const started = submitted.changed.filter((j) => j.state === 'submitting');
    const created = await Promise.all(
      started.map(async (job) =>
        handleOutcome(
          rt,
          ctx,
          job,
          await runSubmission(ctx, job, apply),
          occupied + started.length - 1,
          ceiling,
        ),
      ),
    );
    if (created.some(Boolean)) await backToBaseCadence(rt, db, poll);
  } finally {
    for (const j of picks) rt.inflight.delete(j.id);
  }
}

/**
 * A new task: back to the base cadence (a slowed-down or idle cadence would show its progress late),
 * keeping a read already aimed at a task's end and never adding one inside an interval.
 */
async function backToBaseCadence(rt: EngineRuntime, db: CompanionDb, polled: PollState): Promise<void> {
  const poll = (await getMeta(db, 'engine.poll')) ?? polled;
  const t = rt.now();
  const base = rt.options.pollIntervalMs;
  const planned = poll.nextPendingAt;
  const next = planned <= t || planned > t + 2 * base ? t + base : planned;
  await setMeta(db, 'engine.poll', {
    ...poll,
    intervalMs: base,
    quietReads: 0,
    nextPendingAt: Math.max(next, (poll.lastPendingAt ?? Number.NEGATIVE_INFINITY) + base),
  });
}

async function scheduleWake(
  rt: EngineRuntime,
  db: CompanionDb,
  open: readonly Job[],
): Promise<number | null> {
  const t = rt.now();
  const pause = (await getMeta(db, 'engine.pause')) ?? null;
  const poll = (await getMeta(db, 'engine.poll')) ?? initialPollState();
  const learned = (await getMeta(db, 'engine.ceiling')) ?? null;
  const ceiling = effectiveCeiling(await ceilingSetting(rt), learned, t, rt.options.learnedCeilingTtlMs);
  const free = ceiling - occupiedSlots(open, poll.snapshot, t, rt.options.snapshotMaxAgeMs);
  const wake = computeNextWake({
    open,
    pause,
    poll,
    free,
    inflight: rt.inflight,
    now: t,
    snapshotFresh: snapshotFresh(rt, poll, t),
  });
  await setMeta(db, 'engine.nextWakeAt', wake);
  rt.arm(wake);
  return wake;
}
