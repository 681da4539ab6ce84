/**
 * Renders the fault matrix written by tests/unit/reliability.test.ts (tests/unit/.reliability.json) into
 * the table of docs/RELIABILITY.md, between its `<!-- matrix:start -->` and `<!-- matrix:end -->` markers
 * (the text around them is kept).
 *
 *   npx vitest run tests/unit/reliability.test.ts && npx tsx tests/reliability/render.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Matrix {
  journeys: string[];
  faults: string[];
  results: Record<string, Record<string, string>>;
}

const START = '<!-- matrix:start -->';
const END = '<!-- matrix:end -->';

const cell = (s: string | undefined) => (s ?? '(not run)').replace(/\|/g, '\\|');

export function renderTable(m: Matrix): string {
  const head = `| fault | ${m.journeys.join(' | ')} |`;
  const rule = `| --- | ${m.journeys.map(() => '---').join(' | ')} |`;
  const rows = m.faults.map(
    (f) => `| \`${f}\` | ${m.journeys.map((j) => cell(m.results[j]?.[f])).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}

function main(): void {
  const json = fileURLToPath(new URL('../unit/.reliability.json', import.meta.url));
  const doc = fileURLToPath(new URL('../../docs/RELIABILITY.md', import.meta.url));
  const matrix = JSON.parse(readFileSync(json, 'utf8')) as Matrix;
  const missing = matrix.journeys.flatMap((j) =>
    matrix.faults.filter((f) => matrix.results[j]?.[f] === undefined).map((f) => `${j} × ${f}`),
  );
  if (missing.length > 0) {
    process.stderr.write(
      `${missing.length} cell(s) not run (run the whole test file): ${missing.join(', ')}\n`,
    );
  }
  const text = readFileSync(doc, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/RELIABILITY.md lacks the ${START} … ${END} markers`);
  const out = `${text.slice(0, a + START.length)}\n\n${renderTable(matrix)}\n\n${text.slice(b)}`;
  writeFileSync(doc, out);
  process.stdout.write(
    `docs/RELIABILITY.md: ${matrix.journeys.length} journeys × ${matrix.faults.length} faults\n`,
  );
}

main();
