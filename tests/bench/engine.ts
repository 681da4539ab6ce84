/**
 * The job engine against the Sora simulator: 200 ten-second videos at ceiling 3, through the real lib/sora
 * client and the real SoraPort adapter (in process, `sim.fetch`), on fake-indexeddb. Time is the
 * simulator's clock, frozen and moved forward by whoever is waiting (the engine's timers, or the naive
 * poller's): hours of Sora time run in seconds, and every figure is in simulated milliseconds, so request
 * latency of this machine does not distort them.
 *
 * The same workload then runs through a naive per-job poller (./naive.ts) on a fresh simulator.
 */
import 'fake-indexeddb/auto';
import { listHistory } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import { openCompanionDb } from '../../lib/db/schema';
import { createEngine } from '../../lib/jobs/engine';
import { toRequest } from '../../lib/jobs/input';
import { createSoraPort } from '../../lib/jobs/sora-port';
import { createSoraHttp, type FetchFn } from '../../lib/sora/http';
import { createSim, type Sim } from '../sim/app';
import { createManualClock, runUntil } from '../unit/fakes/jobs';
import { randomSentinel } from '../unit/harness/random-sentinel';
import { runNaive } from './naive';
import type { Bench, BenchReport, BenchTarget } from './types';

const JOBS = 200;
const CEILING = 3;
const INTERVAL_MS = 2500;
const EMAIL = 'bench@example.com';

export interface Figures {
  jobs: number;
  ceiling: number;
  videos_done: number;
  makespan_s: number;
  ideal_makespan_s: number;
  slot_utilization: number;
  pending_reads: number;
  pending_reads_per_interval: number;
  max_pending_reads_in_any_interval: number;
  drafts_reads: number;
  drafts_reads_per_video: number;
  requests: number;
  requests_per_video: number;
  completion_to_history_ms_p50: number;
  completion_to_history_ms_p95: number;
  completion_to_history_ms_max: number;
  creates_accepted: number;
  creates_refused: number;
  max_concurrent_tasks: number;
  wall_s: number;
}

/** Deterministic jitter for the engine's backoff (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Network time, in simulated ms: each request takes a seeded random latency, half before Sora sees it and
 * half on the way back, and moves the simulator's clock accordingly (requests sent together overlap, as on
 * a real network). Without it every task would end exactly on a poll (tasks and interval are both multiples
 * of 2.5 s) and both strategies would look perfect.
 */
export const LATENCY_MS = { read: [80, 250], create: [300, 900] } as const;

function withLatency(
  inner: FetchFn,
  sim: Sim,
  random: () => number,
  sent: { path: string; at: number }[],
): FetchFn {
  const advanceTo = (t: number) => {
    const now = sim.clock.now();
    if (t > now) sim.clock.advance(t - now);
  };
  return async (input, init) => {
    const t0 = sim.clock.now();
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const url = new URL(String(input instanceof Request ? input.url : input));
    sent.push({ path: url.pathname, at: t0 });
    const [lo, hi] = method === 'GET' ? LATENCY_MS.read : LATENCY_MS.create;
    const total = Math.round(lo + random() * (hi - lo));
    // Let every request sent at this instant leave before time moves.
    await new Promise((resolve) => setImmediate(resolve));
    advanceTo(t0 + Math.round(total / 2));
    const res = await inner(input, init);
    advanceTo(t0 + total);
    return res;
  };
}

function world(name: string) {
  const sim = createSim({ speed: 0, seed: 42, ceiling: CEILING, logLimit: 1_000_000 });
  sim.control.upsertUser({ email: EMAIL, plan: 'plus', quota: { remaining: 100_000, allowance: 100_000 } });
  const token = sim.control.accessToken(EMAIL, { expiresInSec: 30 * 86_400 });
  const sent: { path: string; at: number }[] = [];
  const http = createSoraHttp({
    fetch: withLatency(sim.fetch, sim, seeded(7), sent),
    getAccessToken: async () => token,
    sentinel: randomSentinel(),
    now: () => sim.clock.now(),
  });
  const clock = createManualClock(sim.clock.now(), {
    now: () => sim.clock.now(),
    advance: (ms) => sim.clock.advance(ms),
  });
  return {
    sim,
    sent,
    port: createSoraPort(http),
    clock,
    db: openCompanionDb({ name: `bench-${name}-${Date.now()}` }),
  };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** The most reads that fall inside any window of one interval. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= windowMs) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

function measure(
  sim: Sim,
  sent: { path: string; at: number }[],
  history: HistoryItem[],
  start: number,
  wallMs: number,
): Figures {
  const state = sim.control.state();
  const tasks = state.videoTasks;
  const busy = tasks.reduce((sum, t) => sum + (t.doneAt - t.createdAt), 0);
  const end = Math.max(...tasks.map((t) => t.doneAt));
  const makespan = end - start;
  const log = sim.control
    .log()
    .filter((e) => e.host === 'sora.chatgpt.com' && e.path.startsWith('/backend/'));
  const pendingTimes = log.filter((e) => e.path === '/backend/nf/pending/v2').map((e) => e.simTime);
  const drafts = log.filter((e) => e.path.startsWith('/backend/project_y/profile/drafts')).length;
  const doneAt = new Map(tasks.map((t) => [t.id, t.doneAt]));
  const latencies = history.map((h) => h.createdAt - (doneAt.get(h.taskId) ?? h.createdAt));
  const stats = sim.control.stats();
  const videos = new Set(history.map((h) => h.taskId)).size;
  return {
    jobs: JOBS,
    ceiling: CEILING,
    videos_done: videos,
    makespan_s: makespan / 1000,
    ideal_makespan_s: busy / CEILING / 1000,
    slot_utilization: busy / (CEILING * makespan),
    pending_reads: pendingTimes.length,
    // Reads per interval-long slot of the polling span (first to last read), so the read at each end of
    // the span is not counted against a fraction of an interval.
    pending_reads_per_interval:
      pendingTimes.length /
      (Math.floor((Math.max(...pendingTimes) - Math.min(...pendingTimes)) / INTERVAL_MS) + 1),
    // When the client sent them (arrival times jitter with the network).
    max_pending_reads_in_any_interval: maxInWindow(
      sent.filter((r) => r.path === '/backend/nf/pending/v2').map((r) => r.at),
      INTERVAL_MS,
    ),
    drafts_reads: drafts,
    drafts_reads_per_video: drafts / videos,
    requests: log.length,
    requests_per_video: log.length / videos,
    completion_to_history_ms_p50: percentile(latencies, 50),
    completion_to_history_ms_p95: percentile(latencies, 95),
    completion_to_history_ms_max: Math.max(...latencies),
    creates_accepted: stats.creates.accepted,
    creates_refused: stats.creates.rejected,
    max_concurrent_tasks: stats.maxConcurrentObserved,
    wall_s: wallMs / 1000,
  };
}

const prompts = () => Array.from({ length: JOBS }, (_, i) => `bench video ${i + 1}: a paper boat on a river`);

export async function runEngine(): Promise<Figures> {
  const w = world('engine');
  const db = await w.db;
  const engine = createEngine({
    db,
    port: w.port,
    now: w.clock.now,
    setTimer: w.clock.setTimer,
    random: seeded(1),
    ceiling: () => CEILING,
    autoTick: false,
    options: { pollIntervalMs: INTERVAL_MS },
  });
  let finished = false;
  engine.onBatchFinished(() => {
    finished = true;
  });
  const wall = performance.now();
  const start = w.sim.clock.now();
  await engine.enqueue(prompts().map((prompt) => ({ kind: 'video', prompt })));
  await engine.tick();
  const ok = await runUntil(engine, w.clock, () => finished, 48 * 3_600_000);
  if (!ok) throw new Error('The engine did not finish the batch.');
  const history = await listHistory(db, { limit: JOBS * 2 });
  engine.dispose();
  db.close();
  return measure(w.sim, w.sent, history, start, performance.now() - wall);
}

export async function runNaiveBaseline(): Promise<Figures> {
  const w = world('naive');
  const db = await w.db;
  const wall = performance.now();
  const start = w.sim.clock.now();
  await runNaive({
    port: w.port,
    db,
    clock: w.clock,
    requests: prompts().map((prompt) => toRequest({ kind: 'video', prompt })),
    ceiling: CEILING,
    intervalMs: INTERVAL_MS,
  });
  const history = await listHistory(db, { limit: JOBS * 2 });
  db.close();
  return measure(w.sim, w.sent, history, start, performance.now() - wall);
}

export const engineBench: Bench = {
  name: 'engine',
  description: `${JOBS} videos at ceiling ${CEILING} against the simulator: the job engine vs a per-job poller`,
  async run(): Promise<BenchReport> {
    const engine = await runEngine();
    const naive = await runNaiveBaseline();
    const keys = Object.keys(engine) as (keyof Figures)[];
    const targets: BenchTarget[] = [
      {
        metric: 'slot_utilization',
        target: '≥ 0.97',
        value: engine.slot_utilization,
        pass: engine.slot_utilization >= 0.97,
      },
      {
        metric: 'pending_reads_per_interval',
        target: '≤ 1',
        value: engine.pending_reads_per_interval,
        pass: engine.pending_reads_per_interval <= 1,
      },
      {
        metric: 'max_pending_reads_in_any_interval',
        target: '≤ 1',
        value: engine.max_pending_reads_in_any_interval,
        pass: engine.max_pending_reads_in_any_interval <= 1,
      },
      {
        metric: 'drafts_reads_per_video',
        target: '≤ 1.1',
        value: engine.drafts_reads_per_video,
        pass: engine.drafts_reads_per_video <= 1.1,
      },
      {
        metric: 'completion_to_history_ms_p95',
        target: `≤ ${INTERVAL_MS + 500}`,
        value: engine.completion_to_history_ms_p95,
        pass: engine.completion_to_history_ms_p95 <= INTERVAL_MS + 500,
      },
      {
        metric: 'videos_done',
        target: `= ${JOBS}, one accepted create each`,
        value: engine.videos_done,
        pass: engine.videos_done === JOBS && engine.creates_accepted === JOBS,
      },
      {
        metric: 'max_concurrent_tasks',
        target: `≤ ${CEILING}`,
        value: engine.max_concurrent_tasks,
        pass: engine.max_concurrent_tasks <= CEILING,
      },
    ];
    return {
      columns: ['engine', 'naive'],
      rows: keys.map((k) => ({ metric: k, values: [engine[k], naive[k]] })),
      targets,
      json: {
        bench: 'engine',
        generatedAt: new Date().toISOString(),
        setup: {
          jobs: JOBS,
          ceiling: CEILING,
          poll_interval_ms: INTERVAL_MS,
          video: '300 frames; simulator phases 5 + 10 + 40 + 5 s',
          time: 'simulator clock, frozen and advanced by the waiting side (all figures in simulated ms)',
          network_latency_ms: LATENCY_MS,
          definitions: {
            slot_utilization: 'sum of task lifetimes (accepted create → left pending) / (ceiling × makespan)',
            makespan: 'enqueue → the last task left the pending list',
            pending_reads_per_interval:
              'pending reads / interval-long slots between the first and the last read',
            completion_to_history_ms: 'task left the pending list → its history item was written',
          },
        },
        engine,
        naive,
        targets,
      },
    };
  },
};
