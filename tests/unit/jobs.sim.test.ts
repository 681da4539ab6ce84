/**
 * The real engine, through the real lib/sora client and the real SoraPort adapter, against the simulator
 * in process, on the simulator's frozen clock (time moves only when the engine's timers say so).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listHistory } from '../../lib/db/history';
import type { CompanionDb } from '../../lib/db/schema';
import type { JobInput } from '../../lib/jobs/input';
import type { FetchFn } from '../../lib/sora/http';
import { loadFixture, type Sim, type SimConfigPatch } from '../sim/app';
import { simEngine } from './harness/sim-client';

const EMAIL = 'ada@example.com';
let n = 0;
const dbs: CompanionDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function setup(config: SimConfigPatch = {}, wrapFetch?: (f: FetchFn) => FetchFn) {
  const s = await simEngine({
    email: EMAIL,
    seed: 7,
    config,
    wrapFetch,
    dbName: `jobs-sim-${++n}`,
    limitMs: 6 * 3_600_000,
  });
  dbs.push(s.db);
  return s;
}

const creates = (sim: Sim) =>
  sim.control
    .log({ method: 'POST' })
    .filter((e) => /\/backend\/(nf\/create|video_gen)/.test(e.path) && e.status === 200);

describe('engine against the simulator', () => {
  it('runs a mixed batch to the end: no duplicate, ceiling kept, one pending read per interval', async () => {
    const s = await setup({ blockedPrompts: ['forbidden'], failingPrompts: ['explode'] });
    const remixTarget = s.sim.state.seededPostIds[0]!;
    const png = new Blob([loadFixture('image.png')], { type: 'image/png' });
    const inputs: JobInput[] = [
      ...Array.from({ length: 6 }, (_, i) => ({
        kind: 'video' as const,
        prompt: `a lighthouse at dusk, take ${i}`,
      })),
      { kind: 'video', prompt: 'something forbidden' },
      { kind: 'video', prompt: 'watch it explode' },
      {
        kind: 'video',
        prompt: 'the cat wakes up',
        startImage: { blob: png, fileName: 'cat.png' },
        orientation: 'portrait',
      },
      { kind: 'remix', prompt: 'make it rain', remixTarget: `https://sora.chatgpt.com/p/${remixTarget}` },
      {
        kind: 'storyboard',
        prompt:
          'current timeline:\nShot 1:\nduration: 5.0sec\nScene: a door opens\n\nShot 2:\nduration: 5.0sec\nScene: light floods in',
      },
      { kind: 'image', prompt: 'a paper crane', nVariants: 2 },
    ];
    const jobs = await s.engine.enqueue(inputs);
    expect(await s.runToEnd()).toBe(true);

    const final = await s.engine.list();
    const stateOf = (i: number) => final.find((j) => j.id === jobs[i]!.id)!;
    for (const i of [0, 1, 2, 3, 4, 5, 8, 9, 10, 11]) expect(stateOf(i).state, `job ${i}`).toBe('done');
    expect(stateOf(6)).toMatchObject({ state: 'failed', lastError: { code: 'policy_violation' } });
    expect(stateOf(7).state).toBe('failed');
    expect(stateOf(7).lastError?.code).toMatch(/task_failed|policy_violation/);
    expect(stateOf(8).result?.generations[0]).toMatchObject({ width: 512, height: 896 });
    expect(stateOf(11).result?.generations).toHaveLength(2);

    const stats = s.sim.control.stats();
    expect(stats.maxConcurrentObserved).toBeLessThanOrEqual(3);
    // Exactly one accepted create per job: nothing was ever sent twice.
    expect(creates(s.sim)).toHaveLength(inputs.length);
    expect(stats.creates.rejected).toBe(0);

    const pendingReads = s.sim.control.log({ path: '/backend/nf/pending/v2' }).map((e) => e.simTime);
    for (let i = 1; i < pendingReads.length; i++) {
      expect(pendingReads[i]! - pendingReads[i - 1]!).toBeGreaterThanOrEqual(2500);
    }
    const history = await listHistory(s.db, { limit: 100 });
    expect(history).toHaveLength(10 + 1);
    expect(history.every((h) => h.url.startsWith('https://videos.openai.com/'))).toBe(true);

    // The access token is never written to IndexedDB.
    for (const store of ['jobs', 'history', 'meta', 'files'] as const) {
      const dump = JSON.stringify(await s.db.getAll(store));
      expect(dump).not.toContain(s.token);
      expect(dump.toLowerCase()).not.toContain('bearer');
    }
  });

  it('copes with the other response shapes: minimal pending items, late URLs, legacy drafts path', async () => {
    const s = await setup({
      variants: { pendingFields: 'minimal', draftUrlDelaySec: 5, draftsV2: 'not_found', imageUrlDelaySec: 4 },
    });
    await s.engine.enqueue([
      ...Array.from({ length: 4 }, (_, i) => ({ kind: 'video' as const, prompt: `variant ${i}` })),
      { kind: 'image', prompt: 'late image' },
    ]);
    expect(await s.runToEnd()).toBe(true);
    expect((await s.engine.list()).map((j) => j.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(creates(s.sim)).toHaveLength(5);
  });

  it('loses no job and sends nothing twice when a create answer is lost after Sora took it', async () => {
    let dropped = 0;
    const s = await setup({}, (inner) => async (input, init) => {
      const res = await inner(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith('/backend/nf/create') && dropped < 2) {
        dropped++;
        throw new TypeError('fetch failed');
      }
      return res;
    });
    await s.engine.enqueue(
      Array.from({ length: 4 }, (_, i) => ({ kind: 'video' as const, prompt: `lost answer ${i}` })),
    );
    expect(await s.runToEnd()).toBe(true);
    expect(dropped).toBe(2);
    expect((await s.engine.list()).every((j) => j.state === 'done')).toBe(true);
    expect(creates(s.sim)).toHaveLength(4);
  });

  it('sends a create again when the connection dropped before Sora saw it', async () => {
    const s = await setup();
    s.sim.control.addFault({ method: 'POST', path: '/backend/nf/create', kind: 'drop', times: 1 });
    await s.engine.enqueue([{ kind: 'video', prompt: 'dropped once' }]);
    expect(await s.runToEnd()).toBe(true);
    expect((await s.engine.list())[0]).toMatchObject({ state: 'done', attempts: 2 });
    expect(creates(s.sim)).toHaveLength(1);
  });

  it('pauses on the daily limit and resumes at the reset Sora reports', async () => {
    const s = await setup();
    s.sim.control.setQuota({ remaining: 2, resetsInSec: 3600, email: EMAIL });
    await s.engine.enqueue(
      Array.from({ length: 3 }, (_, i) => ({ kind: 'video' as const, prompt: `quota ${i}` })),
    );
    await s.engine.tick();
    const status = await s.engine.status();
    expect(status.pause?.reason).toBe('daily_limit');
    const until = status.pause!.until!;
    expect(until - s.sim.clock.now()).toBeGreaterThan(3_500_000);
    expect(await s.runToEnd()).toBe(true);
    const final = await s.engine.list();
    expect(final.map((j) => j.state)).toEqual(['done', 'done', 'done']);
    expect(Math.max(...final.map((j) => j.runningAt ?? 0))).toBeGreaterThanOrEqual(until);
  });
});

describe('create exactly once when Sora rewrites prompts or the user works in Sora’s own page', () => {
  /** Sora takes the first `n` creates but their answers never come back (a worker stopped right after). */
  const loseAnswers = (n: number) => {
    let lost = 0;
    return (inner: FetchFn): FetchFn =>
      async (input, init) => {
        const res = await inner(input, init);
        const url = String(input instanceof Request ? input.url : input);
        if (url.endsWith('/backend/nf/create') && lost < n) {
          lost++;
          throw new TypeError('fetch failed');
        }
        return res;
      };
  };

  it('rewritten prompts and lost answers: one create per job, every job done, no question asked', async () => {
    const s = await setup({ variants: { rewritePrompts: true } }, loseAnswers(3));
    await s.engine.enqueue(
      ['a red fox in snow', 'a paper boat on a river', 'a tram at night'].map((prompt) => ({
        kind: 'video' as const,
        prompt,
      })),
    );
    expect(await s.runToEnd()).toBe(true);
    const jobs = await s.engine.list();
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done', 'done']);
    expect(creates(s.sim)).toHaveLength(3);
    // Sora really did store other words than the ones sent.
    const tasks = s.sim.control.state().videoTasks;
    expect(tasks.every((t) => t.storedPrompt !== undefined && t.storedPrompt !== t.prompt)).toBe(true);
    for (const j of jobs) expect(tasks.find((t) => t.id === j.taskId)?.prompt).toBe(j.request.prompt);
    expect((await s.engine.status()).askedUser).toBe(0);
  });

  it('a same-prompt task made outside is never claimed; when it cannot be told apart the user decides', async () => {
    const s = await setup({ variants: { rewritePrompts: true } }, loseAnswers(2));
    // Made in Sora's own page at the same moment: one with another length, one exactly like the second job.
    const other = s.sim.control.outsideTask({ email: EMAIL, prompt: 'a glacier at dawn', nFrames: 150 });
    const twin = s.sim.control.outsideTask({ email: EMAIL, prompt: 'a night market', nFrames: 300 });
    await s.engine.enqueue([
      { kind: 'video', prompt: 'a glacier at dawn', nFrames: 450 },
      { kind: 'video', prompt: 'a night market', nFrames: 300 },
    ]);
    // The first job ends done; the second waits for the user (nothing more is scheduled for it).
    expect(await s.runToEnd()).toBe(false);
    const asked = async () =>
      (await s.engine.list()).find((j) => j.awaitingUser === true && j.state === 'submitting');
    const [first, second] = await s.engine.list();
    expect(first).toMatchObject({ state: 'done' });
    expect(first?.taskId).not.toBe(other);
    expect(second).toMatchObject({ state: 'submitting', awaitingUser: true });
    expect(second?.taskId).toBeNull();
    expect(await asked()).toBeDefined();
    expect(creates(s.sim)).toHaveLength(2);
    expect((await s.engine.status()).askedUser).toBe(1);
    // Sora's lists hold two tasks that fit it (its own and the twin): neither was taken.
    const owned = (await s.engine.list()).map((j) => j.taskId);
    expect(owned).not.toContain(twin);
    // The user looked at their drafts on Sora and drops it: nothing more is sent.
    await s.engine.cancel([second!.id]);
    expect(await s.runToEnd()).toBe(true);
    expect((await s.engine.list())[1]?.state).toBe('canceled');
    expect(creates(s.sim)).toHaveLength(2);
  });
});
