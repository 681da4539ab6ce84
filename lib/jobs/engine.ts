/**
 * The job engine: an idempotent `tick()` that looks at IndexedDB, reads what is due from Sora, fills free
 * slots, and arms ONE timer for the next thing to do. Call it from anywhere at any time (startup, install,
 * messages, the 30 s alarm backstop): concurrent calls coalesce into one run plus at most one re-run.
 *
 * Everything that matters lives in IndexedDB; this object holds only the timer, the coalescing promise,
 * listeners, and the ids of creates this worker life is sending right now (after a stop, those are found
 * in `submitting` and looked for on Sora before being sent again).
 *
 * `createEngine` only composes: the tick's phases are in engine-steps.ts, the operations callers ask for
 * in engine-ops.ts, both over one `EngineRuntime`.
 */

import type { Job, PauseReason } from '../db/job-record';
import type { CompanionDb } from '../db/schema';
import { createTicker, defaultSetTimer, type SetTimer } from '../util/ticker';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions, type PatienceOptions } from './context';
import type { EngineStatus } from './engine-ops';
import * as ops from './engine-ops';
import { type EngineRuntime, type JobsChanged, runTick } from './engine-steps';
import type { JobInput } from './input';
import type { BatchCounts, ClearOptions, EnqueueOptions, ListFilter, MoveDirection } from './queue';
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
  /** Whether a job is queued, paused or on its way (cheaper than `status()`: no settings, no counts of the rest). */
  hasOpenWork(): Promise<boolean>;
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
  const now = deps.now ?? Date.now;
  const onError = deps.onError ?? ((e: unknown) => console.warn('[jobs] tick failed', e));
  const jobsChanged = emitter<[JobsChanged]>();
  const statusChanged = emitter<[]>();
  const batchFinished = emitter<[string, BatchCounts]>();
  const jobFailed = emitter<[Job]>();

  const rt: EngineRuntime = {
    getDb: typeof deps.db === 'function' ? deps.db : () => Promise.resolve(deps.db as CompanionDb),
    port: deps.port,
    now,
    random: deps.random ?? Math.random,
    options: baseOptions,
    baseOptions,
    waits: deps.waits,
    ceiling: deps.ceiling,
    autoTick: deps.autoTick ?? true,
    events: {
      jobsChanged: jobsChanged.emit,
      statusChanged: statusChanged.emit,
      batchFinished: batchFinished.emit,
      jobFailed: jobFailed.emit,
    },
    inflight: new Set(),
    pausing: new Map(),
    tickChanges: null,
    tick: () => ticker.tick(),
    arm: (wake) => ticker.arm(wake),
  };
  const ticker = createTicker({
    run: () => runTick(rt),
    now,
    setTimer: deps.setTimer ?? defaultSetTimer,
    onError,
    onOk: deps.onTickOk,
    retryMs: baseOptions.pollIntervalMs,
  });

  return {
    tick: ticker.tick,
    nextWakeAt: () => ops.nextWakeAt(rt),
    enqueue: (inputs, options) => ops.enqueue(rt, inputs, options),
    list: (filter) => ops.list(rt, filter),
    cancel: (ids) => ops.cancel(rt, ids),
    retry: (ids) => ops.retry(rt, ids),
    sendAgain: (ids) => ops.sendAgain(rt, ids),
    move: (id, direction) => ops.move(rt, id, direction),
    clearFinished: (options) => ops.clearFinishedJobs(rt, options),
    pause: () => ops.pause(rt),
    resume: (reasons) => ops.resume(rt, reasons),
    status: () => ops.status(rt),
    hasOpenWork: () => ops.hasOpenWork(rt),
    resetLearnedCeiling: () => ops.resetLearnedCeiling(rt),
    onJobsChanged: jobsChanged.on,
    onStatusChanged: statusChanged.on,
    onBatchFinished: batchFinished.on,
    onJobFailed: jobFailed.on,
    dispose() {
      ticker.dispose();
    },
  };
}
