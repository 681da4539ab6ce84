/**
 * The long run of issue #8: the real background (`main()`, booted as a service worker Chrome may stop, see
 * tests/unit/harness/service-worker.ts) against the simulator at fake time. A user enqueues a realistic mix
 * of jobs in batches; the worker is stopped every few simulated minutes and woken by its alarm or the
 * user's next message; access tokens expire every simulated hour; a share of every backend call fails at
 * random. Runs under vitest (WXT's fake browser needs its plugin): tests/unit/soak.test.ts.
 *
 * Time: vitest fake timers drive `setTimeout` and `Date`; the simulator runs at speed 1 on that fake clock.
 * Each step lets the worker's IndexedDB work finish (real `setImmediate`), then moves time one second.
 */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BACKSTOP_PERIOD_MIN } from '../../lib/background/backstop';
import { ENGINE_ALARM } from '../../lib/background/jobs';
import { listHistory } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import { JOB_STATES, type Job, type JobState } from '../../lib/db/job-record';
import { getMeta } from '../../lib/db/meta';
import { type CompanionDb, DB_NAME, getDb } from '../../lib/db/schema';
import type { JobInput } from '../../lib/jobs/input';
import { listJobs } from '../../lib/jobs/queue';
import { Rng } from '../sim/ids';
import type { RealFaultKind, Variants } from '../sim/types';
import { EMAIL, serviceWorkerOf, setUpWorld, useWorkerClock, type World } from '../unit/harness/background';
import type { ServiceWorker } from '../unit/harness/service-worker';

export interface SoakOptions {
  jobs: number;
  seed: number;
  /** Share of backend calls that fail at random. */
  faultRate: number;
  faultKinds?: RealFaultKind[];
  tokenLifetimeSec: number;
  /**
   * The worker is stopped this long (sim minutes, drawn uniformly) after each start. `null`: one life for
   * the whole run (as with a side panel kept open), where a leak in memory could pile up.
   */
  stopAfterMin: [number, number] | null;
  /** Heap and progress are sampled every this many finished jobs. */
  checkpointEvery: number;
  /** Give up after this much sim time (a stuck queue shows as open jobs left). */
  maxSimHours: number;
  /** Give up when no job has finished for this long (sim hours). */
  stallHours: number;
  /** Simulator variants on for the run (e.g. `rewritePrompts`, `outsideTaskEvery`). */
  variants?: Partial<Variants>;
}

export const SOAK_DEFAULTS: Omit<SoakOptions, 'jobs'> = {
  seed: 2026,
  faultRate: 0.02,
  tokenLifetimeSec: 3600,
  stopAfterMin: [2, 6],
  checkpointEvery: 100,
  maxSimHours: 48,
  stallHours: 2,
};

export interface Checkpoint {
  finished: number;
  simHours: number;
  stops: number;
  /** Heap used after a forced GC (MB), whole process: worker, simulator, fake IndexedDB, harness. */
  heapMb: number | null;
  /** The worker instance's own share: heap with it running minus heap right after stopping it (MB). */
  workerMb: number | null;
  /** Jobs and history rows in IndexedDB (on disk in Chrome, in this heap here). */
  jobRows: number;
  historyRows: number;
}

/** Where the heap of the end of the run is (MB after forced GC), by what freeing each part gave back. */
export interface HeapShares {
  endMb: number;
  /** The simulator's records (tasks, drafts, log): the server's memory, not the extension's. */
  simulatorMb: number;
  /** fake-indexeddb's rows: on disk in Chrome. */
  indexedDbMb: number;
  /** What is left: vitest, the harness, the modules of every worker life, the result arrays. */
  restMb: number;
}

export interface SoakResult {
  options: SoakOptions;
  jobs: Job[];
  history: HistoryItem[];
  enqueued: { id: string; prompt: string; kind: string }[];
  batches: number;
  simHours: number;
  wallSeconds: number;
  starts: number;
  stops: number;
  tokensMinted: number;
  faults: Record<string, number>;
  requests: number;
  zombieCalls: readonly string[];
  checkpoints: Checkpoint[];
  /** Rows per IndexedDB store at the end. */
  rows: Record<string, number>;
  openAtEnd: number;
  /** The queue's backstop alarm still there one period after the queue drained. */
  engineAlarmAtEnd: boolean;
  /** Accepted creates (video and image tasks on the simulator) per prompt; outside tasks not counted. */
  createsByPrompt: Map<string, number>;
  /** Tasks the simulator started "in Sora's own page" (`outsideTaskEvery`). */
  outsideTasks: number;
  /** Jobs that asked "may already be on Sora" (the engine's count) and what the user chose. */
  asked: { count: number; dropped: number; sentAgain: number };
  heapShares: HeapShares | null;
  world: World;
}

const SUBJECTS = ['a lighthouse', 'a paper boat', 'a red fox', 'a night market', 'a glacier', 'a tram'];

/** The user's jobs: mostly videos of every length, some images, storyboards and remixes; unique prompts. */
export function workload(n: number, random: () => number, remixTarget: string): JobInput[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const tag = `soak #${i + 1}`;
    const subject = pick(SUBJECTS);
    const r = random();
    if (r < 0.65) {
      return {
        kind: 'video',
        prompt: `${subject} at dawn, ${tag}`,
        nFrames: pick([150, 150, 300, 300, 300, 450, 750]),
        orientation: pick(['landscape', 'portrait'] as const),
      };
    }
    if (r < 0.8) return { kind: 'image', prompt: `${subject}, ink drawing, ${tag}` };
    if (r < 0.9) {
      return {
        kind: 'storyboard',
        prompt: `[0-2s] ${subject} in fog, ${tag}\n[2-5s] the fog lifts`,
        nFrames: 150,
      };
    }
    return { kind: 'remix', prompt: `make it snow, ${tag}`, remixTarget, nFrames: pick([150, 300]) };
  });
}

const OPEN: readonly JobState[] = JOB_STATES.filter((s) => !['done', 'failed', 'canceled'].includes(s));

async function countStates(db: CompanionDb, states: readonly JobState[]): Promise<number> {
  let n = 0;
  for (const s of states) n += await db.countFromIndex('jobs', 'by-state', s);
  return n;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function heapMb(): Promise<number | null> {
  if (!gc) return null;
  // Two passes with turns between: weak references and finalizers settle.
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise<void>((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Deletes the database; says how it went ('success', or 'blocked' while a connection is open). */
async function freshDatabase(): Promise<string> {
  return new Promise<string>((resolve) => {
    const r = indexedDB.deleteDatabase(DB_NAME);
    r.onsuccess = () => resolve('success');
    r.onerror = () => resolve('error');
    r.onblocked = () => resolve('blocked');
  });
}

/** Runs the soak; the caller asserts on the result and tears the world down (`tearDownWorld`). */
export async function runSoak(jobs: number, overrides: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const options: SoakOptions = { ...SOAK_DEFAULTS, ...overrides, jobs };
  const wallStart = performance.now();
  useWorkerClock();
  fakeBrowser.reset();
  await freshDatabase();
  const w = setUpWorld({
    sim: { speed: 1, seed: options.seed, tokenLifetimeSec: options.tokenLifetimeSec, logLimit: 2000 },
    plan: 'pro',
  });
  w.sim.control.setQuota({ remaining: 1_000_000, allowance: 1_000_000, email: EMAIL });
  w.sim.control.setConfig({
    ...(options.variants ? { variants: options.variants } : {}),
    randomFaults: {
      rate: options.faultRate,
      seed: options.seed,
      ...(options.faultKinds ? { kinds: options.faultKinds } : {}),
    },
  });
  const worker: ServiceWorker = serviceWorkerOf(w);
  // Deterministic draws for the workload and the stop schedule.
  const rng = new Rng(options.seed);
  const random = () => rng.next();
  const inputs = workload(jobs, random, w.sim.state.seededPostIds[0] as string);
  const db = await getDb();
  const simStart = Date.now();
  const simHours = () => (Date.now() - simStart) / 3_600_000;
  const stopDelay = () => {
    if (!options.stopAfterMin) return Number.POSITIVE_INFINITY;
    const [lo, hi] = options.stopAfterMin;
    return (lo + random() * (hi - lo)) * 60_000;
  };

  const enqueued: SoakResult['enqueued'] = [];
  const checkpoints: Checkpoint[] = [];
  let batches = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  let startsSeen = 0;
  let next = 0;
  let nextCheckpoint = options.checkpointEvery;

  async function checkpoint(finished: number): Promise<void> {
    // The harness's own records grow with every request (its arrays, and the call history every vitest
    // spy keeps, events to pages included): not the product's memory.
    w.bearers.length = 0;
    w.events.length = 0;
    w.answers.length = 0;
    w.console.length = 0;
    vi.clearAllMocks();
    const live = await heapMb();
    let workerMb: number | null = null;
    if (options.stopAfterMin && worker.running && live !== null) {
      worker.stop();
      const stopped = await heapMb();
      workerMb = stopped === null ? null : live - stopped;
    }
    checkpoints.push({
      finished,
      simHours: simHours(),
      stops: worker.stops,
      heapMb: live,
      workerMb,
      jobRows: await db.count('jobs'),
      historyRows: await db.count('history'),
    });
  }

  /** The user adds a batch when few jobs are left open, as someone feeding the queue would. */
  async function topUp(open: number): Promise<void> {
    if (next >= inputs.length || open > 15) return;
    const size = Math.min(inputs.length - next, 10 + Math.floor(random() * 41));
    const batch = inputs.slice(next, next + size);
    next += size;
    await worker.start(); // the user's message wakes the worker
    const answer = await w.ask('jobs.enqueue', { inputs: batch });
    if (!answer.ok) throw new Error(`enqueue refused: ${JSON.stringify(answer.error)}`);
    for (const j of (answer.value as { jobs: Job[] }).jobs) {
      enqueued.push({ id: j.id, prompt: j.request.prompt, kind: j.kind });
    }
    batches++;
  }

  /**
   * The user answers "may already be on Sora" as a person would: they look at their drafts on Sora (here:
   * the simulator's tasks this client created) and drop the job when the video is there, else send it again.
   */
  const asked = { dropped: 0, sentAgain: 0 };
  async function answerQuestions(): Promise<void> {
    const waiting = (await listJobs(db)).filter((j) => j.state === 'submitting' && j.awaitingUser === true);
    if (waiting.length === 0) return;
    const state = w.sim.control.state();
    const onSora = new Set(
      [...state.videoTasks.filter((t) => !t.outside), ...state.imageTasks].map((t) => t.prompt),
    );
    await worker.start();
    for (const j of waiting) {
      const there = onSora.has(j.request.prompt);
      const answer = await w.ask(there ? 'jobs.cancel' : 'jobs.sendAgain', { ids: [j.id] });
      if (!answer.ok) throw new Error(`answer refused: ${JSON.stringify(answer.error)}`);
      if (there) asked.dropped++;
      else asked.sentAgain++;
    }
  }

  const limit = simStart + options.maxSimHours * 3_600_000;
  let open = 0;
  let finishedSeen = 0;
  let progressAt = Date.now();
  for (let step = 0; Date.now() < limit; step++) {
    await worker.settle();
    if (worker.starts !== startsSeen) {
      startsSeen = worker.starts;
      stopAt = Date.now() + stopDelay();
    }
    if (worker.running && Date.now() >= stopAt) worker.stop();
    await worker.fireDueAlarms();
    if (step % 5 === 0) {
      open = await countStates(db, OPEN);
      const finished = enqueued.length - open;
      if (finished !== finishedSeen) {
        finishedSeen = finished;
        progressAt = Date.now();
      }
      if (Date.now() - progressAt > options.stallHours * 3_600_000) break;
      if (finished >= nextCheckpoint) {
        await checkpoint(finished);
        nextCheckpoint += options.checkpointEvery;
      }
      await answerQuestions();
      await topUp(open);
      if (next >= inputs.length && open === 0) break;
    }
    await vi.advanceTimersByTimeAsync(1000);
  }
  // A worker stopped right after the last change may leave the backstop alarm; its next firing finds nothing
  // open and clears it. What must hold: no alarm after one more period, so the worker is not woken for nothing.
  const engineAlarm = async () => (await fakeBrowser.alarms.getAll()).some((a) => a.name === ENGINE_ALARM);
  for (let i = 0; i < BACKSTOP_PERIOD_MIN * 60 + 5 && (await engineAlarm()); i++) {
    await worker.fireDueAlarms();
    await worker.settle();
    await vi.advanceTimersByTimeAsync(1000);
  }
  await worker.settle();
  open = await countStates(db, OPEN);
  const stats = w.sim.control.stats();
  const state = w.sim.control.state();
  const createsByPrompt = new Map<string, number>();
  for (const t of [...state.videoTasks.filter((x) => !x.outside), ...state.imageTasks]) {
    createsByPrompt.set(t.prompt, (createsByPrompt.get(t.prompt) ?? 0) + 1);
  }
  const result: SoakResult = {
    options,
    jobs: await listJobs(db),
    history: await listHistory(db, { limit: Number.MAX_SAFE_INTEGER }),
    enqueued,
    batches,
    simHours: simHours(),
    wallSeconds: (performance.now() - wallStart) / 1000,
    starts: worker.starts,
    stops: worker.stops,
    tokensMinted: w.minted.length,
    faults: stats.randomFaultsByKind,
    requests: stats.requests,
    zombieCalls: worker.zombieCalls,
    checkpoints,
    rows: Object.fromEntries(
      await Promise.all([...db.objectStoreNames].map(async (s) => [s, await db.count(s)] as const)),
    ),
    openAtEnd: open,
    engineAlarmAtEnd: await engineAlarm(),
    createsByPrompt,
    outsideTasks: state.videoTasks.filter((x) => x.outside).length,
    asked: { count: ((await getMeta(db, 'engine.askedUser')) as number | undefined) ?? 0, ...asked },
    heapShares: null,
    world: w,
  };
  // Last: free the simulator's records, then the database, and see what each gave back.
  const endMb = await heapMb();
  if (endMb !== null) {
    w.sim.control.reset();
    const withoutSim = (await heapMb()) as number;
    worker.stop();
    db.close();
    const deleted = await freshDatabase();
    if (deleted !== 'success') throw new Error(`could not delete the database to weigh it: ${deleted}`);
    const withoutDb = (await heapMb()) as number;
    result.heapShares = {
      endMb,
      simulatorMb: endMb - withoutSim,
      indexedDbMb: withoutSim - withoutDb,
      restMb: withoutDb,
    };
  }
  return result;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? null : num / den;
}

const fmt = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));

/** The report printed at the end (and pasted into docs/RELIABILITY.md). */
export function report(r: SoakResult): string {
  const outcomes = new Map<string, number>();
  for (const j of r.jobs) {
    const why = j.state === 'failed' ? j.lastError?.code : j.state === 'paused' ? j.pauseReason : null;
    const key = why === null ? j.state : `${j.state}: ${why ?? '(no reason)'}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  const heapSlope = slope(
    r.checkpoints.filter((c) => c.heapMb !== null).map((c) => [c.finished / 100, c.heapMb as number]),
  );
  const workerSlope = slope(
    r.checkpoints.filter((c) => c.workerMb !== null).map((c) => [c.finished / 100, c.workerMb as number]),
  );
  const lines = [
    `jobs ${r.enqueued.length} in ${r.batches} batches · ${fmt(r.simHours, 2)} sim hours · wall ${fmt(r.wallSeconds, 0)} s`,
    `worker starts ${r.starts}, stops ${r.stops} · access tokens minted ${r.tokensMinted} · requests ${r.requests}`,
    `random faults ${Object.values(r.faults).reduce((a, b) => a + b, 0)}: ${JSON.stringify(r.faults)}`,
    `outcomes: ${[...outcomes].map(([k, v]) => `${v}× ${k}`).join(', ')} · open at end ${r.openAtEnd}`,
    `IndexedDB rows at end: ${JSON.stringify(r.rows)} · stopped-instance calls refused: ${r.zombieCalls.length}`,
    `variants ${JSON.stringify(r.options.variants ?? {})} · outside tasks ${r.outsideTasks} · asked the user ${r.asked.count} (dropped ${r.asked.dropped}: on Sora; sent again ${r.asked.sentAgain}) · duplicate creates ${[...r.createsByPrompt.values()].filter((n) => n > 1).length}`,
    '',
    '| finished jobs | sim h | worker stops | heap MB (after GC) | worker instance MB | job rows | history rows |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.checkpoints.map(
      (c) =>
        `| ${c.finished} | ${fmt(c.simHours, 2)} | ${c.stops} | ${fmt(c.heapMb)} | ${fmt(c.workerMb, 2)} | ${c.jobRows} | ${c.historyRows} |`,
    ),
    '',
    `heap slope: ${fmt(heapSlope, 2)} MB per 100 finished jobs · worker instance slope: ${fmt(workerSlope, 3)} MB per 100`,
  ];
  const h = r.heapShares;
  if (h) {
    lines.push(
      `heap at the end ${fmt(h.endMb)} MB: simulator records ${fmt(h.simulatorMb)}, IndexedDB rows ${fmt(h.indexedDbMb)}, the rest ${fmt(h.restMb)}`,
    );
  }
  return lines.join('\n');
}
