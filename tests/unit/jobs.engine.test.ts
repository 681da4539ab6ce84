import { afterEach, describe, expect, it, vi } from 'vitest';
import { getHistoryByTask, listHistory } from '../../lib/db/history';
import type { Job } from '../../lib/db/job-record';
import { getMeta } from '../../lib/db/meta';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import type { EngineOptions, PatienceOptions } from '../../lib/jobs/context';
import { createEngine, type Engine } from '../../lib/jobs/engine';
import type { JobInput } from '../../lib/jobs/input';
import { isFinal } from '../../lib/jobs/states';
import { SoraError } from '../../lib/sora/errors';
import { createFakeSora, createManualClock, type FakeSoraOptions, runFor, runUntil } from './fakes/jobs';

const T0 = Date.UTC(2025, 0, 1);
let dbCount = 0;
const open: CompanionDb[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

interface SetupOptions {
  sora?: Omit<FakeSoraOptions, 'now'>;
  options?: Partial<EngineOptions>;
  waits?: () => PatienceOptions;
  ceiling?: number;
  random?: () => number;
  db?: CompanionDb;
}

async function setup(o: SetupOptions = {}) {
  const db = o.db ?? (await openCompanionDb({ name: `jobs-engine-${++dbCount}` }));
  open.push(db);
  const clock = createManualClock(T0);
  const sora = createFakeSora({ now: clock.now, ...o.sora });
  const make = (port = sora.port) =>
    createEngine({
      db,
      port,
      now: clock.now,
      setTimer: clock.setTimer,
      random: o.random ?? (() => 0.5),
      ceiling: () => o.ceiling ?? 3,
      autoTick: false,
      options: o.options,
      ...(o.waits ? { waits: o.waits } : {}),
    });
  const engine = make();
  const jobs = () => engine.list();
  const allFinal = async () => (await jobs()).every((j) => isFinal(j.state));
  return {
    db,
    clock,
    sora,
    engine,
    make,
    jobs,
    run: (ms: number, e: Engine = engine) => runFor(e, clock, ms),
    runToEnd: async (maxMs = 24 * 3_600_000, e: Engine = engine) => {
      await e.tick();
      return runUntil(e, clock, allFinal, maxMs);
    },
  };
}

const videos = (n: number, prefix = 'prompt'): JobInput[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'video' as const, prompt: `${prefix} ${i + 1}` }));

/** Highest number of tasks unfinished at once on the fake Sora. */
function maxConcurrent(tasks: { createdAt: number; doneAt: number }[]): number {
  const edges = tasks.flatMap((t) => [
    { at: t.createdAt, d: 1 },
    { at: t.doneAt, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of edges) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}

const byState = (jobs: Job[]) =>
  jobs.reduce<Record<string, number>>((acc, j) => {
    acc[j.state] = (acc[j.state] ?? 0) + 1;
    return acc;
  }, {});

describe('slots', () => {
  it('fills every slot at once, never exceeds the ceiling, and finishes everything', async () => {
    const s = await setup();
    await s.engine.enqueue(videos(10));
    await s.engine.tick();
    expect(byState(await s.jobs())).toEqual({ running: 3, queued: 7 });
    expect(await s.runToEnd()).toBe(true);
    expect(byState(await s.jobs())).toEqual({ done: 10 });
    expect(s.sora.tasks).toHaveLength(10);
    expect(maxConcurrent(s.sora.tasks)).toBe(3);
    expect(await listHistory(s.db, { limit: 100 })).toHaveLength(10);
  });

  it('keeps slots busy: a freed slot is refilled in the tick that sees it free', async () => {
    const s = await setup({ sora: { videoDurationMs: 60_000 } });
    await s.engine.enqueue(videos(6));
    await s.runToEnd();
    const [a, b, c, d, e, f] = s.sora.tasks;
    // The second wave starts within one poll interval of the first finishing.
    for (const [first, next] of [
      [a, d],
      [b, e],
      [c, f],
    ] as const) {
      expect(next!.createdAt - first!.doneAt).toBeLessThanOrEqual(2500);
      expect(next!.createdAt).toBeGreaterThanOrEqual(first!.doneAt);
    }
  });

  it('honours a lower ceiling setting', async () => {
    const s = await setup({ ceiling: 1 });
    await s.engine.enqueue(videos(4));
    await s.runToEnd();
    expect(maxConcurrent(s.sora.tasks)).toBe(1);
    expect(s.sora.calls.create).toBe(4);
  });

  it('learns a lower ceiling from too_many_concurrent (num_tasks) without burning an attempt', async () => {
    const s = await setup({ sora: { ceiling: 2 } });
    await s.engine.enqueue(videos(6));
    await s.engine.tick();
    const jobs = await s.jobs();
    expect(byState(jobs)).toEqual({ running: 2, queued: 4 });
    const refused = jobs.find((j) => j.lastError?.code === 'too_many_concurrent');
    expect(refused).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await s.engine.status()).ceiling).toEqual({ setting: 3, learned: 2, effective: 2 });
    expect(await s.runToEnd()).toBe(true);
    expect(byState(await s.jobs())).toEqual({ done: 6 });
    // One refused create in total: after learning, the engine never knocks above 2 again.
    expect(s.sora.calls.create).toBe(7);
    expect(maxConcurrent(s.sora.tasks)).toBe(2);
  });

  it('learns without num_tasks from what was provably running', async () => {
    const s = await setup({ sora: { ceiling: 2, reportNumTasks: false } });
    await s.engine.enqueue(videos(3));
    await s.engine.tick();
    expect((await s.engine.status()).ceiling.effective).toBe(2);
    await s.runToEnd();
    expect(s.sora.calls.create).toBe(4);
  });

  it('counts tasks started elsewhere (seen in the pending list) as taken slots', async () => {
    const s = await setup();
    // Two tasks from another tab.
    await s.sora.port.create({ kind: 'video', prompt: 'other tab 1' } as never, null);
    await s.sora.port.create({ kind: 'video', prompt: 'other tab 2' } as never, null);
    s.sora.calls.create = 0;
    await s.engine.enqueue(videos(2));
    await s.engine.tick();
    expect(byState(await s.jobs())).toEqual({ running: 1, queued: 1 });
    expect(s.sora.calls.create).toBe(1);
    await s.runToEnd();
    expect(maxConcurrent(s.sora.tasks)).toBe(3);
  });
});

describe('open work (what keeps the backstop alarm)', () => {
  it('is open while a job is queued, paused or on its way, and closed once every job has ended', async () => {
    const s = await setup();
    expect(await s.engine.hasOpenWork()).toBe(false);
    await s.engine.enqueue(videos(2));
    expect(await s.engine.hasOpenWork()).toBe(true);
    s.sora.loggedOut = true;
    await s.engine.tick();
    expect(byState(await s.jobs())).toEqual({ paused: 2 });
    expect(await s.engine.hasOpenWork()).toBe(true);
    s.sora.loggedOut = false;
    await s.engine.resume(['logged_out']);
    await s.engine.tick();
    expect(byState(await s.jobs())).toEqual({ running: 2 });
    expect(await s.engine.hasOpenWork()).toBe(true);
    expect(await s.runToEnd()).toBe(true);
    expect(await s.engine.hasOpenWork()).toBe(false);
  });
});

describe('errors', () => {
  it('backs off transient refusals with jitter, then succeeds', async () => {
    const s = await setup({ random: () => 0 });
    s.sora.fail('create', () => new SoraError('heavy_load', 'Sora is under heavy load.'), { times: 2 });
    const [job] = await s.engine.enqueue(videos(1));
    await s.engine.tick();
    let j = (await s.jobs())[0]!;
    expect(j).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: T0 + 2500 });
    expect(j.lastError?.code).toBe('heavy_load');
    await s.run(2499);
    expect(s.sora.calls.create).toBe(1);
    await s.run(1);
    expect(s.sora.calls.create).toBe(2);
    j = (await s.jobs())[0]!;
    // Second failure: the next delay doubles (random 0 → half of 2 × base).
    expect(j).toMatchObject({ state: 'queued', attempts: 2, nextAttemptAt: T0 + 2500 + 5000 });
    await s.run(5000);
    expect((await s.jobs())[0]).toMatchObject({ id: job!.id, state: 'running', attempts: 3 });
  });

  it('honours retry-after of rate_limited', async () => {
    const s = await setup();
    s.sora.fail('create', () => new SoraError('rate_limited', 'slow down', { retryAfterMs: 42_000 }));
    await s.engine.enqueue(videos(1));
    await s.engine.tick();
    expect((await s.jobs())[0]).toMatchObject({ state: 'queued', nextAttemptAt: T0 + 42_000 });
    expect(await s.engine.nextWakeAt()).toBe(T0 + 42_000);
  });

  it('fails after the attempts are used up, with the last error', async () => {
    const s = await setup({ options: { maxAttempts: 3, backoffBaseMs: 100 } });
    s.sora.fail('create', () => new SoraError('heavy_load', 'busy'), { times: 10 });
    const failed = vi.fn();
    s.engine.onJobFailed(failed);
    await s.engine.enqueue(videos(1));
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({
      state: 'failed',
      attempts: 3,
      lastError: { code: 'heavy_load' },
    });
    expect(s.sora.calls.create).toBe(3);
    expect(failed).toHaveBeenCalledTimes(1);
  });

  it('retries a refused sentinel a few times, then fails with a clear reason', async () => {
    const s = await setup({ options: { maxSentinelRejections: 2, backoffBaseMs: 100 } });
    s.sora.fail('create', () => new SoraError('sentinel_rejected', 'Sora refused the security check.'), {
      times: 5,
    });
    await s.engine.enqueue(videos(1));
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({ state: 'failed', lastError: { code: 'sentinel_rejected' } });
    expect(s.sora.calls.create).toBe(2);
  });

  it.each(['unsupported_country', 'bad_request'] as const)('fails the job at once on %s', async (code) => {
    const s = await setup();
    s.sora.fail('create', () => new SoraError(code, `refused: ${code}`));
    await s.engine.enqueue(videos(2));
    await s.runToEnd();
    const jobs = await s.jobs();
    expect(jobs[0]).toMatchObject({
      state: 'failed',
      attempts: 0,
      lastError: { code, message: `refused: ${code}` },
    });
    expect(jobs[1]?.state).toBe('done');
  });

  it('keeps the country Sora names with unsupported_country, so the message can say it', async () => {
    const s = await setup();
    s.sora.fail('create', () => new SoraError('unsupported_country', 'Not available.', { param: 'NZ' }));
    await s.engine.enqueue(videos(1));
    await s.runToEnd();
    expect((await s.jobs())[0]?.lastError).toMatchObject({ code: 'unsupported_country', param: 'NZ' });
  });

  it('pauses on the daily limit until the reset time from /nf/check, then resumes by itself', async () => {
    const s = await setup();
    s.sora.quota = { remaining: 2, resetsAt: T0 + 3 * 3_600_000 };
    const statusChanged = vi.fn();
    s.engine.onStatusChanged(statusChanged);
    await s.engine.enqueue(videos(4));
    await s.engine.tick();
    const status = await s.engine.status();
    expect(status.pause).toMatchObject({ reason: 'daily_limit', until: T0 + 3 * 3_600_000 + 5000 });
    expect(statusChanged).toHaveBeenCalled();
    expect(byState(await s.jobs())).toEqual({ running: 2, paused: 2 });
    const refused = (await s.jobs()).find((j) => j.state === 'paused' && j.lastError);
    expect(refused).toMatchObject({
      attempts: 0,
      pauseReason: 'daily_limit',
      lastError: { code: 'daily_limit' },
    });
    // Running tasks are still followed while paused; nothing is submitted.
    await s.run(120_000);
    expect(byState(await s.jobs())).toEqual({ done: 2, paused: 2 });
    expect(s.sora.calls.create).toBe(3);
    // Idle until the reset: one wake, at the reset time.
    expect(await s.engine.nextWakeAt()).toBe(T0 + 3 * 3_600_000 + 5000);
    await s.run(3 * 3_600_000);
    expect((await s.engine.status()).pause).toBeNull();
    await s.runToEnd();
    expect(byState(await s.jobs())).toEqual({ done: 4 });
  });

  it('re-checks soon, not at the reset, when /nf/check still shows videos left after a daily-limit refusal', async () => {
    const s = await setup();
    // Plenty left and the window resets in 20 h: a lone refusal must not park the queue for 20 h.
    s.sora.quota = { remaining: 500, resetsAt: T0 + 20 * 3_600_000 };
    s.sora.fail('create', () => new SoraError('daily_limit', 'You have reached your daily limit.'));
    await s.engine.enqueue(videos(3));
    await s.engine.tick();
    const status = await s.engine.status();
    expect(status.pause).toMatchObject({ reason: 'daily_limit', until: T0 + 15 * 60_000 });
    await s.run(15 * 60_000);
    expect((await s.engine.status()).pause).toBeNull();
    await s.runToEnd();
    expect(byState(await s.jobs())).toEqual({ done: 3 });
  });

  it('pauses when logged out, stays quiet, and resumes on resume()', async () => {
    const s = await setup();
    s.sora.loggedOut = true;
    await s.engine.enqueue(videos(2));
    await s.engine.tick();
    expect((await s.engine.status()).pause).toMatchObject({ reason: 'logged_out', until: null });
    expect(byState(await s.jobs())).toEqual({ paused: 2 });
    const calls = s.sora.log.length;
    await s.run(3_600_000);
    expect(s.sora.log.length).toBe(calls);
    expect(await s.engine.nextWakeAt()).toBeNull();
    // A resume for another reason does not lift it.
    await s.engine.resume(['daily_limit']);
    expect((await s.engine.status()).pause?.reason).toBe('logged_out');
    s.sora.loggedOut = false;
    await s.engine.resume(['logged_out']);
    await s.runToEnd();
    expect(byState(await s.jobs())).toEqual({ done: 2 });
  });

  it('pauses when a poll finds the session gone, keeping running jobs for later', async () => {
    const s = await setup();
    await s.engine.enqueue(videos(1));
    await s.engine.tick();
    s.sora.loggedOut = true;
    await s.run(2500);
    expect((await s.engine.status()).pause?.reason).toBe('logged_out');
    expect((await s.jobs())[0]?.state).toBe('running');
    s.sora.loggedOut = false;
    await s.engine.resume(['logged_out']);
    await s.runToEnd();
    expect((await s.jobs())[0]?.state).toBe('done');
  });

  it('a user pause is not lifted by the automatic resume', async () => {
    const s = await setup();
    await s.engine.enqueue(videos(1));
    await s.engine.pause();
    await s.engine.resume(['logged_out']);
    expect((await s.engine.status()).pause?.reason).toBe('user');
    await s.engine.tick();
    expect(s.sora.calls.create).toBe(0);
    await s.engine.resume();
    await s.engine.tick();
    expect(s.sora.calls.create).toBe(1);
  });

  it('pauses for a Cloudflare check and tries again by itself a few minutes later', async () => {
    const s = await setup();
    s.sora.fail('create', () => new SoraError('cloudflare_challenge', 'Open sora.chatgpt.com once.'));
    await s.engine.enqueue(videos(1));
    await s.engine.tick();
    expect((await s.engine.status()).pause).toMatchObject({
      reason: 'cloudflare_challenge',
      until: T0 + 5 * 60_000,
    });
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('uploads a start image once and reuses the upload when the create is retried', async () => {
    const s = await setup({ random: () => 0 });
    s.sora.fail('create', () => new SoraError('heavy_load', 'busy'));
    const blob = new Blob(['png'], { type: 'image/png' });
    await s.engine.enqueue([
      { kind: 'video', prompt: 'from a picture', startImage: { blob, fileName: 'p.png' } },
    ]);
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({
      state: 'done',
      attempts: 2,
      uploadId: expect.stringMatching(/^upload_p\.png/),
    });
    expect(s.sora.calls.uploadImage).toBe(1);
    expect(s.sora.tasks[0]?.uploadId).toBe((await s.jobs())[0]?.uploadId);
  });

  it('fails only the violating job, with Sora’s reason', async () => {
    const s = await setup({ sora: { blockedPrompts: ['forbidden'] } });
    const failed = vi.fn();
    s.engine.onJobFailed(failed);
    await s.engine.enqueue([...videos(2), { kind: 'video', prompt: 'something forbidden' }]);
    await s.runToEnd();
    const jobs = await s.jobs();
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done', 'failed']);
    expect(jobs[2]?.lastError).toMatchObject({
      code: 'policy_violation',
      message: 'This content may violate our content policies.',
    });
    expect(failed).toHaveBeenCalledTimes(1);
    expect(failed.mock.calls[0]?.[0]).toMatchObject({ id: jobs[2]?.id, state: 'failed' });
    expect(await listHistory(s.db, { limit: 10 })).toHaveLength(2);
  });

  it('fails a task Sora lists as failed with its failure_reason', async () => {
    const s = await setup({ sora: { failingPrompts: ['broken'] } });
    await s.engine.enqueue([{ kind: 'video', prompt: 'broken one' }]);
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({
      state: 'failed',
      lastError: { code: 'task_failed', message: 'Something went wrong while generating.' },
    });
  });
});

describe('polling', () => {
  it('reads the pending list once per interval for all jobs together', async () => {
    const s = await setup();
    await s.engine.enqueue(videos(30));
    await s.runToEnd();
    const reads = s.sora.log.filter((c) => c.method === 'listPending').map((c) => c.at);
    for (let i = 1; i < reads.length; i++) expect(reads[i]! - reads[i - 1]!).toBeGreaterThanOrEqual(2500);
    const makespan = Math.max(...s.sora.tasks.map((t) => t.doneAt)) - T0;
    // Never more than one read per 2.5 s interval, whatever the job count.
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(makespan / 2500) + 2);
    expect(reads.length).toBeGreaterThan(makespan / 2500 - 5);
  });

  it('resolves tasks that finished together with ONE drafts read', async () => {
    const s = await setup();
    await s.engine.enqueue(videos(3));
    await s.engine.tick();
    expect(byState(await s.jobs())).toEqual({ running: 3 });
    await s.runToEnd();
    expect(s.sora.calls.listDrafts).toBe(1);
    expect(byState(await s.jobs())).toEqual({ done: 3 });
  });

  it('keeps polling a draft without a URL, then completes', async () => {
    const s = await setup({ sora: { urlDelayMs: 8000 } });
    await s.engine.enqueue(videos(1));
    await s.engine.tick();
    await s.run(61_000);
    expect((await s.jobs())[0]?.state).toBe('resolving');
    await s.runToEnd();
    const [job] = await s.jobs();
    expect(job).toMatchObject({
      state: 'done',
      result: { generations: [{ url: expect.stringContaining('.mp4') }] },
    });
    expect(s.sora.calls.listDrafts).toBeGreaterThan(1);
    expect(s.sora.calls.listDrafts).toBeLessThanOrEqual(5);
    expect(job!.finishedAt! - (T0 + 60_000 + 8000)).toBeLessThanOrEqual(2500);
  });

  it('gives up honestly when a URL never comes', async () => {
    const s = await setup({ sora: { urlDelayMs: 10 * 60_000 }, options: { resolveTimeoutMs: 60_000 } });
    await s.engine.enqueue(videos(1));
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({ state: 'failed', lastError: { code: 'result_missing' } });
  });

  it('slows down while nothing changes and stops reading when idle', async () => {
    const s = await setup();
    // A task that never changes: progress frozen by a pending list without progress.
    const frozen = {
      ...s.sora.port,
      listPending: async () => [
        { taskId: 'task_x', status: 'queued', progress: null, prompt: 'x', failureReason: null },
      ],
    };
    const e = s.make(frozen);
    await e.enqueue(videos(1));
    await e.tick();
    const job = (await e.list())[0]!;
    // Pretend our job owns the frozen task.
    await s.db.put('jobs', { ...job, taskId: 'task_x', state: 'running' });
    let last = s.clock.now();
    const gaps: number[] = [];
    for (let i = 0; i < 12; i++) {
      const wake = (await e.nextWakeAt())!;
      gaps.push(wake - last);
      last = wake;
      await runFor(e, s.clock, wake - s.clock.now());
    }
    expect(gaps.slice(-1)[0]).toBe(10_000);
    expect(Math.min(...gaps.slice(1))).toBeGreaterThanOrEqual(2500);
    await e.cancel([job.id]);
    await e.tick();
    expect(await e.nextWakeAt()).toBeNull();
  });

  it('coalesces concurrent ticks', async () => {
    const s = await setup();
    await s.engine.enqueue(videos(3));
    await Promise.all([s.engine.tick(), s.engine.tick(), s.engine.tick(), s.engine.tick()]);
    expect(s.sora.calls.create).toBe(3);
    expect(s.sora.calls.listPending).toBe(1);
  });

  it('follows image jobs through ONE recent-tasks read, waiting for URLs', async () => {
    const s = await setup({ sora: { imageDurationMs: 15_000, urlDelayMs: 3000 } });
    await s.engine.enqueue([
      { kind: 'image', prompt: 'a red fox', nVariants: 2 },
      { kind: 'image', prompt: 'a blue fox' },
    ]);
    await s.runToEnd();
    const jobs = await s.jobs();
    expect(byState(jobs)).toEqual({ done: 2 });
    expect(jobs[0]?.result?.generations).toHaveLength(2);
    expect(s.sora.calls.listPending).toBe(1);
    const reads = s.sora.log.filter((c) => c.method === 'listImageTasks').map((c) => c.at);
    for (let i = 1; i < reads.length; i++) expect(reads[i]! - reads[i - 1]!).toBeGreaterThanOrEqual(2500);
    expect((await listHistory(s.db, { limit: 10 })).map((h) => h.kind)).toEqual(['image', 'image', 'image']);
  });
});

describe('no duplicates after a restart', () => {
  async function stopMidCreate(afterEffect: boolean, o: SetupOptions = {}) {
    const s = await setup(o);
    const hang = s.sora.hangCreates(afterEffect);
    await s.engine.enqueue(videos(1, 'restart'));
    void s.engine.tick();
    await vi.waitFor(async () => expect((await s.jobs())[0]?.createSentAt).not.toBeNull());
    // The worker stops: this engine is gone, its create never answers.
    s.engine.dispose();
    return { ...s, hang, engine2: s.make() };
  }

  it('finds a create that reached Sora in the pending list and never sends it again', async () => {
    const s = await stopMidCreate(true);
    s.clock.moveTo(T0 + 5000);
    await s.engine2.tick();
    const [job] = await s.engine2.list();
    expect(job).toMatchObject({ state: 'running', taskId: s.sora.tasks[0]?.id, attempts: 1 });
    s.hang.release();
    await s.runToEnd(undefined, s.engine2);
    expect((await s.engine2.list())[0]?.state).toBe('done');
    expect(s.sora.tasks).toHaveLength(1);
    expect(s.sora.calls.create).toBe(1);
  });

  it('finds a create that already finished in the drafts', async () => {
    const s = await stopMidCreate(true);
    s.clock.moveTo(T0 + 10 * 60_000);
    await s.engine2.tick();
    expect((await s.engine2.list())[0]).toMatchObject({ state: 'done', taskId: s.sora.tasks[0]?.id });
    expect(await getHistoryByTask(s.db, s.sora.tasks[0]!.id)).toHaveLength(1);
    expect(s.sora.calls.create).toBe(1);
  });

  it('sends a create that never reached Sora once, after the grace period', async () => {
    const s = await stopMidCreate(false);
    await s.engine2.tick();
    await s.run(59_000, s.engine2);
    expect((await s.engine2.list())[0]?.state).toBe('submitting');
    expect(s.sora.calls.create).toBe(1);
    await s.runToEnd(undefined, s.engine2);
    expect((await s.engine2.list())[0]).toMatchObject({ state: 'done', attempts: 1 });
    expect(s.sora.tasks).toHaveLength(1);
    expect(s.sora.calls.create).toBe(2);
    s.hang.release();
  });

  it('waits for prompt-less pending tasks to show up in the drafts before sending again', async () => {
    const s = await stopMidCreate(true, { sora: { pendingPrompts: false } });
    s.hang.release();
    await s.engine2.tick();
    // The grace period passes while the unknown task still runs: no second create.
    await s.run(59_000, s.engine2);
    expect((await s.engine2.list())[0]?.state).toBe('submitting');
    await s.runToEnd(undefined, s.engine2);
    expect((await s.engine2.list())[0]).toMatchObject({ state: 'done', taskId: s.sora.tasks[0]?.id });
    expect(s.sora.calls.create).toBe(1);
  });

  it('does not take another job’s task with the same prompt', async () => {
    const s = await setup();
    // Job A ran normally; job B with the same prompt was stopped before its create went out.
    await s.engine.enqueue([{ kind: 'video', prompt: 'same' }]);
    await s.engine.tick();
    const hang = s.sora.hangCreates(false);
    await s.engine.enqueue([{ kind: 'video', prompt: 'same' }]);
    void s.engine.tick();
    await vi.waitFor(async () => expect((await s.jobs())[1]?.createSentAt).not.toBeNull());
    s.engine.dispose();
    hang.release();
    const e2 = s.make();
    await s.runToEnd(undefined, e2);
    const jobs = await e2.list();
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done']);
    expect(new Set(jobs.map((j) => j.taskId)).size).toBe(2);
    expect(s.sora.tasks).toHaveLength(2);
  });

  it('puts a job stopped before its create went out (during the upload) straight back in line', async () => {
    const s = await setup();
    const [job] = await s.engine.enqueue([
      {
        kind: 'video',
        prompt: 'from image',
        startImage: { blob: new Blob(['png'], { type: 'image/png' }), fileName: 'a.png' },
      },
    ]);
    await s.db.put('jobs', { ...job!, state: 'submitting', submittedAt: T0, createSentAt: null });
    await s.engine.tick();
    const [after] = await s.jobs();
    expect(after).toMatchObject({ state: 'running', attempts: 1 });
    expect(s.sora.calls.uploadImage).toBe(1);
    expect(s.sora.tasks[0]?.uploadId).toMatch(/^upload_a\.png/);
  });

  it('sends at once, and once, a job whose worker stopped while its tokens were being made', async () => {
    const s = await setup();
    const create = s.sora.port.create;
    // Making the sentinel token takes a while; the worker stops before it is done, so nothing leaves.
    s.sora.port.create = () => new Promise<never>(() => {});
    await s.engine.enqueue(videos(1, 'token'));
    void s.engine.tick();
    await vi.waitFor(async () => expect((await s.jobs())[0]?.state).toBe('submitting'));
    s.engine.dispose();
    s.sora.port.create = create;
    const e2 = s.make();
    await e2.tick();
    // No grace period, no lookup: it is known that nothing was sent.
    expect((await e2.list())[0]).toMatchObject({ state: 'running', attempts: 1 });
    await s.runToEnd(undefined, e2);
    expect((await e2.list())[0]?.state).toBe('done');
    expect(s.sora.calls.create).toBe(1);
    expect(s.sora.tasks).toHaveLength(1);
  });

  it('treats a create without a clear answer like a stopped worker: looks before sending again', async () => {
    const s = await setup();
    s.sora.fail('create', () => new SoraError('timeout', 'no answer'), { afterEffect: true });
    await s.engine.enqueue(videos(2));
    await s.runToEnd();
    const jobs = await s.jobs();
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done']);
    expect(s.sora.tasks).toHaveLength(2);
    expect(s.sora.calls.create).toBe(2);
  });

  it("follows the user's waits live: a grace shortened mid-wait applies at the next tick", async () => {
    let waits: PatienceOptions = { orphanGraceMs: 60_000, serviceRecheckMs: 60_000 };
    const s = await setup({ waits: () => waits });
    // The create times out without reaching Sora: it is looked for, not sent again, during the grace.
    s.sora.fail('create', () => new SoraError('timeout', 'no answer'), { times: 1 });
    await s.engine.enqueue(videos(1));
    await s.engine.tick();
    await s.run(20_000);
    expect(s.sora.calls.create).toBe(1);
    // The user lowers "wait for Sora to answer": at the next wake-up (any message, the 30-second alarm) the
    // grace is over, and the job goes out again.
    waits = { orphanGraceMs: 10_000, serviceRecheckMs: 20_000 };
    await s.engine.tick();
    // Its next look at Sora's lists finds nothing, and after the usual backoff it is sent again: 40 s after
    // the first send, before the old grace of a minute had even ended.
    await s.run(20_000);
    expect(s.sora.calls.create).toBe(2);
    await s.runToEnd();
    expect((await s.jobs())[0]?.state).toBe('done');
    expect(s.sora.tasks).toHaveLength(1);
  });
});

describe('events and queue operations through the engine', () => {
  it('tells when a batch finished, once, with counts', async () => {
    const s = await setup({ sora: { blockedPrompts: ['bad'] } });
    const finished = vi.fn();
    const changed = vi.fn();
    s.engine.onBatchFinished(finished);
    s.engine.onJobsChanged(changed);
    const jobs = await s.engine.enqueue([...videos(3), { kind: 'video', prompt: 'bad idea' }]);
    await s.engine.cancel([jobs[1]!.id]);
    await s.runToEnd();
    expect(finished).toHaveBeenCalledTimes(1);
    expect(finished).toHaveBeenCalledWith(jobs[0]!.batchId, { total: 4, done: 2, failed: 1, canceled: 1 });
    expect(changed).toHaveBeenCalled();
  });

  it('retry brings a failed job back and runs it', async () => {
    const s = await setup();
    s.sora.fail('create', () => new SoraError('bad_request', 'nope'));
    const [job] = await s.engine.enqueue(videos(1));
    await s.engine.tick();
    expect((await s.jobs())[0]?.state).toBe('failed');
    await s.engine.retry([job!.id]);
    await s.runToEnd();
    expect((await s.jobs())[0]).toMatchObject({ state: 'done', attempts: 1, lastError: null });
  });

  it('nextWakeAt is null when idle and survives a restart', async () => {
    const s = await setup();
    expect(await s.engine.nextWakeAt()).toBeNull();
    await s.engine.enqueue(videos(1));
    await s.engine.tick();
    const wake = await s.engine.nextWakeAt();
    expect(wake).toBe(T0 + 2500);
    expect(await s.make().nextWakeAt()).toBe(wake);
    expect(await getMeta(s.db, 'engine.poll')).toMatchObject({ lastPendingAt: T0 });
  });
});
