/**
 * The long run (issue #8): see tests/soak/soak.ts. In the suite it runs SOAK_JOBS jobs (default 200, same
 * ingredients as the full run); `npm run soak` runs 1,000 with a forced GC to sample the heap, prints the
 * table and writes SOAK_RESULTS (tests/bench/results/soak*.json).
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { report, runSoak } from '../soak/soak';
import { tearDownWorldAndClock } from './harness/background';

const JOBS = Number(process.env.SOAK_JOBS ?? 200);
/** SOAK_STOPS=0: one worker life for the whole run (memory of a worker kept alive). */
const STOPS = process.env.SOAK_STOPS !== '0';
/**
 * SOAK_VARIANTS: simulator variants for the run, e.g. `rewritePrompts,outsideTaskEvery=10` (a bare name is
 * `true`, `name=n` a number).
 */
const VARIANTS = Object.fromEntries(
  (process.env.SOAK_VARIANTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const [k, v] = s.split('=');
      return [k, v === undefined ? true : Number.isNaN(Number(v)) ? v : Number(v)];
    }),
);

describe('soak (real background, stopped worker, expiring tokens, random faults)', () => {
  afterEach(tearDownWorldAndClock);

  it(
    `${JOBS} jobs end done or failed with a reason, none twice, and the queue drains`,
    async () => {
      const r = await runSoak(JOBS, {
        ...(STOPS ? {} : { stopAfterMin: null }),
        ...(Object.keys(VARIANTS).length > 0 ? { variants: VARIANTS } : {}),
      });
      const text = report(r);
      process.stdout.write(`\n## soak\n\n${text}\n`);
      if (process.env.SOAK_RESULTS) {
        const { world, jobs, history, createsByPrompt, enqueued, ...rest } = r;
        writeFileSync(process.env.SOAK_RESULTS, `${JSON.stringify({ ...rest, report: text }, null, 2)}\n`);
      }

      // Nothing lost: every enqueued job is still there, and each one finished.
      expect(r.enqueued).toHaveLength(JOBS);
      expect(r.jobs.map((j) => j.id).sort()).toEqual(r.enqueued.map((j) => j.id).sort());
      // A job that asked "may already be on Sora" may end canceled: the user dropped it (its video is there).
      const unfinished = r.jobs.filter(
        (j) => j.state !== 'done' && j.state !== 'failed' && j.state !== 'canceled',
      );
      expect(r.jobs.filter((j) => j.state === 'canceled')).toHaveLength(r.asked.dropped);
      expect(unfinished.map((j) => `${j.request.prompt}: ${j.state} ${j.pauseReason ?? ''}`)).toEqual([]);
      // Failed honestly: a code the UI turns into words.
      for (const j of r.jobs.filter((x) => x.state === 'failed'))
        expect(j.lastError?.code).toMatch(/^[a-z_]+$/);
      // The ingredients were all there.
      if (STOPS) expect(r.stops).toBeGreaterThan(r.simHours * 5);
      else expect(r.starts).toBe(1);
      expect(r.tokensMinted).toBeGreaterThan(Math.floor(r.simHours));
      expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

      // Nothing twice: at most one accepted create per job (each prompt is unique), one history item per
      // finished task.
      const twice = r.enqueued.filter((j) => (r.createsByPrompt.get(j.prompt) ?? 0) > 1).map((j) => j.prompt);
      expect(twice).toEqual([]);
      const byGeneration = new Set(r.history.map((h) => h.id));
      expect(byGeneration.size).toBe(r.history.length);
      const tasksWithHistory = new Set(r.history.map((h) => h.taskId));
      const doneJobs = r.jobs.filter((j) => j.state === 'done');
      for (const j of doneJobs) expect(tasksWithHistory.has(j.taskId as string)).toBe(true);

      // The queue drained: nothing open, no alarm left to wake the worker for nothing.
      expect(r.openAtEnd).toBe(0);
      expect(r.engineAlarmAtEnd).toBe(false);
      expect(await fakeBrowser.action.getBadgeText({})).toBe('');
      // The harness cut every stopped instance off (else the run would not be faithful).
      expect(r.zombieCalls).toEqual([]);
      // The access token never reached storage.local or a message to a page.
      const local = JSON.stringify(await fakeBrowser.storage.local.get());
      for (const token of r.world.minted) expect(local).not.toContain(token);
    },
    60 * 60_000,
  );
});
