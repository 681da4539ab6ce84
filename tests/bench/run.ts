/**
 * `npm run bench [-- name …]`: runs the registered benchmarks (all, or the named ones), prints a table per
 * benchmark, writes `tests/bench/results/<name>.json`, and exits non-zero when a target is missed.
 * Add a benchmark by appending it to BENCHES.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleBench } from './bundle';
import { durabilityBench } from './durability';
import { engineBench } from './engine';
import { historyBench } from './history';
import { popupBench } from './popup';
import { sentinelBench } from './sentinel';
import { sidepanelBench } from './sidepanel';
import type { Bench, BenchReport } from './types';

const BENCHES: Bench[] = [
  engineBench,
  popupBench,
  bundleBench,
  historyBench,
  durabilityBench,
  sentinelBench,
  sidepanelBench,
];

const RESULTS_DIR = join(import.meta.dirname, 'results');

function format(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}

export function table(report: BenchReport): string {
  const header = ['metric', ...report.columns];
  const lines = report.rows.map((r) => [r.metric, ...r.values.map(format)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown bench: ${unknown.join(', ')}. Known: ${BENCHES.map((b) => b.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  mkdirSync(RESULTS_DIR, { recursive: true });
  let failed = 0;
  for (const bench of selected) {
    process.stdout.write(`\n## ${bench.name}: ${bench.description}\n\n`);
    const started = performance.now();
    const report = await bench.run();
    process.stdout.write(`${table(report)}\n\n`);
    for (const t of report.targets) {
      process.stdout.write(`${t.pass ? 'PASS' : 'FAIL'}  ${t.metric} ${t.target} (${format(t.value)})\n`);
      if (!t.pass) failed++;
    }
    const file = join(RESULTS_DIR, `${bench.name}.json`);
    writeFileSync(file, `${JSON.stringify(report.json, null, 2)}\n`);
    process.stdout.write(`\nwrote ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  if (failed > 0) process.exitCode = 1;
}

await main();
