/**
 * Renders the fault matrices into docs/RELIABILITY.md, each between its markers (the text around them is
 * kept):
 *
 * - `<!-- matrix:start -->` … `<!-- matrix:end -->`: the unit matrix, tests/unit/.reliability.json, written by
 *   tests/unit/reliability.test.ts;
 * - `<!-- e2e-matrix:start -->` … `<!-- e2e-matrix:end -->` and `<!-- e2e-shown:start -->` … `<!-- e2e-shown:end -->`:
 *   the Chromium matrix and the sentences its UI showed, tests/e2e/.reliability.json, written by
 *   tests/e2e/faults.spec.ts.
 *
 *   npx vitest run tests/unit/reliability.test.ts && npx tsx tests/reliability/render.ts
 *   npx wxt build && npx playwright test tests/e2e/faults.spec.ts && npx tsx tests/reliability/render.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Matrix } from './matrix';

const cell = (s: string | undefined) => (s ?? '(not run)').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(m: Matrix): string {
  const head = `| fault | ${m.journeys.join(' | ')} |`;
  const rule = `| --- | ${m.journeys.map(() => '---').join(' | ')} |`;
  const rows = m.faults.map(
    (f) => `| \`${f}\` | ${m.journeys.map((j) => cell(m.results[j]?.[f])).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}

export function renderShown(shown: Record<string, string>): string {
  const rows = Object.entries(shown)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, text]) => `| \`${code}\` | ${cell(text)} |`);
  return ['| code | what the UI said |', '| --- | --- |', ...rows].join('\n');
}

/** Replaces what stands between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceSection(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/RELIABILITY.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, a + start.length)}\n\n${content}\n\n${text.slice(b)}`;
}

function load(relative: string): Matrix | null {
  const file = fileURLToPath(new URL(relative, import.meta.url));
  if (!existsSync(file)) {
    process.stderr.write(`${relative} not found: its table is left as it is\n`);
    return null;
  }
  const matrix = JSON.parse(readFileSync(file, 'utf8')) as Matrix;
  const missing = matrix.journeys.flatMap((j) =>
    matrix.faults.filter((f) => matrix.results[j]?.[f] === undefined).map((f) => `${j} × ${f}`),
  );
  if (missing.length > 0) {
    process.stderr.write(
      `${relative}: ${missing.length} cell(s) not run (run the whole file): ${missing.join(', ')}\n`,
    );
  }
  process.stdout.write(`${relative}: ${matrix.journeys.length} journeys × ${matrix.faults.length} faults\n`);
  return matrix;
}

function main(): void {
  const doc = fileURLToPath(new URL('../../docs/RELIABILITY.md', import.meta.url));
  let text = readFileSync(doc, 'utf8');
  const unit = load('../unit/.reliability.json');
  if (unit) text = replaceSection(text, 'matrix', renderTable(unit));
  const e2e = load('../e2e/.reliability.json');
  if (e2e) {
    text = replaceSection(text, 'e2e-matrix', renderTable(e2e));
    text = replaceSection(text, 'e2e-shown', renderShown(e2e.shown ?? {}));
  }
  writeFileSync(doc, text);
}

main();
