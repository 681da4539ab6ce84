/**
 * Test doubles for the job engine (under tests/, so no product build can contain them):
 * - `createFakeSora`: an in-memory Sora behind the engine's port, for unit tests of the engine and of
 *   whatever drives it (background, UI stores).
 * - `createManualClock` / `runFor` / `runUntil`: a clock that only moves when told, driving the engine's
 *   timers deterministically (unit tests, and the benchmark against the simulator's frozen clock).
 *
 * About the fake Sora: Time comes from the injected clock, so tests move it by hand. It keeps the
 * rules the engine depends on: a concurrency ceiling, tasks that leave the pending list when done, drafts
 * (possibly without a URL for a while), image tasks, a daily allowance, logged-out answers, and scripted
 * failures — including a create that starts a task but loses its answer.
 */

import type { JobRequest } from '../../../lib/db/job-record';
import type { Engine } from '../../../lib/jobs/engine';
import { expectedFrames } from '../../../lib/jobs/match';
import type {
  DraftInfo,
  ImageTaskInfo,
  PendingTaskInfo,
  QuotaInfo,
  SoraPort,
} from '../../../lib/jobs/sora-port';
import { SoraError } from '../../../lib/sora/errors';
import type { SetTimer } from '../../../lib/util/ticker';

export type FakeMethod =
  | 'create'
  | 'uploadImage'
  | 'listPending'
  | 'listDrafts'
  | 'listImageTasks'
  | 'checkQuota';

export interface FakeTask {
  id: string;
  kind: 'video' | 'image';
  request: JobRequest;
  uploadId: string | null;
  createdAt: number;
  doneAt: number;
  outcome: 'ok' | 'policy' | 'failed';
  failureReason: string | null;
  /** The result has a URL only from this time on. */
  urlAt: number;
}

export interface FakeSoraOptions {
  now: () => number;
  /** Sora's concurrency ceiling. Default 3. */
  ceiling?: number;
  videoDurationMs?: number;
  imageDurationMs?: number;
  /** How long a result is listed without a URL. Default 0. */
  urlDelayMs?: number;
  /** A failed task stays in the pending list this long. Default 10 s. */
  failedVisibleMs?: number;
  /** Prompts containing these end as policy violations. */
  blockedPrompts?: string[];
  /** Prompts containing these fail in pending. */
  failingPrompts?: string[];
  /** Pending items carry the prompt. Default true. */
  pendingPrompts?: boolean;
  /** Whether too_many_concurrent carries `num_tasks`. Default true. */
  reportNumTasks?: boolean;
  /** Sora stores a rewritten prompt (enable_rewrite): pending items and drafts carry this instead. */
  rewritePrompt?: (prompt: string) => string;
  /** Sora answers at most this many drafts per page, whatever `limit` asks. */
  draftsPageMax?: number;
}

interface Scripted {
  error: () => unknown;
  times: number;
  /** For create: the task is started before the error is thrown (the answer got lost). */
  afterEffect: boolean;
}

export interface FakeSora {
  port: SoraPort;
  tasks: FakeTask[];
  calls: Record<FakeMethod, number>;
  /** Calls with their times, in order. */
  log: { method: FakeMethod; at: number }[];
  /** Sora's ceiling (change it to model a plan change). */
  ceiling: number;
  loggedOut: boolean;
  /** Remaining daily allowance (null: unlimited) and when it resets. */
  quota: { remaining: number | null; resetsAt: number };
  /** The next `times` calls of `method` fail with `error`. `afterEffect`: create still starts the task. */
  fail(method: FakeMethod, error: () => unknown, options?: { times?: number; afterEffect?: boolean }): void;
  /**
   * The next `times` creates never answer: the worker is "stopped" mid-request, and a stopped worker's
   * requests never come back to it. `release()` ends the hang for later creates. `afterEffect`: the task
   * was started on Sora all the same.
   */
  hangCreates(afterEffect: boolean, times?: number): { release(): void };
  /** Unfinished tasks now. */
  active(): FakeTask[];
  /** A task started outside the extension (Sora's own page): no call is counted. */
  startOutside(request: JobRequest): FakeTask;
}

export function createFakeSora(options: FakeSoraOptions): FakeSora {
  const now = options.now;
  const videoMs = options.videoDurationMs ?? 60_000;
  const imageMs = options.imageDurationMs ?? 15_000;
  const urlDelay = options.urlDelayMs ?? 0;
  const failedVisible = options.failedVisibleMs ?? 10_000;
  const blocked = options.blockedPrompts ?? [];
  const failing = options.failingPrompts ?? [];
  const scripts = new Map<FakeMethod, Scripted[]>();
  let seq = 0;
  let hang: { afterEffect: boolean; remaining: number } | null = null;
  const calls: Record<FakeMethod, number> = {
    create: 0,
    uploadImage: 0,
    listPending: 0,
    listDrafts: 0,
    listImageTasks: 0,
    checkQuota: 0,
  };

  const fake: FakeSora = {
    port: undefined as unknown as SoraPort,
    tasks: [],
    calls,
    log: [],
    ceiling: options.ceiling ?? 3,
    loggedOut: false,
    quota: { remaining: null, resetsAt: 0 },
    fail(method, error, opts = {}) {
      const list = scripts.get(method) ?? [];
      list.push({ error, times: opts.times ?? 1, afterEffect: opts.afterEffect ?? false });
      scripts.set(method, list);
    },
    hangCreates(afterEffect, times = 1) {
      hang = { afterEffect, remaining: times };
      const h = hang;
      return {
        release() {
          if (hang === h) hang = null;
        },
      };
    },
    active: () => fake.tasks.filter((t) => now() < t.doneAt),
    startOutside: (request) => start(request, null),
  };
  const shown = (prompt: string) => options.rewritePrompt?.(prompt) ?? prompt;

  function enter(method: FakeMethod): Scripted | null {
    calls[method]++;
    fake.log.push({ method, at: now() });
    if (fake.loggedOut) throw new SoraError('logged_out', 'Not logged in to Sora.');
    const list = scripts.get(method);
    const script = list?.[0];
    if (!script) return null;
    script.times--;
    if (script.times <= 0) list?.shift();
    if (!script.afterEffect) throw script.error();
    return script;
  }

  function start(request: JobRequest, uploadId: string | null): FakeTask {
    const t = now();
    const kind = request.kind === 'image' ? 'image' : 'video';
    const prompt = request.prompt.toLowerCase();
    const outcome = blocked.some((b) => prompt.includes(b.toLowerCase()))
      ? 'policy'
      : failing.some((f) => prompt.includes(f.toLowerCase()))
        ? 'failed'
        : 'ok';
    const doneAt = t + (kind === 'image' ? imageMs : videoMs);
    const task: FakeTask = {
      id: `task_${String(++seq).padStart(6, '0')}`,
      kind,
      request,
      uploadId,
      createdAt: t,
      doneAt,
      outcome,
      failureReason: outcome === 'failed' ? 'Something went wrong while generating.' : null,
      urlAt: doneAt + urlDelay,
    };
    fake.tasks.push(task);
    return task;
  }

  const progressOf = (t: FakeTask) =>
    Math.min(0.99, Math.max(0, (now() - t.createdAt) / (t.doneAt - t.createdAt)));

  fake.port = {
    async create(request, uploadId, opts) {
      // The fake's requests leave at once (no tokens to make first).
      await opts?.beforeSend?.();
      const script = enter('create');
      if (hang && hang.remaining > 0) {
        const h = hang;
        h.remaining--;
        if (h.afterEffect) start(request, uploadId);
        return new Promise<never>(() => {});
      }
      const active = fake.active().length;
      if (!script && active >= fake.ceiling) {
        throw new SoraError('too_many_concurrent', `You already have ${active} generations in progress`, {
          status: 429,
          ...(options.reportNumTasks === false ? {} : { numTasks: active }),
        });
      }
      if (!script && fake.quota.remaining !== null) {
        if (now() >= fake.quota.resetsAt && fake.quota.remaining <= 0) fake.quota.remaining = null;
        else if (fake.quota.remaining <= 0) {
          throw new SoraError('daily_limit', 'The daily Sora allowance is used up.', { status: 429 });
        } else fake.quota.remaining--;
      }
      const task = start(request, uploadId);
      if (script) throw script.error();
      return { taskId: task.id };
    },
    async uploadImage(_file, fileName) {
      enter('uploadImage');
      return { uploadId: `upload_${fileName}_${++seq}` };
    },
    async listPending() {
      enter('listPending');
      const t = now();
      const out: PendingTaskInfo[] = [];
      for (const task of fake.tasks) {
        if (task.kind !== 'video') continue;
        const failedShown = task.outcome === 'failed' && t >= task.doneAt && t < task.doneAt + failedVisible;
        if (t >= task.doneAt && !failedShown) continue;
        out.push({
          taskId: task.id,
          status: failedShown ? 'failed' : 'running',
          progress: failedShown ? null : progressOf(task),
          prompt: options.pendingPrompts === false ? null : shown(task.request.prompt),
          failureReason: failedShown ? task.failureReason : null,
        });
      }
      return out;
    },
    async listDrafts(limit, cursor) {
      enter('listDrafts');
      const t = now();
      const done = fake.tasks
        .filter((task) => task.kind === 'video' && task.outcome !== 'failed' && t >= task.doneAt)
        .sort((a, b) => b.doneAt - a.doneAt || b.id.localeCompare(a.id));
      const from = cursor === undefined ? 0 : Number(cursor);
      const size = Math.min(limit, options.draftsPageMax ?? limit);
      const page = done.slice(from, from + size);
      const items: DraftInfo[] = page.map((task) => {
        const r = task.request;
        const portrait = r.kind !== 'image' && r.kind !== 'extend' && r.orientation === 'portrait';
        const frames = r.kind === 'image' ? null : (expectedFrames(r) ?? 300);
        const base = {
          generationId: `gen_${task.id.slice(5)}`,
          taskId: task.id,
          prompt: shown(r.prompt),
          createdAt: task.doneAt,
          ...(frames === null ? {} : { nFrames: frames }),
        };
        if (task.outcome === 'policy') {
          return { ...base, state: 'violation', reason: 'This content may violate our content policies.' };
        }
        if (t < task.urlAt) return { ...base, state: 'no_url_yet' };
        return {
          ...base,
          state: 'ready',
          url: `https://videos.openai.com/${task.id}.mp4`,
          thumbnailUrl: `https://videos.openai.com/${task.id}.jpg`,
          width: portrait ? 352 : 640,
          height: portrait ? 640 : 352,
          durationS: frames === null ? 10 : frames / 30,
        };
      });
      return { items, cursor: from + size < done.length ? String(from + size) : null };
    },
    async listImageTasks(limit) {
      enter('listImageTasks');
      const t = now();
      return fake.tasks
        .filter((task) => task.kind === 'image')
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, limit)
        .map((task): ImageTaskInfo => {
          const finished = t >= task.doneAt;
          const n = task.request.kind === 'image' ? task.request.nVariants : 1;
          return {
            taskId: task.id,
            status: !finished ? 'running' : task.outcome === 'ok' ? 'succeeded' : 'failed',
            progress: finished ? 1 : progressOf(task),
            prompt: task.request.prompt,
            failureReason: finished && task.outcome !== 'ok' ? 'The image could not be made.' : null,
            generations:
              finished && task.outcome === 'ok'
                ? Array.from({ length: n }, (_, i) => ({
                    generationId: `gen_${task.id.slice(5)}_${i}`,
                    url: t >= task.urlAt ? `https://videos.openai.com/${task.id}_${i}.png` : null,
                  }))
                : [],
          };
        });
    },
    async checkQuota(): Promise<QuotaInfo> {
      enter('checkQuota');
      return {
        remaining: fake.quota.remaining,
        resetsInMs: fake.quota.remaining === null ? null : Math.max(0, fake.quota.resetsAt - now()),
      };
    },
  };
  return fake;
}

export interface ManualClock {
  now(): number;
  setTimer: SetTimer;
  /** The earliest armed timer, or null. */
  nextAt(): number | null;
  /** Moves time forward to `t` (never back) without firing anything. */
  moveTo(t: number): void;
  /** Takes the earliest timer due at or before `t` off the list. */
  takeDue(t: number): { at: number; fn: () => void } | null;
}

/**
 * A clock that moves only when told. `source` lets it drive another clock (the simulator's): `now` reads
 * it and moving forward calls `advance`.
 */
export function createManualClock(
  start: number,
  source?: { now: () => number; advance: (ms: number) => void },
): ManualClock {
  let t = start;
  const now = source ? source.now : () => t;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now,
    setTimer(fn, ms) {
      const id = ++ids;
      timers.push({ at: now() + Math.max(0, ms), fn, id });
      return () => {
        const i = timers.findIndex((x) => x.id === id);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    nextAt() {
      let min: number | null = null;
      for (const x of timers) if (min === null || x.at < min) min = x.at;
      return min;
    },
    moveTo(target) {
      const current = now();
      if (target <= current) return;
      if (source) source.advance(target - current);
      else t = target;
    },
    takeDue(limit) {
      let best = -1;
      for (const [i, x] of timers.entries()) {
        if (x.at <= limit && (best < 0 || x.at < (timers[best]?.at ?? Number.POSITIVE_INFINITY))) best = i;
      }
      if (best < 0) return null;
      const [taken] = timers.splice(best, 1);
      return taken ?? null;
    },
  };
}

/**
 * Moves the clock `ms` forward, running the engine at every timer it armed on the way (each run awaited,
 * so everything it does happens at that instant of simulated time).
 */
export async function runFor(
  engine: Engine,
  clock: ManualClock,
  ms: number,
  maxSteps = 1_000_000,
): Promise<void> {
  const target = clock.now() + ms;
  for (let step = 0; step < maxSteps; step++) {
    const due = clock.takeDue(target);
    if (!due) break;
    clock.moveTo(due.at);
    await engine.tick();
  }
  clock.moveTo(target);
}

/** Runs the engine timer by timer until `done()` or `maxMs` passed. Returns whether `done()` became true. */
export async function runUntil(
  engine: Engine,
  clock: ManualClock,
  done: () => boolean | Promise<boolean>,
  maxMs: number,
): Promise<boolean> {
  const limit = clock.now() + maxMs;
  while (!(await done())) {
    const at = clock.nextAt();
    if (at === null || at > limit) return false;
    clock.takeDue(at);
    clock.moveTo(at);
    await engine.tick();
  }
  return true;
}
