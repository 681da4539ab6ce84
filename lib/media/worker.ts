/**
 * Runs the publish-and-download jobs of ./model.ts. Every decision is re-checked against the stored record
 * in one IndexedDB transaction, and every step can be repeated after a service-worker stop: `tick()` looks
 * at the stored jobs and does the next thing for each, whatever happened before.
 *
 * Files never pass through the extension: URLs go straight to the browser's download manager.
 *
 * This is the composition: wake-ups (`tick`, one timer for the next due job), the concurrent slots and the
 * steps in flight. What the parts do lives beside it: ./context.ts (what they are given), ./repo.ts (the
 * stored jobs, posts and items), ./steps.ts and the step of each state (./publish.ts with ./lookup.ts,
 * ./resolve.ts, ./download.ts, ./unpublish.ts), ./commands.ts (the user's commands on jobs), ./posts.ts
 * (share links and the posts still online).
 */

import type { DownloadJob, DownloadMode } from '../db/download-record';
import { DEFAULT_PATIENCE_WAITS } from '../util/patience';
import { cancelDownloads, enqueueDownloads, publishAgain, wakeJobsOnHost } from './commands';
import type { MediaContext, MediaPorts, MediaWaits } from './context';
import { ACTIVE_DOWNLOAD_STATES } from './model';
import { deleteRecordedPost, shareItem, unpublishItem } from './posts';
import { applyEvent, listJobs, listPosts, openJobs, removeFinishedJobs } from './repo';
import { runStep } from './steps';

// The worker's deps name these types: lib/background builds them from the browser's APIs.

export interface MediaDeps extends MediaPorts {
  /**
   * The waits that follow the user's "wait for Sora to answer" setting, read before every run (a change
   * applies to the next wait). Default: {@link WAIT_MS} and {@link PUBLISH_SETTLE_MS}. A failed read keeps
   * the last ones.
   */
  waits?: () => MediaWaits | Promise<MediaWaits>;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** Downloads at once (publish, resolve and download steps together). Default 2. */
  concurrency?: number;
}

export const DEFAULT_DOWNLOAD_CONCURRENCY = 2;

/**
 * How long a step waits on a DOWNLOAD_WAIT_CODES refusal before looking again. The default of the user's
 * setting (lib/util/patience.ts `recheckMs`).
 */
export const WAIT_MS = DEFAULT_PATIENCE_WAITS.recheckMs;

/**
 * A publish sent this recently may still be under way on Sora's side (a stopped worker's request outlives
 * it on the server): "not in your posts" is believed only once the send is this old. Longer than the
 * request core's timeout; the default of the user's setting (lib/util/patience.ts `publishSettleMs`).
 */
export const PUBLISH_SETTLE_MS = DEFAULT_PATIENCE_WAITS.publishSettleMs;

/** Starts the queued jobs that are due, oldest first, into the free slots; returns the jobs holding one. */
async function fillSlots(
  ctx: MediaContext,
  jobs: readonly DownloadJob[],
  t: number,
  concurrency: number,
): Promise<DownloadJob[]> {
  const active = jobs.filter((j) => ACTIVE_DOWNLOAD_STATES.includes(j.state));
  const waiting = jobs
    .filter((j) => j.state === 'queued' && j.nextAttemptAt <= t)
    .sort((a, b) => a.createdAt - b.createdAt || a.index - b.index);
  for (const q of waiting.slice(0, Math.max(0, concurrency - active.length))) {
    const started = await applyEvent(ctx, q.id, { type: 'start' });
    if (started) active.push(started);
  }
  return active;
}

export function createMediaWorker(deps: MediaDeps) {
  const setTimer =
    deps.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  const concurrency = deps.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY;
  let waits: MediaWaits = { waitMs: WAIT_MS, publishSettleMs: PUBLISH_SETTLE_MS };
  const ctx: MediaContext = {
    deps,
    waits: () => waits,
    now: deps.now ?? Date.now,
    random: deps.random ?? Math.random,
  };
  /** Steps running in this worker's life (a stopped worker loses them; the stored state says what to redo). */
  const inFlight = new Map<string, Promise<void>>();
  let ticking: Promise<void> | null = null;
  let again = false;
  let cancelTimer: (() => void) | null = null;

  /** Background ticks: a failure is logged, the next wake-up tries again. */
  const kick = () =>
    void tick().catch((e: unknown) =>
      console.warn('downloads tick failed', e instanceof Error ? e.message : e),
    );

  /** Wakes the steps after a command changed the jobs. */
  const thenKick = async <T>(done: Promise<T>): Promise<T> => {
    const result = await done;
    kick();
    return result;
  };

  async function runOnce(): Promise<void> {
    if (deps.waits) {
      try {
        waits = await deps.waits();
      } catch {
        // Keep the waits last read: a passing storage hiccup must not stop the downloads.
      }
    }
    const jobs = await openJobs(ctx);
    const t = ctx.now();
    const active = await fillSlots(ctx, jobs, t, concurrency);
    let nextWake = Number.POSITIVE_INFINITY;
    for (const job of active) {
      if (inFlight.has(job.id)) continue;
      if (job.nextAttemptAt > t) {
        nextWake = Math.min(nextWake, job.nextAttemptAt);
        continue;
      }
      const running = runStep(ctx, job)
        .catch((e: unknown) => console.warn('download step failed', e instanceof Error ? e.message : e))
        .finally(() => {
          inFlight.delete(job.id);
          kick();
        });
      inFlight.set(job.id, running);
    }
    for (const job of jobs)
      if (job.state === 'queued' && job.nextAttemptAt > t) nextWake = Math.min(nextWake, job.nextAttemptAt);
    cancelTimer?.();
    cancelTimer = Number.isFinite(nextWake) ? setTimer(kick, Math.max(0, nextWake - t)) : null;
  }

  /** Does the next thing for every open job. Cheap when nothing is open; calls made during a run coalesce. */
  function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again);
    })().finally(() => {
      ticking = null;
    });
    return ticking;
  }

  /** For tests and the benchmark: ticks until no step is running. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await tick();
      if (inFlight.size === 0) return;
      await Promise.all([...inFlight.values()]);
    }
  }

  return {
    enqueue: (itemIds: readonly string[], mode: DownloadMode): Promise<DownloadJob[]> =>
      thenKick(enqueueDownloads(ctx, itemIds, mode)),
    list: (): Promise<DownloadJob[]> => listJobs(ctx),
    listPosts: () => listPosts(ctx),
    deleteRecordedPost: (postId: string) => deleteRecordedPost(ctx, postId),
    publishAgain: (ids: readonly string[]): Promise<DownloadJob[]> => thenKick(publishAgain(ctx, ids)),
    cancel: (ids: readonly string[]): Promise<DownloadJob[]> => thenKick(cancelDownloads(ctx, ids)),
    clearFinished: (): Promise<number> => removeFinishedJobs(ctx),
    share: (itemId: string) => shareItem(ctx, itemId),
    unpublishItem: (itemId: string) => unpublishItem(ctx, itemId),
    tick,
    settle,
    openJobs: (): Promise<DownloadJob[]> => openJobs(ctx),
    hostConfirmed: (host: string): Promise<DownloadJob[]> => thenKick(wakeJobsOnHost(ctx, host)),
  };
}

export type MediaWorker = ReturnType<typeof createMediaWorker>;
