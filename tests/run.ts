/**
 * `npm test`: every check. The unit tests first, on every core; then the build; then the end-to-end suite with the
 * light checks beside it at the lowest CPU priority:
 *
 *   test:unit → build ──┬── lane A: test:e2e (Chromium), normal priority, output live
 *                       └── lane B: lint → typecheck → lint:firefox (lowest priority) → test:firefox (normal),
 *                                   output printed when the lane ends
 *
 * Why: the end-to-end suite keeps both cores ~80–90% busy (browser launches, pages, Playwright) and waits the
 * rest; lint, types and the Firefox build are short CPU work that needs no browser and fits in those waits
 * (~40 s of it left the loop). The unit suite runs before, on both cores: beside the end-to-end suite it slowed it
 * by ~0.6 min of the ~1.3 it saved (docs/PERFORMANCE.md, The test loop). The Firefox smoke drives a real browser
 * with timeouts of its own, so it runs at normal priority.
 *
 * Every step runs even when another fails (one red run shows every failure); the exit code is 1 if any failed.
 * The build must pass for the end-to-end suite to run: it tests the built extension.
 */
import { spawn } from 'node:child_process';
import { constants, setPriority } from 'node:os';

interface Step {
  script: string;
  /** Lowest CPU priority: the step only takes the cores the end-to-end suite leaves. */
  low?: boolean;
}

interface Outcome {
  script: string;
  lane: string;
  startS: number;
  seconds: number;
  ok: boolean | null;
}

const started = Date.now();
const since = (t: number) => (t - started) / 1000;
const outcomes: Outcome[] = [];

/** Runs `npm run <script>`; `out` receives its output (the terminal, or a buffer). */
function run(step: Step, lane: string, out: (chunk: Buffer) => void): Promise<boolean> {
  const t0 = Date.now();
  const child = spawn('npm', ['run', '-s', step.script], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Set before npm has started anything: the step's own processes inherit the priority.
  if (step.low && child.pid) setPriority(child.pid, constants.priority.PRIORITY_LOW);
  child.stdout?.on('data', out);
  child.stderr?.on('data', out);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const ok = code === 0;
      outcomes.push({ script: step.script, lane, startS: since(t0), seconds: (Date.now() - t0) / 1000, ok });
      resolve(ok);
    });
  });
}

const live = (chunk: Buffer) => process.stdout.write(chunk);

/** Runs `steps` one after the other; a lane that is not `shown` live prints its output as one block at its end. */
async function lane(name: string, steps: Step[], shown: boolean): Promise<boolean> {
  const kept: Buffer[] = [];
  const out = shown ? live : (chunk: Buffer) => void kept.push(chunk);
  let allOk = true;
  for (const step of steps) {
    out(Buffer.from(`\n> ${step.script}\n`));
    allOk = (await run(step, name, out)) && allOk;
  }
  if (!shown) live(Buffer.from(`\n──── lane ${name} ────${Buffer.concat(kept)}\n────\n`));
  return allOk;
}

/** A step that cannot run (the end-to-end suite without a build): shown in the summary, counted as failed. */
async function notRun(script: string, laneName: string): Promise<boolean> {
  outcomes.push({ script, lane: laneName, startS: since(Date.now()), seconds: 0, ok: null });
  return false;
}

const unitOk = await lane('first', [{ script: 'test:unit' }], true);
const built = await lane('first', [{ script: 'build' }], true);
const results = await Promise.all([
  built ? lane('A', [{ script: 'test:e2e' }], true) : notRun('test:e2e', 'A'),
  lane(
    'B',
    [
      { script: 'lint', low: true },
      { script: 'typecheck', low: true },
      { script: 'lint:firefox', low: true },
      { script: 'test:firefox' },
    ],
    false,
  ),
]);

const rows = outcomes
  .sort((a, b) => a.startS - b.startS)
  .map(
    (o) =>
      `${o.ok === null ? 'not run' : o.ok ? 'ok     ' : 'FAILED '}  ${o.lane.padEnd(5)} ${o.script.padEnd(13)} ` +
      `from ${o.startS.toFixed(0).padStart(4)} s  ${o.seconds.toFixed(0).padStart(4)} s`,
  );
process.stdout.write(`\nnpm test: ${since(Date.now()).toFixed(0)} s\n${rows.join('\n')}\n`);
process.exit(unitOk && built && results.every(Boolean) ? 0 : 1);
