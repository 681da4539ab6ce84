/**
 * Connects the job engine to the browser: the message handlers, the events open pages follow, the
 * toolbar badge, notifications, and the wake-ups (a short timer inside the engine while something runs,
 * plus a 30-second alarm as the backstop for a stopped service worker).
 */
import { browser } from 'wxt/browser';
import { getFile } from '../db/files';
import type { Job, PauseReason } from '../db/job-record';
import { getDb, isReadOnlyDb } from '../db/schema';
import { createEngine, type Engine } from '../jobs/engine';
import { checkStartImageBytes, checkStates } from '../jobs/input';
import { createSoraPort } from '../jobs/sora-port';
import { emit, type PartialHandlers } from '../messaging/transport';
import { loadSettings } from '../settings';
import type { SoraHttp } from '../sora/http';
import type { PatienceWaits } from '../util/patience';
import { persistedWorker } from './backstop';
import { defineFeature } from './feature';
import { engineWaits, followPatience } from './patience';

export const ENGINE_ALARM = 'jobs.engine';

export interface JobsBackgroundHooks {
  /** A tick failed (quota refusals are shown to the user from here). */
  onTickError?: (e: unknown) => void;
  onTickOk?: () => void;
  /** The user's patience as waits (./patience.ts); its own follower when not given. */
  waits?: () => Promise<PatienceWaits>;
}

export function createJobsBackground(http: SoraHttp, hooks: JobsBackgroundHooks = {}) {
  const engine: Engine = createEngine({
    db: getDb,
    port: createSoraPort(http),
    ceiling: async () => (await loadSettings()).concurrency,
    waits: engineWaits(hooks.waits ?? followPatience()),
    onError: (e) => {
      console.warn('[jobs] tick failed', e);
      hooks.onTickError?.(e);
    },
    onTickOk: hooks.onTickOk,
  });

  async function refreshStatus(): Promise<void> {
    const status = await engine.status();
    void emit('jobs.status', status);
    const active = status.counts.submitting + status.counts.running + status.counts.resolving;
    await browser.action.setBadgeText({ text: active > 0 ? String(active) : '' });
    await browser.action.setBadgeBackgroundColor({ color: status.pause ? '#a15c00' : '#3b5bdb' });
  }

  // The alarm keeps the queue alive across service-worker stops; no alarm when nothing is open.
  const runner = persistedWorker(ENGINE_ALARM, {
    label: 'jobs',
    tick: () => engine.tick(),
    isOpen: () => engine.hasOpenWork(),
    // A newer version's database (read-only): the engine could record nothing, so it does not poll Sora. Any
    // other failure to open is the tick's to meet (it re-arms itself).
    canRun: () =>
      getDb().then(
        (db) => !isReadOnlyDb(db),
        () => true,
      ),
    afterTick: refreshStatus,
  });
  const statusChanged = () => {
    void refreshStatus().catch(() => {});
    runner.changed();
  };

  async function notify(id: string, title: string, message: string): Promise<void> {
    if (!(await loadSettings()).notifications) return;
    await browser.notifications.create(id, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      message,
    });
  }

  // The badge counts running jobs; job changes come in bursts (a poll updates many), so one refresh
  // per burst is enough.
  let badgeRefreshPending = false;
  engine.onJobsChanged((change) => {
    void emit('jobs.changed', change);
    if (badgeRefreshPending) return;
    badgeRefreshPending = true;
    setTimeout(() => {
      badgeRefreshPending = false;
      statusChanged();
    }, 250);
  });
  engine.onStatusChanged(statusChanged);
  engine.onJobFailed((job: Job) => {
    void notify(
      `job-failed-${job.id}`,
      'A Sora job failed',
      `${job.request.prompt.slice(0, 80)}\n${job.lastError?.message ?? ''}`,
    );
  });
  engine.onBatchFinished((batchId, counts) => {
    const text = `${counts.done} done, ${counts.failed} failed, ${counts.canceled} canceled`;
    void notify(`batch-${batchId}`, 'Your Sora batch is finished', text);
  });

  const handlers = {
    'jobs.enqueue': async ({ inputs }) => {
      // Read before the queue's transaction, which cannot wait on a Blob.
      await checkStartImageBytes(inputs, async (id) => (await getFile(await getDb(), id))?.blob);
      return { jobs: await engine.enqueue(inputs) };
    },
    'jobs.list': async ({ states }) => ({
      jobs: await engine.list({ states: checkStates(states) }),
      status: await engine.status(),
    }),
    'jobs.cancel': async ({ ids }) => ({ jobs: await engine.cancel(ids) }),
    'jobs.retry': async ({ ids }) => ({ jobs: await engine.retry(ids) }),
    'jobs.sendAgain': async ({ ids }) => ({ jobs: await engine.sendAgain(ids) }),
    'jobs.move': async ({ id, direction }) => {
      await engine.move(id, direction);
      return null;
    },
    'jobs.clearFinished': async () => ({ removed: await engine.clearFinished() }),
    'jobs.pause': async () => {
      await engine.pause();
      return engine.status();
    },
    'jobs.resume': async () => {
      await engine.resume();
      return engine.status();
    },
  } satisfies PartialHandlers;

  return {
    engine,
    handlers,
    /** Called on every wake-up: install, startup, any message, the alarm. Cheap when there is nothing to do. */
    wake: runner.wake,
    alarms: runner.alarms,
  };
}

/**
 * The queue in the background. Its resume policy: a pause ends at once when what caused it is seen to be
 * over elsewhere, instead of at the engine's next re-check.
 */
export const jobsFeature = defineFeature((ctx) => {
  const jobs = createJobsBackground(ctx.http, {
    onTickError: (e) => ctx.signal('tick.failed', e),
    onTickOk: () => ctx.signal('tick.ok', null),
    waits: ctx.services.waits,
  });
  const resume = (reasons: readonly PauseReason[]) => void jobs.engine.resume(reasons);
  return {
    handlers: jobs.handlers,
    events: ['jobs.changed', 'jobs.status'],
    alarms: jobs.alarms,
    wake: jobs.wake,
    on: {
      // The allowance came back (seen in the popup or after the reset).
      'account.changed': (snapshot) => {
        const quota = snapshot.status === 'ok' && !snapshot.error ? snapshot.quota : null;
        if (quota && !quota.rateLimitReached && quota.remaining > 0) resume(['daily_limit']);
      },
      // Sora answers again (seen by any call, e.g. the popup's refresh).
      'service.changed': (status) => {
        if (status.state === 'answering') resume(['service_unavailable']);
      },
      'auth.changed': (state) => {
        if (state.status !== 'logged_out') resume(['logged_out']);
      },
      'sentinel.possible': () => resume(['sentinel_unavailable']),
    },
  };
});
