/**
 * The harness's "service worker stopped" (./harness/service-worker.ts) is faithful: a stopped instance
 * leaves no timer, listener or answer behind and cannot write; what the browser keeps survives; the next
 * alarm starts a new instance that takes the queue over.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Job } from '../../lib/db/job-record';
import { DB_NAME, getDb } from '../../lib/db/schema';
import { listJobs } from '../../lib/jobs/queue';
import {
  serviceWorkerOf,
  setUpWorld,
  tearDownWorldAndClock,
  useWorkerClock,
  type World,
} from './harness/background';
import type { ServiceWorker } from './harness/service-worker';

async function flushReal(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

async function until(cond: () => Promise<boolean>, worker?: ServiceWorker, maxMs = 10 * 60_000) {
  for (let t = 0; t <= maxMs; t += 1000) {
    await (worker ? worker.settle() : flushReal());
    if (await cond()) return true;
    await worker?.fireDueAlarms();
    await vi.advanceTimersByTimeAsync(1000);
  }
  return cond();
}

async function boot(): Promise<{ w: World; worker: ServiceWorker }> {
  useWorkerClock();
  fakeBrowser.reset();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(DB_NAME);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
  const w = setUpWorld({ sim: { speed: 1, seed: 3 } });
  const worker = serviceWorkerOf(w);
  await worker.start();
  await flushReal();
  return { w, worker };
}

const storedJobs = async (): Promise<Job[]> => listJobs(await getDb());

describe('service worker stop (harness)', () => {
  afterEach(tearDownWorldAndClock);

  it('cuts the stopped instance off, keeps what the browser keeps, and the next alarm takes over', async () => {
    const { w, worker } = await boot();
    const asked = await w.ask('jobs.enqueue', {
      inputs: [1, 2].map((i) => ({ kind: 'video', prompt: `stop test ${i}`, nFrames: 300 })),
    });
    expect(asked.ok).toBe(true);
    expect(await until(async () => (await storedJobs()).every((j) => j.state === 'running'), worker)).toBe(
      true,
    );
    // The alarm that wakes a stopped worker is set once the engine has reported its status.
    expect(await until(async () => (await fakeBrowser.action.getBadgeText({})) === '2', worker)).toBe(true);
    const session = await fakeBrowser.storage.session.get();
    const requestsBefore = w.sim.control.stats().requests;

    worker.stop();
    expect(worker.running).toBe(false);
    // No listener left: a page's message finds nobody (Chrome would start a new instance for it).
    await expect(w.ask('jobs.list', {})).rejects.toThrow(/nobody answered/);
    // Five minutes with no instance: not one request, no write, no timer of the old life.
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await flushReal();
    expect(w.sim.control.stats().requests).toBe(requestsBefore);
    expect(worker.zombieCalls).toEqual([]);
    // What the browser keeps.
    expect(await fakeBrowser.storage.session.get()).toEqual(session);
    expect((await storedJobs()).map((j) => j.state)).toEqual(['running', 'running']);
    const alarms = await fakeBrowser.alarms.getAll();
    expect(alarms.map((a) => a.name)).toContain('jobs.engine');

    // The alarm wakes a new instance, which finishes the same jobs without sending them again.
    expect(await worker.fireDueAlarms()).toBeGreaterThan(0);
    expect(worker.running).toBe(true);
    expect(worker.starts).toBe(2);
    expect(await until(async () => (await storedJobs()).every((j) => j.state === 'done'), worker)).toBe(true);
    const creates = w.sim.control.log({ method: 'POST', path: '/backend/nf/create' });
    expect(creates.filter((e) => e.status === 200)).toHaveLength(2);
  }, 30_000);

  it('a batch that keeps changing does not push its wake-up alarm away', async () => {
    const { w, worker } = await boot();
    await w.ask('jobs.enqueue', {
      inputs: [1, 2, 3].map((i) => ({ kind: 'video', prompt: `busy batch ${i}`, nFrames: 300 })),
    });
    expect(await until(async () => (await fakeBrowser.alarms.get('jobs.engine')) !== undefined, worker)).toBe(
      true,
    );
    const first = (await fakeBrowser.alarms.get('jobs.engine'))?.scheduledTime;
    const changesBefore = (await storedJobs()).map((j) => j.updatedAt).join();
    for (let i = 0; i < 20; i++) {
      await worker.settle();
      await vi.advanceTimersByTimeAsync(1000);
    }
    // The jobs did change meanwhile (progress, states), and the alarm still fires when it first said.
    expect((await storedJobs()).map((j) => j.updatedAt).join()).not.toBe(changesBefore);
    expect((await fakeBrowser.alarms.get('jobs.engine'))?.scheduledTime).toBe(first);
  }, 30_000);

  it('never delivers an answer that arrives after the stop, and the request still reached the backend', async () => {
    const { w, worker } = await boot();
    // The create hangs at the backend until the instance is stopped (its fetch is then aborted).
    w.sim.control.addFault({ method: 'POST', path: '/backend/nf/create', kind: 'hang', times: 1 });
    await w.ask('jobs.enqueue', { inputs: [{ kind: 'video', prompt: 'lost answer', nFrames: 150 }] });
    expect(await until(async () => w.sim.control.log({ path: '/backend/nf/create' }).length === 1)).toBe(
      true,
    );
    worker.stop();
    await flushReal();
    const [entry] = w.sim.control.log({ path: '/backend/nf/create' });
    expect(entry?.outcome).toBe('aborted');
    expect((await storedJobs())[0]?.state).toBe('submitting');
    await worker.start();
    expect(await until(async () => (await storedJobs())[0]?.state === 'done', worker)).toBe(true);
    expect(worker.zombieCalls).toEqual([]);
  }, 30_000);

  it('refuses a write the stopped instance still attempts', async () => {
    const { worker } = await boot();
    let resume: () => void = () => {};
    const gate = new Promise<void>((r) => {
      resume = r;
    });
    // Code of the instance that resumes after the stop (as if the harness had missed a source).
    void worker.within(() => gate.then(() => fakeBrowser.storage.local.set({ late: true })));
    worker.stop();
    resume();
    await flushReal();
    expect(await fakeBrowser.storage.local.get('late')).toEqual({});
    expect(worker.zombieCalls).toEqual(['set']);
  });
});
