/**
 * The job engine: an idempotent `tick()` that looks at IndexedDB, reads what is due from Sora, fills free
 * slots, and arms ONE timer for the next thing to do. Call it from anywhere at any time (startup, install,
 * messages, the 30 s alarm backstop): concurrent calls coalesce into one run plus at most one re-run.
 *
 * Everything that matters lives in IndexedDB; this object holds only the timer, the coalescing promise,
 * listeners, and the ids of creates this worker life is sending right now (after a stop, those are found
 * in `submitting` and looked for on Sora before being sent again).
 */

import {
  type EnginePause,
  JOB_STATES,
  type Job,
  type JobState,
  type PauseReason,
  type PollState,
} from '../db/job-record';
import { getMeta, setMeta } from '../db/meta';
import type { CompanionDb } from '../db/schema';
import { SoraError } from '../sora/errors';
import { createTicker, defaultSetTimer, type SetTimer } from '../util/ticker';
import {
  DEFAULT_ENGINE_OPTIONS,
  type EngineContext,
  type EngineOptions,
  type PatienceOptions,
} from './context';
import type { JobInput } from './input';
import { initialPollState } from './model';
import { runPolls } from './poller';
import {
  applyEvents,
  type BatchCounts,
  type ChangeSet,
  type ClearOptions,
  cancelJobs,
  clearFinished,
  type EnqueueOptions,
  enqueueJobs,
  type JobEventItem,
  type ListFilter,
  listJobs,
  listOpenJobs,
  type MoveDirection,
  moveJob,
  overlayOpen,
  pauseQueue,
  resumeQueue,
  retryJobs,
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

export interface EngineDeps {
  /** The database, or a function that (re)opens it. */
  db: CompanionDb | (() => Promise<CompanionDb>);
  port: SoraPort;
  /** Default `Date.now`. */
  now?: () => number;
  /** Default `setTimeout`. The benchmark drives a simulated clock through it. */
  setTimer?: SetTimer;
  /** 0..1 for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** The ceiling setting (max unfinished tasks). Default 3. */
  ceiling?: () => number | Promise<number>;
  options?: Partial<EngineOptions>;
  /**
   * The waits that follow the user's setting, read before every tick (a change applies to the next wait);
   * they win over `options`. A failed read keeps the last ones.
   */
  waits?: () => PatienceOptions | Promise<PatienceOptions>;
  /** Run `tick()` after every queue operation. Default true. */
  autoTick?: boolean;
  /** Unexpected failures of a tick (IndexedDB errors…). Default console.warn. */
  onError?: (error: unknown) => void;
  /** A tick went through (the background lifts a "storage refused" state with it). */
  onTickOk?: () => void;
}

export interface JobsChanged {
  /** The new records of the jobs that changed. */
  jobs: Job[];
  /** Ids of jobs that were deleted. */
  removed: string[];
}

export interface EngineStatus {
  pause: EnginePause | null;
  ceiling: { setting: number; learned: number | null; effective: number };
  counts: Record<JobState, number>;
  nextWakeAt: number | null;
  /** Jobs that had to ask the user "may already be on Sora" (never reset; the soak and bench report it). */
  askedUser: number;
}

type Listener<A extends unknown[]> = (...args: A) => void;

function emitter<A extends unknown[]>() {
  const listeners = new Set<Listener<A>>();
  return {
    on(fn: Listener<A>): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    emit(...args: A) {
      for (const fn of [...listeners]) {
        try {
          fn(...args);
        } catch {
          // A listener's failure must not break the engine.
        }
      }
    },
  };
}

export interface Engine {
  /** Does whatever is due now and arms the next timer. Never rejects. */
  tick(): Promise<void>;
  /** When the engine next wants to run (epoch ms), or null when idle. From IndexedDB: valid after a restart. */
  nextWakeAt(): Promise<number | null>;
  enqueue(inputs: readonly JobInput[], options?: EnqueueOptions): Promise<Job[]>;
  list(filter?: ListFilter): Promise<Job[]>;
  cancel(ids: readonly string[]): Promise<Job[]>;
  retry(ids: readonly string[]): Promise<Job[]>;
  /** The user's "Send again" for jobs that may already be on Sora ("Drop" is `cancel`). */
  sendAgain(ids: readonly string[]): Promise<Job[]>;
  move(id: string, direction: MoveDirection): Promise<void>;
  /** Deletes finished jobs; returns how many. History stays. */
  clearFinished(options?: ClearOptions): Promise<number>;
  /** The user pauses the queue (running tasks are still followed). */
  pause(): Promise<void>;
  /**
   * Lifts the pause when its reason is among `reasons` (any when absent). The background calls
   * `resume(['logged_out'])` when the session cookie comes back; the UI's "Resume" calls `resume()`.
   */
  resume(reasons?: readonly PauseReason[]): Promise<void>;
  status(): Promise<EngineStatus>;
  /** Forget a ceiling learned from Sora (e.g. after the user changed the setting). */
  resetLearnedCeiling(): Promise<void>;
  onJobsChanged(fn: (change: JobsChanged) => void): () => void;
  onStatusChanged(fn: () => void): () => void;
  onBatchFinished(fn: (batchId: string, counts: BatchCounts) => void): () => void;
  onJobFailed(fn: (job: Job) => void): () => void;
  /** Stops the timer; later ticks do nothing. */
  dispose(): void;
}

export function createEngine(deps: EngineDeps): Engine {
  const baseOptions: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...deps.options };
  let options: EngineOptions = baseOptions;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const setTimer = deps.setTimer ?? defaultSetTimer;
  const autoTick = deps.autoTick ?? true;
  const onError = deps.onError ?? ((e: unknown) => console.warn('[jobs] tick failed', e));
  const getDb = typeof deps.db === 'function' ? deps.db : () => Promise.resolve(deps.db as CompanionDb);

  const jobsChanged = emitter<[JobsChanged]>();
  const statusChanged = emitter<[]>();
  const batchFinished = emitter<[string, BatchCounts]>();
  const jobFailed = emitter<[Job]>();

  /** Creates this life is sending (anything else found in `submitting` is an orphan). */
  const inflight = new Set<string>();
  /** Every change of the running tick, so it need not read the open jobs again after each step. */
  let tickChanges: ChangeSet[] | null = null;
  const ticker = createTicker({
    run: runOnce,
    now,
    setTimer,
    onError,
    onOk: deps.onTickOk,
    retryMs: options.pollIntervalMs,
  });
  const { tick, arm } = ticker;

  function emit(cs: ChangeSet | null): void {
    if (!cs) return;
    tickChanges?.push(cs);
    if (cs.changed.length > 0 || cs.removed.length > 0)
      jobsChanged.emit({ jobs: cs.changed, removed: cs.removed });
    for (const job of cs.failed) jobFailed.emit(job);
    for (const b of cs.finishedBatches) batchFinished.emit(b.batchId, b.counts);
  }

  async function context(): Promise<EngineContext> {
    if (deps.waits) {
      try {
        options = { ...baseOptions, ...(await deps.waits()) };
      } catch {
        // Keep the waits last read: a passing storage hiccup must not stop the queue.
      }
    }
    return { db: await getDb(), port: deps.port, now, random, options };
  }

  async function ceilingSetting(): Promise<number> {
    try {
      return (await deps.ceiling?.()) ?? DEFAULT_CEILING;
    } catch {
      return DEFAULT_CEILING;
    }
  }

  /** Pauses in flight, so that parallel creates refused for the same reason ask /nf/check once. */
  const pausing = new Map<PauseReason, Promise<void>>();

  function pauseFor(ctx: EngineContext, reason: PauseReason, error: ErrorInfo, retryAfterMs?: number) {
    let p = pausing.get(reason);
    if (!p) {
      p = recordPause(ctx, reason, error, retryAfterMs).finally(() => pausing.delete(reason));
      pausing.set(reason, p);
    }
    return p;
  }

  async function recordPause(
    ctx: EngineContext,
    reason: PauseReason,
    error: ErrorInfo,
    retryAfterMs?: number,
  ) {
    const t = now();
    let until: number | null = null;
    if (reason === 'daily_limit') {
      try {
        const quota = await ctx.port.checkQuota();
        // The account still shows videos left: the allowance did not run out (a passing refusal, or one job
        // costing more than is left), so waiting for the window to reset could park the queue for a day.
        const videosLeft = quota.remaining !== null && quota.remaining > 0;
        until =
          quota.resetsInMs === null || videosLeft
            ? t + options.dailyLimitFallbackMs
            : t + Math.max(quota.resetsInMs + options.dailyLimitMarginMs, 60_000);
      } catch {
        until = t + (retryAfterMs ?? options.dailyLimitFallbackMs);
      }
    } else if (reason === 'cloudflare_challenge') {
      until = t + options.cloudflareRecheckMs;
    } else if (reason === 'sentinel_unavailable') {
      until = t + options.sentinelRecheckMs;
    } else if (reason === 'service_unavailable') {
      until = t + serviceRecheckDelay(0, options);
    }
    // The jobs' change is stamped now, not at `t`: a job requeued while /nf/check was being asked carries a
    // later stamp, and pages keep the newer record, so an older-stamped pause would never reach their rows.
    emit(await pauseQueue(ctx.db, { reason, since: t, until, message: error.message }, now()));
    statusChanged.emit();
  }

  /**
   * The cheap look at a Sora that was not answering: one /nf/check (a session read first, when the token is
   * due). Still not answering (or no connection): wait longer, the jobs stay paused and keep their attempts.
   * Any answer from Sora's app lifts the pause; what it says (logged out, limits) is handled as usual.
   */
  async function serviceAnswers(ctx: EngineContext, pause: EnginePause): Promise<boolean> {
    try {
      await ctx.port.checkQuota();
      return true;
    } catch (e) {
      const code = e instanceof SoraError ? e.code : 'bad_response';
      if (code !== 'service_unavailable' && code !== 'network' && code !== 'timeout') return true;
      const rechecks = (pause.rechecks ?? 0) + 1;
      const t = now();
      const until = t + serviceRecheckDelay(rechecks, options);
      const current = (await getMeta(ctx.db, 'engine.pause')) ?? null;
      // The user paused (or someone resumed) meanwhile: theirs wins.
      if (current?.reason !== 'service_unavailable') return current === null;
      emit(await pauseQueue(ctx.db, { ...current, until, rechecks }, t));
      statusChanged.emit();
      return false;
    }
  }

  async function handleOutcome(
    ctx: EngineContext,
    job: Job,
    outcome: SubmitOutcome,
    occupiedOthers: number,
    ceiling: number,
  ): Promise<boolean> {
    const apply = async (items: JobEventItem[]) => {
      const cs = await applyEvents(ctx.db, items, now());
      emit(cs);
      return cs;
    };
    if (outcome.kind === 'skipped') return false;
    if (outcome.kind === 'created') {
      await apply([{ id: job.id, event: { type: 'created', taskId: outcome.taskId } }]);
      return true;
    }
    const { decision } = outcome;
    await apply([{ id: job.id, event: decisionEvent(decision, options) }]);
    if (decision.action === 'pause') {
      await pauseFor(ctx, decision.reason, decision.error, decision.retryAfterMs);
    } else if (decision.action === 'uncertain' && decision.pause) {
      await pauseFor(ctx, decision.pause, decision.error);
    } else if (decision.action === 'too_many') {
      const value = learnCeiling(decision.numTasks, occupiedOthers, ceiling);
      const previous = await getMeta(ctx.db, 'engine.ceiling');
      await setMeta(ctx.db, 'engine.ceiling', { value, learnedAt: now() });
      if (!previous || previous.value !== value) statusChanged.emit();
      // Our picture of Sora's tasks was wrong: read the pending list again before the next create.
      const poll = (await getMeta(ctx.db, 'engine.poll')) ?? initialPollState();
      await setMeta(ctx.db, 'engine.poll', { ...poll, snapshot: null });
    }
    return false;
  }

  const snapshotFresh = (poll: PollState, t: number) =>
    poll.snapshot !== null && t - poll.snapshot.at <= options.snapshotMaxAgeMs;

  async function runOnce(): Promise<void> {
    tickChanges = [];
    try {
      await runSteps();
    } finally {
      tickChanges = null;
    }
  }

  /** The open jobs now: those read at the start of the tick with every change since laid over them. */
  const current = (start: readonly Job[]) => overlayOpen(start, tickChanges ?? []);

  async function runSteps(): Promise<void> {
    const ctx = await context();
    const { db } = ctx;
    const apply = async (items: JobEventItem[]) => {
      const cs = await applyEvents(db, items, now());
      emit(cs);
      return cs;
    };

    let pause = (await getMeta(db, 'engine.pause')) ?? null;
    if (pause?.reason === 'service_unavailable' && pause.until != null && now() >= pause.until) {
      if (!(await serviceAnswers(ctx, pause))) pause = (await getMeta(db, 'engine.pause')) ?? null;
    }
    if (pause?.until != null && now() >= pause.until) {
      const resumed = await resumeQueue(db, now(), [pause.reason]);
      if (resumed) {
        emit(resumed);
        statusChanged.emit();
        pause = null;
      }
    }

    // 1. Reads: progress, finished tasks, creates of an earlier life.
    const open = await listOpenJobs(db);
    const t0 = now();
    const poll0 = (await getMeta(db, 'engine.poll')) ?? initialPollState();
    const wantsToSubmit =
      pause === null &&
      open.some(
        (j) =>
          (j.state === 'queued' && j.nextAttemptAt <= t0) ||
          (isOrphan(j, inflight) && j.createSentAt === null),
      );
    const polled = await runPolls(
      ctx,
      { open, poll: poll0, pause, inflight, wantFreshSnapshot: wantsToSubmit && !snapshotFresh(poll0, t0) },
      apply,
    );
    const poll = polled.poll;
    await setMeta(db, 'engine.poll', poll);
    if (polled.pause) await pauseFor(ctx, polled.pause.reason, polled.pause.error);

    // 2. Fill the slots that freed up, while the drafts of the finished tasks are read.
    const [, resolved] = await Promise.all([
      submitPhase(ctx, poll, current(open)),
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
      if (resolved.pause) await pauseFor(ctx, resolved.pause.reason, resolved.pause.error);
    }

    // 3. The next wake.
    await scheduleWake(db, current(open));
  }

  async function submitPhase(ctx: EngineContext, polled: PollState, open: readonly Job[]): Promise<void> {
    const { db } = ctx;
    const apply = async (items: JobEventItem[]) => {
      const cs = await applyEvents(db, items, now());
      emit(cs);
      return cs;
    };
    let poll = polled;
    const pause = (await getMeta(db, 'engine.pause')) ?? null;
    const setting = await ceilingSetting();
    const learned = (await getMeta(db, 'engine.ceiling')) ?? null;
    const t1 = now();
    const ceiling = effectiveCeiling(setting, learned, t1, options.learnedCeilingTtlMs);
    if (pause === null && snapshotFresh(poll, t1)) {
      const occupied = occupiedSlots(open, poll.snapshot, t1, options.snapshotMaxAgeMs);
      const picks = pickSubmissions(open, ceiling - occupied, t1);
      if (picks.length > 0) {
        for (const j of picks) inflight.add(j.id);
        try {
          const submitted = await apply(picks.map((j) => ({ id: j.id, event: { type: 'submit' } as const })));
          const started = submitted.changed.filter((j) => j.state === 'submitting');
          const created = await Promise.all(
            started.map(async (job) =>
              handleOutcome(
                ctx,
                job,
                await runSubmission(ctx, job, apply),
                occupied + started.length - 1,
                ceiling,
              ),
            ),
          );
          if (created.some(Boolean)) {
            // A new task: back to the base cadence (a slowed-down or idle cadence would show its progress
            // late), keeping a read already aimed at a task's end and never adding one inside an interval.
            poll = (await getMeta(db, 'engine.poll')) ?? poll;
            const t = now();
            const base = options.pollIntervalMs;
            const planned = poll.nextPendingAt;
            const next = planned <= t || planned > t + 2 * base ? t + base : planned;
            poll = {
              ...poll,
              intervalMs: base,
              quietReads: 0,
              nextPendingAt: Math.max(next, (poll.lastPendingAt ?? Number.NEGATIVE_INFINITY) + base),
            };
            await setMeta(db, 'engine.poll', poll);
          }
        } finally {
          for (const j of picks) inflight.delete(j.id);
        }
      }
    }
  }

  async function scheduleWake(db: CompanionDb, open: readonly Job[]): Promise<number | null> {
    const t = now();
    const pause = (await getMeta(db, 'engine.pause')) ?? null;
    const poll = (await getMeta(db, 'engine.poll')) ?? initialPollState();
    const learned = (await getMeta(db, 'engine.ceiling')) ?? null;
    const ceiling = effectiveCeiling(await ceilingSetting(), learned, t, options.learnedCeilingTtlMs);
    const free = ceiling - occupiedSlots(open, poll.snapshot, t, options.snapshotMaxAgeMs);
    const wake = computeNextWake({
      open,
      pause,
      poll,
      free,
      inflight,
      now: t,
      snapshotFresh: snapshotFresh(poll, t),
    });
    await setMeta(db, 'engine.nextWakeAt', wake);
    arm(wake);
    return wake;
  }

  function afterOp(cs: ChangeSet | null): void {
    emit(cs);
    if (autoTick) void tick();
  }

  return {
    tick,
    async nextWakeAt() {
      return (await getMeta(await getDb(), 'engine.nextWakeAt')) ?? null;
    },
    async enqueue(inputs, opts) {
      const jobs = await enqueueJobs(await getDb(), inputs, now(), opts);
      afterOp({ changed: jobs, failed: [], finishedBatches: [], removed: [] });
      return jobs;
    },
    async list(filter) {
      return listJobs(await getDb(), filter);
    },
    async cancel(ids) {
      const cs = await cancelJobs(await getDb(), ids, now());
      afterOp(cs);
      return cs.changed;
    },
    async retry(ids) {
      const cs = await retryJobs(await getDb(), ids, now());
      afterOp(cs);
      return cs.changed;
    },
    async sendAgain(ids) {
      const cs = await applyEvents(
        await getDb(),
        ids.map((id) => ({ id, event: { type: 'sendAgain' } })),
        now(),
      );
      afterOp(cs);
      return cs.changed;
    },
    async move(id, direction) {
      emit(await moveJob(await getDb(), id, direction, now()));
    },
    async clearFinished(opts) {
      const cs = await clearFinished(await getDb(), opts);
      emit(cs);
      return cs.removed.length;
    },
    async pause() {
      const t = now();
      emit(await pauseQueue(await getDb(), { reason: 'user', since: t, until: null }, t));
      statusChanged.emit();
      if (autoTick) void tick();
    },
    async resume(reasons) {
      const db = await getDb();
      const cs = await resumeQueue(db, now(), reasons);
      if (!cs) return;
      // Reads may have been backing off while the session was gone: read again at once.
      const poll = (await getMeta(db, 'engine.poll')) ?? initialPollState();
      await setMeta(db, 'engine.poll', {
        ...poll,
        nextPendingAt: 0,
        nextRecentAt: 0,
        pendingErrors: 0,
        recentErrors: 0,
      });
      statusChanged.emit();
      afterOp(cs);
    },
    async status() {
      const db = await getDb();
      const t = now();
      const setting = await ceilingSetting();
      const learned = (await getMeta(db, 'engine.ceiling')) ?? null;
      const effective = effectiveCeiling(setting, learned, t, options.learnedCeilingTtlMs);
      const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      for (const s of JOB_STATES) counts[s] = await db.countFromIndex('jobs', 'by-state', s);
      return {
        pause: (await getMeta(db, 'engine.pause')) ?? null,
        ceiling: { setting, learned: learned && effective < setting ? learned.value : null, effective },
        counts,
        nextWakeAt: (await getMeta(db, 'engine.nextWakeAt')) ?? null,
        askedUser: (await getMeta(db, 'engine.askedUser')) ?? 0,
      };
    },
    async resetLearnedCeiling() {
      await setMeta(await getDb(), 'engine.ceiling', null);
      statusChanged.emit();
      if (autoTick) void tick();
    },
    onJobsChanged: jobsChanged.on,
    onStatusChanged: statusChanged.on,
    onBatchFinished: batchFinished.on,
    onJobFailed: jobFailed.on,
    dispose() {
      ticker.dispose();
    },
  };
}
