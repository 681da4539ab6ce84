/**
 * The UI's copy of the job queue: hydrated by `jobs.list`, kept live by the background's `jobs.changed` and
 * `jobs.status` events. Records are kept by id and replaced only when they change, and the id list keeps
 * its identity unless the set or the order of jobs changes, so a progress event re-renders one row, not the
 * list (components select `jobs[id]` per row and `ids` for the list).
 */
import { create } from 'zustand';
import type { Job } from '../db/job-record';
import { JOB_STATES, type JobState } from '../db/job-record';
import type { EngineStatus } from '../jobs/engine-ops';
import type { JobsChanged } from '../jobs/engine-steps';
import type { JobInput } from '../jobs/input';
import type { MoveDirection } from '../jobs/queue';
import { isFinal } from '../jobs/states';
import { listen, send } from '../messaging/transport';
import { type SerializedError, toSerializedError } from '../sora/errors';

export interface ListScope {
  states?: JobState[];
}

export interface JobsState {
  jobs: Readonly<Record<string, Job>>;
  /** Ids in queue order. */
  ids: readonly string[];
  status: EngineStatus | null;
  loaded: boolean;
  /** The last failed request (list or an action), for a notice. */
  error: SerializedError | null;
  /**
   * Hydrate and follow the events; returns the unsubscribe. With `states`, only jobs in those states are
   * listed (events still bring any job that changes, so filter what you show).
   */
  start(scope?: ListScope): () => void;
  hydrate(scope?: ListScope): Promise<void>;
  applyChange(change: JobsChanged): void;
  enqueue(inputs: JobInput[]): Promise<Job[]>;
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  /** "Send again" for a job that may already be on Sora ("Drop" is `cancel`). */
  sendAgain(id: string): Promise<void>;
  move(id: string, direction: MoveDirection): Promise<void>;
  clearFinished(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  dismissError(): void;
}

/** A record wins over the one we hold only when it is at least as new (events and a list can cross). */
const newer = (incoming: Job, held: Job | undefined) => !held || incoming.updatedAt >= held.updatedAt;

function orderedIds(jobs: Readonly<Record<string, Job>>): string[] {
  return Object.values(jobs)
    .sort((a, b) => a.order - b.order)
    .map((j) => j.id);
}

/**
 * What events did while a list request was in flight: the answer must not bring back a removed job, nor
 * drop one that was added after the list was read.
 */
let inFlight: { removed: Set<string>; touched: Set<string> } | null = null;

export const useJobs = create<JobsState>((set, get) => {
  async function act(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      set({ error: toSerializedError(e) });
    }
  }

  return {
    jobs: {},
    ids: [],
    status: null,
    loaded: false,
    error: null,

    start(scope) {
      const stops = [
        listen('jobs.changed', (change) => get().applyChange(change)),
        listen('jobs.status', (status) => set({ status })),
      ];
      void get().hydrate(scope);
      return () => {
        for (const stop of stops) stop();
      };
    },

    async hydrate(scope = {}) {
      const events = { removed: new Set<string>(), touched: new Set<string>() };
      inFlight = events;
      try {
        const { jobs: listed, status } = await send('jobs.list', scope);
        const held = get().jobs;
        const jobs: Record<string, Job> = {};
        for (const job of listed) {
          if (events.removed.has(job.id)) continue;
          const mine = held[job.id];
          jobs[job.id] = mine && !newer(job, mine) ? mine : job;
        }
        for (const id of events.touched) {
          const job = held[id];
          if (job && !(id in jobs)) jobs[id] = job;
        }
        set({ jobs, ids: orderedIds(jobs), status, loaded: true, error: null });
      } catch (e) {
        set({ loaded: true, error: toSerializedError(e) });
      } finally {
        if (inFlight === events) inFlight = null;
      }
    },

    applyChange({ jobs: changed, removed }) {
      const state = get();
      let jobs: Record<string, Job> | null = null;
      let reorder = false;
      for (const job of changed) {
        const held = (jobs ?? state.jobs)[job.id];
        if (!newer(job, held)) continue;
        inFlight?.touched.add(job.id);
        jobs ??= { ...state.jobs };
        jobs[job.id] = job;
        if (!held || held.order !== job.order) reorder = true;
      }
      for (const id of removed) {
        inFlight?.removed.add(id);
        if ((jobs ?? state.jobs)[id] === undefined) continue;
        jobs ??= { ...state.jobs };
        delete jobs[id];
        reorder = true;
      }
      if (!jobs) return;
      set(reorder ? { jobs, ids: orderedIds(jobs) } : { jobs });
    },

    async enqueue(inputs) {
      const { jobs } = await send('jobs.enqueue', { inputs });
      get().applyChange({ jobs, removed: [] });
      return jobs;
    },

    cancel: (id) =>
      act(async () =>
        get().applyChange({ jobs: (await send('jobs.cancel', { ids: [id] })).jobs, removed: [] }),
      ),
    retry: (id) =>
      act(async () =>
        get().applyChange({ jobs: (await send('jobs.retry', { ids: [id] })).jobs, removed: [] }),
      ),
    sendAgain: (id) =>
      act(async () =>
        get().applyChange({ jobs: (await send('jobs.sendAgain', { ids: [id] })).jobs, removed: [] }),
      ),
    move: (id, direction) => act(() => send('jobs.move', { id, direction })),
    clearFinished: () =>
      act(async () => {
        await send('jobs.clearFinished', {});
        // The background deletes every final job; drop them now rather than wait for the event.
        const removed = Object.values(get().jobs)
          .filter((j) => isFinal(j.state))
          .map((j) => j.id);
        get().applyChange({ jobs: [], removed });
      }),
    pause: () => act(async () => set({ status: await send('jobs.pause', {}) })),
    resume: () => act(async () => set({ status: await send('jobs.resume', {}) })),
    dismissError: () => set({ error: null }),
  };
});

export type SummaryGroup = 'running' | 'queued' | 'done' | 'failed';

const GROUP_OF: Record<JobState, SummaryGroup | null> = {
  queued: 'queued',
  paused: 'queued',
  submitting: 'running',
  running: 'running',
  resolving: 'running',
  done: 'done',
  failed: 'failed',
  canceled: null,
};

export const isActive = (state: JobState): boolean => GROUP_OF[state] === 'running';

/** The states the popup lists: what is on Sora now. */
export const ACTIVE_STATES: JobState[] = JOB_STATES.filter(isActive);

/** Counts for the summary line, from the jobs themselves (always in step with the rows). */
export function summarize(jobs: Readonly<Record<string, Job>>): Record<SummaryGroup, number> {
  const counts: Record<SummaryGroup, number> = { running: 0, queued: 0, done: 0, failed: 0 };
  for (const job of Object.values(jobs)) {
    const group = GROUP_OF[job.state];
    if (group) counts[group]++;
  }
  return counts;
}
