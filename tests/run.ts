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
 * (~40 s of it left the loop). The unit suite is not run beside it: its minute and a half on both cores slowed the
 * end-to-end suite by as much as it saved, and twice in three runs a journey under that load showed a stale
 * character card (docs/PERFORMANCE.md, The test loop). The Firefox smoke drives a real browser with timeouts of
 * its own, so it runs at normal priority.
 *
 * Every step runs even when another fails (one red run shows every failure); the exit code is 1 if any failed.
 * The build must pass for the end-to-end suite to run: it tests the built extension.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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
  const child: ChildProcess = spawn('npm', ['run', '-s', step.script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
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

async function lane(name: string, steps: Step[], live: boolean): Promise<boolean> {
  const kept: Buffer[] = [];
  const out = live ? (chunk: Buffer) => process.stdout.write(chunk) : (chunk: Buffer) => kept.push(chunk);
  let allOk = true;
  for (const step of steps) {
    if (!live) kept.push(Buffer.from(`\n> ${step.script}\n`));
    else process.stdout.write(`\n> ${step.script}\n`);
    allOk = (await run(step, name, out)) && allOk;
  }
  if (!live)
    process.stdout.write(
      `\n──── lane ${name} (${steps.map((s) => s.script).join(', ')}) ────\n${Buffer.concat(kept)}\n────\n`,
    );
  return allOk;
}

/** A step that cannot run (the end-to-end suite without a build): shown in the summary, counted as failed. */
async function notRun(script: string, laneName: string): Promise<boolean> {
  outcomes.push({ script, lane: laneName, startS: since(Date.now()), seconds: 0, ok: null });
  return false;
}

const live = (chunk: Buffer) => process.stdout.write(chunk);
process.stdout.write('> test:unit\n');
const unitOk = await run({ script: 'test:unit' }, 'first', live);
process.stdout.write('\n> build\n');
const built = await run({ script: 'build' }, 'first', live);
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
