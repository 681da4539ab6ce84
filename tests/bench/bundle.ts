/**
 * Bundle sizes per entrypoint of the Chrome build: the JavaScript each page loads (its entry script plus
 * every chunk it preloads), raw and gzipped. Target: the popup ≤ 40 KB gzipped (DESIGN §8).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Bench, BenchReport } from './types';

const OUT = join(import.meta.dirname, '../../.output/chrome-mv3');
const POPUP_BUDGET_GZ = 40 * 1024;

function sizes(files: string[]) {
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const bytes = readFileSync(join(OUT, f));
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gz, files };
}

/** A script and, transitively, every chunk it imports statically (what a start of it loads). */
function withImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(join(OUT, file), 'utf8');
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  for (const m of text.matchAll(/(?:^|[;}\s])import\s*(?:[^'"()]*?from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    const target = new URL(m[1] as string, `file:///${dir}`).pathname.slice(1);
    withImports(target, seen);
  }
  return [...seen];
}

/** The scripts an HTML page loads: its module entry and the chunks it preloads. */
function pageScripts(html: string): string[] {
  const text = readFileSync(join(OUT, html), 'utf8');
  return [...text.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((m) => m[1] as string);
}

export const bundleBench: Bench = {
  name: 'bundle',
  description: 'JavaScript per entrypoint of .output/chrome-mv3 (run `npm run build` first)',
  async run(): Promise<BenchReport> {
    if (!existsSync(join(OUT, 'manifest.json'))) throw new Error('No build: run `npm run build` first.');
    const entries: Record<string, ReturnType<typeof sizes>> = {
      popup: sizes(pageScripts('popup.html')),
      sidepanel: sizes(pageScripts('sidepanel.html')),
      background: sizes(withImports('background.js')),
    };
    for (const f of readdirSync(OUT).filter((n) => n.endsWith('.js') && n !== 'background.js')) {
      entries[f.replace(/\.js$/, '')] = sizes([f]);
    }
    const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
    return {
      columns: ['raw KB', 'gzip KB', 'files'],
      rows: Object.entries(entries).map(([name, s]) => ({
        metric: name,
        values: [kb(s.raw), kb(s.gz), s.files.length],
      })),
      targets: [
        {
          metric: 'popup JS gzip KB',
          target: `≤ ${POPUP_BUDGET_GZ / 1024}`,
          value: kb(entries.popup?.gz ?? 0),
          pass: (entries.popup?.gz ?? Number.POSITIVE_INFINITY) <= POPUP_BUDGET_GZ,
        },
      ],
      json: Object.fromEntries(
        Object.entries(entries).map(([k, s]) => [k, { raw_bytes: s.raw, gzip_bytes: s.gz, files: s.files }]),
      ),
    };
  },
};
