import { describe, expect, it } from 'vitest';
import { JOB_STATES, type Job, type JobState } from '../../lib/db/job-record';
import { DEFAULT_ENGINE_OPTIONS } from '../../lib/jobs/context';
import { toRequest } from '../../lib/jobs/input';
import { initialPollState, type JobEvent, newJob, normalizePrompt, transition } from '../../lib/jobs/model';
import { earliestFinish, nextReadAt, resolveFromDrafts, taskFailure } from '../../lib/jobs/poller';
import {
  computeNextWake,
  decideSubmitError,
  effectiveCeiling,
  learnCeiling,
  occupiedSlots,
  pickSubmissions,
  retryDelayMs,
} from '../../lib/jobs/scheduler';
import { SoraError } from '../../lib/sora/errors';

const T = 1_700_000_000_000;

function job(state: JobState, patch: Partial<Job> = {}): Job {
  const base = newJob({
    id: 'job_1',
    request: toRequest({ kind: 'video', prompt: 'a cat' }),
    batchId: 'batch_1',
    order: 1,
    now: T,
  });
  return { ...base, state, ...patch };
}

const EVENTS: JobEvent[] = [
  { type: 'submit' },
  { type: 'uploaded', uploadId: 'u1' },
  { type: 'createSent' },
  { type: 'created', taskId: 'task_1' },
  { type: 'matched', taskId: 'task_1', finished: false },
  { type: 'uncertain', error: { code: 'network', message: 'x' } },
  { type: 'requeue', delayMs: 100, burnAttempt: true },
  { type: 'progress', progress: 0.5 },
  { type: 'taskLeft' },
  { type: 'taskBack' },
  { type: 'resolved', result: { generations: [] } },
  { type: 'fail', error: { code: 'bad_request', message: 'no' } },
  { type: 'pause', reason: 'daily_limit' },
  { type: 'unpause' },
  { type: 'cancel' },
  { type: 'retry' },
  { type: 'reorder', order: 5 },
];

/** Which events apply in which state (everything else must be refused with null). */
const ALLOWED: Record<JobState, JobEvent['type'][]> = {
  queued: ['submit', 'fail', 'pause', 'cancel', 'reorder'],
  paused: ['fail', 'unpause', 'cancel', 'reorder'],
  submitting: ['uploaded', 'createSent', 'created', 'matched', 'uncertain', 'requeue', 'fail', 'cancel'],
  running: ['progress', 'taskLeft', 'resolved', 'fail', 'cancel'],
  resolving: ['taskBack', 'resolved', 'fail', 'cancel'],
  done: [],
  failed: ['retry'],
  // Only to record the task id of a create that was in flight when the user canceled.
  canceled: ['retry', 'created'],
};

describe('job state machine', () => {
  it.each(JOB_STATES)('from %s accepts exactly the allowed events', (state) => {
    for (const event of EVENTS) {
      const next = transition(job(state, { progress: 0.1 }), event, T + 1);
      expect(next === null ? 'refused' : 'applied', `${state} + ${event.type}`).toBe(
        ALLOWED[state].includes(event.type) ? 'applied' : 'refused',
      );
    }
  });

  it('walks the happy path queued → submitting → running → resolving → done', () => {
    let j: Job | null = job('queued');
    j = transition(j, { type: 'submit' }, T + 1);
    expect(j).toMatchObject({ state: 'submitting', submittedAt: T + 1, createSentAt: null });
    j = transition(j!, { type: 'createSent' }, T + 1.5);
    expect(j).toMatchObject({ state: 'submitting', createSentAt: T + 1.5 });
    // A second send inside the same call (a refused token) keeps the first moment.
    expect(transition(j!, { type: 'createSent' }, T + 1.8)).toMatchObject({ createSentAt: T + 1.5 });
    j = transition(j!, { type: 'created', taskId: 'task_9' }, T + 2);
    expect(j).toMatchObject({ state: 'running', taskId: 'task_9', attempts: 1, runningAt: T + 2 });
    j = transition(j!, { type: 'progress', progress: 0.4 }, T + 3);
    expect(j?.progress).toBe(0.4);
    j = transition(j!, { type: 'taskLeft' }, T + 4);
    expect(j).toMatchObject({ state: 'resolving', resolvingSince: T + 4 });
    const result = { generations: [{ generationId: 'gen_1', url: 'https://v/x.mp4' }] };
    j = transition(j!, { type: 'resolved', result }, T + 5);
    expect(j).toMatchObject({ state: 'done', finishedAt: T + 5, progress: 1, result });
  });

  it('requeue clears the create markers and counts the attempt only when asked', () => {
    const sub = job('submitting', { createSentAt: T, submittedAt: T, createUncertain: true, attempts: 2 });
    const free = transition(sub, { type: 'requeue', delayMs: 5000, burnAttempt: false }, T + 10);
    expect(free).toMatchObject({ state: 'queued', attempts: 2, nextAttemptAt: T + 5010, createSentAt: null });
    expect(free?.createUncertain).toBe(false);
    const burnt = transition(
      sub,
      { type: 'requeue', delayMs: 0, burnAttempt: true, error: { code: 'heavy_load', message: 'busy' } },
      T,
    );
    expect(burnt).toMatchObject({ attempts: 3, lastError: { code: 'heavy_load', message: 'busy', at: T } });
  });

  it('retry starts over with fresh attempts and no result', () => {
    const failed = job('failed', {
      attempts: 8,
      taskId: 'task_1',
      lastError: { code: 'heavy_load', message: 'x', at: T },
      finishedAt: T,
    });
    expect(transition(failed, { type: 'retry' }, T + 1)).toMatchObject({
      state: 'queued',
      attempts: 0,
      taskId: null,
      lastError: null,
      finishedAt: null,
    });
  });

  it('a progress event that changes nothing writes nothing', () => {
    expect(transition(job('running', { progress: 0.3 }), { type: 'progress', progress: 0.3 }, T)).toBeNull();
  });

  it('normalizes prompts for matching', () => {
    expect(normalizePrompt('  a   cat\n on a  mat ')).toBe('a cat on a mat');
    expect(normalizePrompt(null)).toBe('');
  });
});

describe('input checks', () => {
  it('fills defaults and normalizes the remix target link', () => {
    expect(toRequest({ kind: 'video', prompt: ' a dog ' })).toEqual({
      kind: 'video',
      prompt: 'a dog',
      orientation: 'landscape',
      nFrames: 300,
      model: 'sy_8',
      size: 'small',
      styleId: null,
      cameoIds: [],
    });
    const id = `s_${'a'.repeat(32)}`;
    expect(
      toRequest({ kind: 'remix', prompt: 'x', remixTarget: `https://sora.chatgpt.com/p/${id}` }),
    ).toMatchObject({
      remixTargetId: id,
    });
  });

  it.each([
    [{ kind: 'video', prompt: '   ' }, /prompt is empty/],
    [{ kind: 'video', prompt: 'x', nFrames: 123 }, /length/],
    [{ kind: 'remix', prompt: 'x', remixTarget: 'https://example.com/p/s_1' }, /remix target/],
    [{ kind: 'image', prompt: 'x', nVariants: 0 }, /number of images/],
    [{ kind: 'video', prompt: 'x', styleId: 'nope' }, /style/],
  ])('refuses %j', (input, message) => {
    expect(() => toRequest(input as never)).toThrow(message);
  });
});

describe('scheduler decisions', () => {
  const opts = DEFAULT_ENGINE_OPTIONS;

  it('uses the setting unless a learned ceiling is lower and still fresh', () => {
    expect(effectiveCeiling(3, null, T, 1000)).toBe(3);
    expect(effectiveCeiling(3, { value: 2, learnedAt: T }, T + 10, 1000)).toBe(2);
    expect(effectiveCeiling(3, { value: 2, learnedAt: T }, T + 2000, 1000)).toBe(3);
    expect(effectiveCeiling(2, { value: 5, learnedAt: T }, T, 1000)).toBe(2);
    expect(effectiveCeiling(0, null, T, 1000)).toBe(3);
  });

  it('learns from num_tasks, else lowers by what was provably running', () => {
    expect(learnCeiling(2, 5, 3)).toBe(2);
    expect(learnCeiling(null, 2, 3)).toBe(2);
    expect(learnCeiling(null, 0, 3)).toBe(1);
    expect(learnCeiling(null, 5, 3)).toBe(2);
  });

  it('counts our creates, our running tasks and foreign unfinished tasks as taken slots', () => {
    const open = [
      job('running', { id: 'a', taskId: 'task_a' }),
      job('submitting', { id: 'b' }),
      job('resolving', { id: 'c', taskId: 'task_c' }),
      job('queued', { id: 'd' }),
    ];
    const snapshot = {
      at: T,
      tasks: [
        { id: 'task_a', status: 'running', prompt: null, progress: null },
        { id: 'task_x', status: 'queued', prompt: null, progress: null },
        { id: 'task_y', status: 'failed', prompt: null, progress: null },
      ],
    };
    expect(occupiedSlots(open, snapshot, T, 30_000)).toBe(3);
    // A stale list is not trusted for foreign tasks.
    expect(occupiedSlots(open, snapshot, T + 60_000, 30_000)).toBe(2);
  });

  it('picks due queued jobs in queue order', () => {
    const open = [
      job('queued', { id: 'late', order: 1, nextAttemptAt: T + 1000 }),
      job('queued', { id: 'b', order: 3 }),
      job('queued', { id: 'a', order: 2 }),
      job('paused', { id: 'p', order: 0 }),
    ];
    expect(pickSubmissions(open, 5, T).map((j) => j.id)).toEqual(['a', 'b']);
    expect(pickSubmissions(open, 1, T).map((j) => j.id)).toEqual(['a']);
    expect(pickSubmissions(open, 0, T)).toEqual([]);
  });

  it('maps every answer to the right decision', () => {
    const j = job('submitting', { attempts: 0 });
    const decide = (e: unknown, phase: 'upload' | 'create' = 'create') =>
      decideSubmitError(e, j, phase, opts, () => 0);
    expect(decide(new SoraError('too_many_concurrent', 'x', { numTasks: 3 }))).toMatchObject({
      action: 'too_many',
      numTasks: 3,
    });
    expect(decide(new SoraError('daily_limit', 'x'))).toMatchObject({
      action: 'pause',
      reason: 'daily_limit',
    });
    expect(decide(new SoraError('logged_out', 'x'))).toMatchObject({ action: 'pause', reason: 'logged_out' });
    expect(decide(new SoraError('auth_expired', 'x'))).toMatchObject({
      action: 'pause',
      reason: 'logged_out',
    });
    expect(decide(new SoraError('heavy_load', 'x'))).toMatchObject({
      action: 'requeue',
      burnAttempt: true,
      delayMs: opts.backoffBaseMs / 2,
    });
    expect(decide(new SoraError('rate_limited', 'x', { retryAfterMs: 42_000 }))).toMatchObject({
      action: 'requeue',
      delayMs: 42_000,
    });
    expect(decide(new SoraError('network', 'x'))).toMatchObject({ action: 'uncertain' });
    expect(decide(new SoraError('timeout', 'x'))).toMatchObject({ action: 'uncertain' });
    expect(decide(new SoraError('server_error', 'x'))).toMatchObject({ action: 'uncertain' });
    // An upload that failed cannot have started a task: plain backoff.
    expect(decide(new SoraError('network', 'x'), 'upload')).toMatchObject({
      action: 'requeue',
      burnAttempt: true,
    });
    expect(decide(new SoraError('sentinel_rejected', 'x'))).toMatchObject({
      action: 'requeue',
      burnAttempt: false,
      sentinelRejected: true,
    });
    expect(
      decideSubmitError(
        new SoraError('sentinel_rejected', 'x'),
        { ...j, sentinelRejections: 2 },
        'create',
        opts,
        () => 0,
      ),
    ).toMatchObject({ action: 'fail' });
    for (const code of ['unsupported_country', 'bad_request', 'policy_violation', 'not_found'] as const) {
      expect(decide(new SoraError(code, 'x'))).toMatchObject({ action: 'fail', error: { code } });
    }
    expect(
      decideSubmitError(
        new SoraError('heavy_load', 'x'),
        { ...j, attempts: opts.maxAttempts - 1 },
        'create',
        opts,
        () => 0,
      ),
    ).toMatchObject({ action: 'fail' });
  });

  it('backs off exponentially with jitter from the injected random', () => {
    const at = (attempts: number, r: number) =>
      decideSubmitError(
        new SoraError('heavy_load', 'x'),
        job('submitting', { attempts }),
        'create',
        opts,
        () => r,
      );
    expect(at(0, 0)).toMatchObject({ delayMs: 2500 });
    expect(at(0, 1)).toMatchObject({ delayMs: 5000 });
    expect(at(1, 0)).toMatchObject({ delayMs: 5000 });
    expect(at(2, 0.5)).toMatchObject({ delayMs: 15_000 });
    expect(at(6, 1)).toMatchObject({ delayMs: 320_000 });
    expect(retryDelayMs(12, undefined, opts, () => 1)).toBe(opts.backoffMaxMs);
  });

  it('sleeps when idle and wakes for polls, due jobs and the end of a pause', () => {
    const poll = { ...initialPollState(), nextPendingAt: T + 2500 };
    const base = { poll, free: 3, inflight: new Set<string>(), now: T, snapshotFresh: true };
    expect(computeNextWake({ ...base, open: [], pause: null })).toBeNull();
    expect(computeNextWake({ ...base, open: [job('running', { taskId: 't' })], pause: null })).toBe(T + 2500);
    expect(computeNextWake({ ...base, open: [job('queued', { nextAttemptAt: T + 900 })], pause: null })).toBe(
      T + 900,
    );
    expect(
      computeNextWake({
        ...base,
        open: [job('paused')],
        pause: { reason: 'daily_limit', since: T, until: T + 3_600_000 },
      }),
    ).toBe(T + 3_600_000);
    // Logged out: nothing until resume() (no polls either).
    expect(
      computeNextWake({
        ...base,
        open: [job('running', { taskId: 't' })],
        pause: { reason: 'logged_out', since: T, until: null },
      }),
    ).toBeNull();
  });
});

describe('aiming reads at expected ends', () => {
  const prev = (progress: number | null, at = T) => ({
    at,
    tasks: [{ id: 't', status: 'running', prompt: null, progress }],
  });
  const now = (progress: number | null) => [{ id: 't', status: 'running', prompt: null, progress }];

  it('estimates the end from the progress rate between two reads', () => {
    // 0.6 → 0.7 in 2.5 s: 0.3 left → 7.5 s.
    expect(earliestFinish(prev(0.6), now(0.7), T + 2500)).toBeCloseTo(T + 2500 + 7500);
    expect(earliestFinish(null, now(0.7), T)).toBeNull();
    expect(earliestFinish(prev(0.2), now(0.3), T + 2500)).toBeNull();
    expect(earliestFinish(prev(0.7), now(0.7), T + 2500)).toBeNull();
    expect(earliestFinish(prev(null), now(0.7), T + 2500)).toBeNull();
  });

  it('moves the next read to just after an end expected in the interval after next, never closer', () => {
    expect(nextReadAt(T, 2500, null, 300)).toBe(T + 2500);
    // End before the next regular read: nothing to gain.
    expect(nextReadAt(T, 2500, T + 1000, 300)).toBe(T + 2500);
    // End 3.5 s away: read at 3.5 s + margin (15 % of 3.5 s) instead of 2.5 s.
    expect(nextReadAt(T, 2500, T + 3500, 300)).toBe(T + 3500 + 525);
    // Too far: the regular cadence.
    expect(nextReadAt(T, 2500, T + 6000, 300)).toBe(T + 2500);
  });
});

describe('reading results', () => {
  const ready = {
    generationId: 'gen_1',
    taskId: 't',
    prompt: 'p',
    createdAt: T,
    state: 'ready' as const,
    url: 'u',
  };
  it('waits for URLs, then takes the ready ones; a violation is final', () => {
    expect(resolveFromDrafts([], false)).toEqual({ kind: 'wait', why: 'no_draft' });
    expect(resolveFromDrafts([{ ...ready, state: 'no_url_yet', url: undefined }], false)).toEqual({
      kind: 'wait',
      why: 'no_url',
    });
    expect(resolveFromDrafts([ready], false)).toMatchObject({
      kind: 'done',
      generations: [{ generationId: 'gen_1' }],
    });
    expect(
      resolveFromDrafts(
        [ready, { ...ready, generationId: 'gen_2', state: 'no_url_yet', url: undefined }],
        true,
      ),
    ).toMatchObject({ kind: 'done', generations: [{ generationId: 'gen_1' }] });
    expect(resolveFromDrafts([{ ...ready, state: 'violation', reason: 'Nope.' }], false)).toEqual({
      kind: 'violation',
      reason: 'Nope.',
    });
  });

  it('reads a failed task as a policy violation only when it says so', () => {
    expect(taskFailure('This content violates our policies', 'video').code).toBe('policy_violation');
    expect(taskFailure('GPU fell over', 'video')).toEqual({ code: 'task_failed', message: 'GPU fell over' });
    expect(taskFailure(null, 'image').message).toMatch(/could not make this image/);
  });
});
