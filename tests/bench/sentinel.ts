/**
 * `npm run bench -- sentinel`: what a hand-made sentinel token costs with no Sora tab open, and whether the
 * engine's poll reads keep their rhythm while one is being made.
 *
 * 1. Time to make one token (requirements exchange with the in-process simulator + proof of work), p50 / p95,
 *    at the simulator's default difficulty and at 4× it (a quarter of the hex threshold).
 * 2. Rhythm: a timer firing every 100 ms, as the engine's pending-list poll does (lib/util/ticker.ts), measured
 *    idle and while tokens at 4× difficulty are made back to back in the same thread. The solver yields to the
 *    event loop every few milliseconds (lib/sora/sentinel-pow.ts), so the interval should hardly move; the
 *    figure is the ratio of the gaps to the idle gaps measured in the same run (this machine is shared).
 */
import { loadavg } from 'node:os';
import { powSentinel } from '../../lib/sora/sentinel-pow';
import { createSim } from '../sim/app';
import type { Bench, BenchReport } from './types';

const TOKENS = 40;
const POLL_MS = 100;
const RHYTHM_MS = 6000;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function tokenTimes(difficulty: string): Promise<{ ms: number[]; exchanges: number }> {
  const sim = createSim({ speed: 0, seed: 5, sentinelMode: 'strict', sentinelDifficulty: difficulty });
  const source = powSentinel({
    hasAccess: async () => true,
    fetch: async (input, init) => sim.app.fetch(new Request(input, init)),
  });
  const ms: number[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const t0 = performance.now();
    await source.token('sora_2_create_task');
    ms.push(performance.now() - t0);
  }
  return {
    ms: ms.sort((a, b) => a - b),
    exchanges: sim.control.log({ path: '/backend-api/sentinel/req' }).length,
  };
}

/** Gaps between the ticks of a POLL_MS timer over RHYTHM_MS, with `work` running meanwhile. */
async function tickGaps(
  work: (stop: () => boolean) => Promise<number>,
): Promise<{ gaps: number[]; made: number }> {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, POLL_MS);
  const started = performance.now();
  const made = await work(() => performance.now() - started >= RHYTHM_MS);
  clearInterval(timer);
  return { gaps: gaps.sort((a, b) => a - b), made };
}

const idle = (stop: () => boolean) =>
  new Promise<number>((resolve) => {
    const check = setInterval(() => {
      if (stop()) {
        clearInterval(check);
        resolve(0);
      }
    }, 20);
  });

function solving(difficulty: string) {
  const sim = createSim({ speed: 0, seed: 6, sentinelMode: 'strict', sentinelDifficulty: difficulty });
  const source = powSentinel({
    hasAccess: async () => true,
    fetch: async (input, init) => sim.app.fetch(new Request(input, init)),
  });
  return async (stop: () => boolean) => {
    let made = 0;
    while (!stop()) {
      await source.token('sora_2_create_task');
      made++;
    }
    return made;
  };
}

/** A hex threshold a quarter as large: four times as many tries on average. */
function fourTimesHarder(difficulty: string): string {
  const n = Number.parseInt(difficulty, 16);
  return Math.floor(n / 4)
    .toString(16)
    .padStart(difficulty.length, '0');
}

export const sentinelBench: Bench = {
  name: 'sentinel',
  description: 'hand-made sentinel token time, and the poll rhythm while tokens are made',
  async run(): Promise<BenchReport> {
    const load = loadavg()[0] ?? 0;
    const base = createSim().config.sentinelDifficulty;
    const hard = fourTimesHarder(base);
    const normal = await tokenTimes(base);
    const harder = await tokenTimes(hard);
    const quiet = await tickGaps(idle);
    const busy = await tickGaps(solving(hard));
    const p95Ratio = quantile(busy.gaps, 0.95) / quantile(quiet.gaps, 0.95);
    const maxRatio = (busy.gaps.at(-1) ?? 0) / (quiet.gaps.at(-1) ?? 1);
    return {
      columns: [`difficulty ${base}`, `4× (${hard})`],
      rows: [
        { metric: 'token made, p50 ms', values: [quantile(normal.ms, 0.5), quantile(harder.ms, 0.5)] },
        { metric: 'token made, p95 ms', values: [quantile(normal.ms, 0.95), quantile(harder.ms, 0.95)] },
        { metric: 'tokens (one exchange each)', values: [normal.exchanges, harder.exchanges] },
        {
          metric: `poll gap idle p50 / p95 / max ms (${POLL_MS} ms timer)`,
          values: [
            '',
            `${quantile(quiet.gaps, 0.5).toFixed(0)} / ${quantile(quiet.gaps, 0.95).toFixed(0)} / ${(quiet.gaps.at(-1) ?? 0).toFixed(0)}`,
          ],
        },
        {
          metric: 'poll gap while solving p50 / p95 / max ms',
          values: [
            '',
            `${quantile(busy.gaps, 0.5).toFixed(0)} / ${quantile(busy.gaps, 0.95).toFixed(0)} / ${(busy.gaps.at(-1) ?? 0).toFixed(0)}`,
          ],
        },
        { metric: 'tokens made during the rhythm run', values: ['', busy.made] },
        { metric: 'machine load (1 min)', values: [load, ''] },
      ],
      targets: [
        {
          metric: 'poll gap p95 while solving / idle',
          target: '≤ 1.25',
          value: p95Ratio,
          pass: p95Ratio <= 1.25,
        },
        {
          metric: 'poll gap max while solving / idle',
          target: '≤ 1.5',
          value: maxRatio,
          pass: maxRatio <= 1.5,
        },
      ],
      json: {
        load,
        difficulty: { base, hard },
        tokenMs: { base: normal.ms, hard: harder.ms },
        pollGapsMs: { idle: quiet.gaps, solving: busy.gaps },
        tokensDuringRhythm: busy.made,
      },
    };
  },
};
