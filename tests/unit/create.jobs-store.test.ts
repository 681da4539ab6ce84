/**
 * The UI's job store (lib/stores/jobs.ts): merging events by id, dropping removed ids, never letting an
 * older record or a late list answer win, and keeping the id list's identity across progress events (what
 * keeps a 200-job queue from re-rendering every row on every poll).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../lib/db/job-record';
import type { EngineStatus } from '../../lib/jobs/engine-ops';
import { newJob } from '../../lib/jobs/model';

const sent: { name: string; req: unknown }[] = [];
let answer: (name: string) => unknown = () => null;
const listeners = new Map<string, (payload: unknown) => void>();

vi.mock('../../lib/messaging/transport', () => ({
  send: vi.fn(async (name: string, req: unknown) => {
    sent.push({ name, req });
    return answer(name);
  }),
  listen: vi.fn((name: string, fn: (payload: unknown) => void) => {
    listeners.set(name, fn);
    return () => listeners.delete(name);
  }),
}));

const { ACTIVE_STATES, summarize, useJobs } = await import('../../lib/stores/jobs');

const job = (n: number, patch: Partial<Job> = {}): Job => ({
  ...newJob({
    id: `job_${n}`,
    request: {
      kind: 'video',
      prompt: `prompt ${n}`,
      orientation: 'landscape',
      nFrames: 300,
      model: 'sy_8',
      size: 'small',
      styleId: null,
      cameoIds: [],
    },
    batchId: 'batch_1',
    order: n,
    now: 1000,
  }),
  ...patch,
});

const status: EngineStatus = {
  pause: null,
  ceiling: { setting: 3, learned: null, effective: 3 },
  counts: { queued: 0, paused: 0, submitting: 0, running: 0, resolving: 0, done: 0, failed: 0, canceled: 0 },
  nextWakeAt: null,
  askedUser: 0,
};

beforeEach(() => {
  sent.length = 0;
  listeners.clear();
  useJobs.setState({ jobs: {}, ids: [], status: null, loaded: false, error: null });
});

describe('jobs store', () => {
  it('merges changed records by id and keeps the id list when only progress moves', () => {
    const { applyChange } = useJobs.getState();
    applyChange({ jobs: [job(1), job(2), job(3)], removed: [] });
    const ids = useJobs.getState().ids;
    expect(ids).toEqual(['job_1', 'job_2', 'job_3']);
    const before = useJobs.getState().jobs;

    applyChange({ jobs: [job(2, { state: 'running', progress: 0.4, updatedAt: 2000 })], removed: [] });
    const after = useJobs.getState();
    expect(after.ids).toBe(ids);
    expect(after.jobs.job_2?.progress).toBe(0.4);
    // Untouched records keep their identity: their rows do not re-render.
    expect(after.jobs.job_1).toBe(before.job_1);
    expect(after.jobs.job_3).toBe(before.job_3);
  });

  it('drops removed ids and reorders when the queue order changes', () => {
    const { applyChange } = useJobs.getState();
    applyChange({ jobs: [job(1), job(2), job(3)], removed: [] });
    applyChange({
      jobs: [job(3, { order: 2, updatedAt: 2000 }), job(2, { order: 3, updatedAt: 2000 })],
      removed: ['job_1'],
    });
    expect(useJobs.getState().ids).toEqual(['job_3', 'job_2']);
    expect(useJobs.getState().jobs.job_1).toBeUndefined();
  });

  it('ignores a record older than the one it holds', () => {
    const { applyChange } = useJobs.getState();
    applyChange({ jobs: [job(1, { state: 'done', updatedAt: 5000 })], removed: [] });
    const state = useJobs.getState();
    applyChange({ jobs: [job(1, { state: 'running', updatedAt: 4000 })], removed: [] });
    expect(useJobs.getState()).toBe(state);
    expect(useJobs.getState().jobs.job_1?.state).toBe('done');
  });

  it('hydrates from jobs.list and follows jobs.changed and jobs.status', async () => {
    answer = () => ({ jobs: [job(1), job(2)], status });
    const stop = useJobs.getState().start();
    await vi.waitFor(() => expect(useJobs.getState().loaded).toBe(true));
    expect(sent.map((s) => s.name)).toEqual(['jobs.list']);
    expect(useJobs.getState().ids).toEqual(['job_1', 'job_2']);
    expect(useJobs.getState().status).toEqual(status);

    listeners.get('jobs.changed')?.({ jobs: [job(3)], removed: ['job_1'] });
    expect(useJobs.getState().ids).toEqual(['job_2', 'job_3']);
    const paused = { ...status, pause: { reason: 'daily_limit', since: 1, until: 2, message: 'x' } };
    listeners.get('jobs.status')?.(paused);
    expect(useJobs.getState().status).toEqual(paused);
    stop();
    expect(listeners.size).toBe(0);
  });

  it('asks only for the states it is started with (the popup: what is on Sora now)', async () => {
    answer = () => ({ jobs: [job(2, { state: 'running' })], status });
    const stop = useJobs.getState().start({ states: ACTIVE_STATES });
    await vi.waitFor(() => expect(useJobs.getState().loaded).toBe(true));
    expect(sent).toEqual([{ name: 'jobs.list', req: { states: ['submitting', 'running', 'resolving'] } }]);
    expect(useJobs.getState().ids).toEqual(['job_2']);
    stop();
  });

  it('does not let a late list answer undo events that crossed it', async () => {
    let release: (v: unknown) => void = () => {};
    answer = () => new Promise((resolve) => (release = resolve));
    useJobs.getState().applyChange({ jobs: [job(1)], removed: [] });
    const hydrating = useJobs.getState().hydrate();
    // While the list is in flight: job 1 finishes and is cleared, job 2 moves on, job 4 is added.
    useJobs.getState().applyChange({
      jobs: [job(2, { state: 'running', updatedAt: 3000 }), job(4)],
      removed: ['job_1'],
    });
    release({ jobs: [job(1), job(2), job(3)], status });
    await hydrating;
    const { ids, jobs } = useJobs.getState();
    expect(ids).toEqual(['job_2', 'job_3', 'job_4']);
    expect(jobs.job_2?.state).toBe('running');
  });

  it('keeps a failed request as an error instead of throwing, and counts by group', async () => {
    answer = () => {
      throw Object.assign(new Error('nope'), { code: 'network' });
    };
    await useJobs.getState().cancel('job_1');
    expect(useJobs.getState().error?.message).toBe('nope');
    const counts = summarize({
      a: job(1, { state: 'running' }),
      b: job(2, { state: 'paused' }),
      c: job(3, { state: 'done' }),
      d: job(4, { state: 'failed' }),
      e: job(5, { state: 'canceled' }),
      f: job(6, { state: 'resolving' }),
    });
    expect(counts).toEqual({ running: 2, queued: 1, done: 1, failed: 1 });
  });
});
