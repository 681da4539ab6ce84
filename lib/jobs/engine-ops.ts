/**
 * What callers ask of the job engine between ticks (`Engine.enqueue`, `cancel`, `pause`… in engine.ts):
 * each is one persisted queue operation, told to the listeners, then a tick (when `autoTick`) to act on it.
 */
import { type EnginePause, JOB_STATES, type Job, type JobState, type PauseReason } from '../db/job-record';
import { getMeta, setMeta } from '../db/meta';
import { ceilingSetting, type EngineRuntime, emitChanges } from './engine-steps';
import type { JobInput } from './input';
import { initialPollState } from './model';
import {
  applyEvents,
  type ChangeSet,
  type ClearOptions,
  cancelJobs,
  clearFinished,
  type EnqueueOptions,
  enqueueJobs,
  type ListFilter,
  listJobs,
  type MoveDirection,
  moveJob,
  pauseQueue,
  resumeQueue,
  retryJobs,
} from './queue';
import { effectiveCeiling } from './scheduler';
import { OPEN_STATES } from './states';

/** What `Engine.status()` answers (engine.ts re-exports it). */
export interface EngineStatus {
  pause: EnginePause | null;
  ceiling: { setting: number; learned: number | null; effective: number };
  counts: Record<JobState, number>;
  nextWakeAt: number | null;
  /** Jobs that had to ask the user "may already be on Sora" (never reset; the soak and bench report it). */
  askedUser: number;
}

function afterOp(rt: EngineRuntime, cs: ChangeSet | null): void {
  emitChanges(rt, cs);
  if (rt.autoTick) void rt.tick();
}

export async function nextWakeAt(rt: EngineRuntime): Promise<number | null> {
  return (await getMeta(await rt.getDb(), 'engine.nextWakeAt')) ?? null;
}

export async function enqueue(
  rt: EngineRuntime,
  inputs: readonly JobInput[],
  options?: EnqueueOptions,
): Promise<Job[]> {
  const jobs = await enqueueJobs(await rt.getDb(), inputs, rt.now(), options);
  afterOp(rt, { changed: jobs, failed: [], finishedBatches: [], removed: [] });
  return jobs;
}

export async function list(rt: EngineRuntime, filter?: ListFilter): Promise<Job[]> {
  return listJobs(await rt.getDb(), filter);
}

export async function cancel(rt: EngineRuntime, ids: readonly string[]): Promise<Job[]> {
  const cs = await cancelJobs(await rt.getDb(), ids, rt.now());
  afterOp(rt, cs);
  return cs.changed;
}

export async function retry(rt: EngineRuntime, ids: readonly string[]): Promise<Job[]> {
  const cs = await retryJobs(await rt.getDb(), ids, rt.now());
  afterOp(rt, cs);
  return cs.changed;
}

export async function sendAgain(rt: EngineRuntime, ids: readonly string[]): Promise<Job[]> {
  const cs = await applyEvents(
    await rt.getDb(),
    ids.map((id) => ({ id, event: { type: 'sendAgain' } })),
    rt.now(),
  );
  afterOp(rt, cs);
  return cs.changed;
}

export async function move(rt: EngineRuntime, id: string, direction: MoveDirection): Promise<void> {
  emitChanges(rt, await moveJob(await rt.getDb(), id, direction, rt.now()));
}

export async function clearFinishedJobs(rt: EngineRuntime, options?: ClearOptions): Promise<number> {
  const cs = await clearFinished(await rt.getDb(), options);
  emitChanges(rt, cs);
  return cs.removed.length;
}

export async function pause(rt: EngineRuntime): Promise<void> {
  const t = rt.now();
  emitChanges(rt, await pauseQueue(await rt.getDb(), { reason: 'user', since: t, until: null }, t));
  rt.events.statusChanged();
  if (rt.autoTick) void rt.tick();
}

export async function resume(rt: EngineRuntime, reasons?: readonly PauseReason[]): Promise<void> {
  const db = await rt.getDb();
  const cs = await resumeQueue(db, rt.now(), reasons);
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
  rt.events.statusChanged();
  afterOp(rt, cs);
}

export async function status(rt: EngineRuntime): Promise<EngineStatus> {
  const db = await rt.getDb();
  const t = rt.now();
  const setting = await ceilingSetting(rt);
  const learned = (await getMeta(db, 'engine.ceiling')) ?? null;
  const effective = effectiveCeiling(setting, learned, t, rt.options.learnedCeilingTtlMs);
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  // One transaction: the counts add up to one moment of the queue.
  const byState = db.transaction('jobs').store.index('by-state');
  for (const s of JOB_STATES) counts[s] = await byState.count(s);
  return {
    pause: (await getMeta(db, 'engine.pause')) ?? null,
    ceiling: { setting, learned: learned && effective < setting ? learned.value : null, effective },
    counts,
    nextWakeAt: (await getMeta(db, 'engine.nextWakeAt')) ?? null,
    askedUser: (await getMeta(db, 'engine.askedUser')) ?? 0,
  };
}

/** Whether any job is still the engine's to move: the open states' index counts only, for the backstop's check. */
export async function hasOpenWork(rt: EngineRuntime): Promise<boolean> {
  const byState = (await rt.getDb()).transaction('jobs').store.index('by-state');
  for (const s of OPEN_STATES) if ((await byState.count(s)) > 0) return true;
  return false;
}

export async function resetLearnedCeiling(rt: EngineRuntime): Promise<void> {
  await setMeta(await rt.getDb(), 'engine.ceiling', null);
  rt.events.statusChanged();
  if (rt.autoTick) void rt.tick();
}
