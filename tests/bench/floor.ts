/**
 * The static floor the popup and side panel benches compare against: an extension page holding the same
 * figure in its HTML (no script, no stylesheet file), opened in the same browser, interleaved with the
 * page measured. What this machine needs to show an extension page at all; the targets are ratios to it,
 * because absolute milliseconds on a shared 2-core machine swing with its load.
 *
 * The page is written into the build only while a bench runs (it is no part of the product) and removed
 * after; Chromium reads an unpacked extension's files from disk when they are requested.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR } from '../e2e/browser';

export const FLOOR_FILE = 'bench-floor.html';
/**
 * The floor for a page that must run code to show its figure: the same HTML, with the figure written by one
 * small module script file (as the popup's and side panel's are loaded) instead of sitting in the HTML. Its time
 * over the static floor is what one script load costs on this machine, whatever the script does.
 */
export const SCRIPTED_FLOOR_FILE = 'bench-floor-script.html';
const SCRIPTED_FLOOR_JS = 'bench-floor-script.js';

const FLOOR_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Companion for Sora</title>
    <style>body { width: 340px; font: 14px system-ui, sans-serif; margin: 0; padding: 12px; }</style>
  </head>
  <body>
    <div id="app"><p>Videos left</p><p data-testid="videos-left" data-bench-first elementtiming="quota">27 left</p></div>
  </body>
</html>
`;

const SCRIPTED_FLOOR_HTML = FLOOR_HTML.replace(
  /<p data-testid="videos-left"[^<]*<\/p>/,
  `<script type="module" src="./${SCRIPTED_FLOOR_JS}"></script>`,
);
const SCRIPTED_FLOOR_SCRIPT = `const p = document.createElement('p');
p.dataset.testid = 'videos-left';
p.dataset.benchFirst = '';
p.setAttribute('elementtiming', 'quota');
p.textContent = '27 left';
document.getElementById('app').append(p);
`;

/** Writes the floor pages into the build; the returned function removes them. */
export function installFloor(): () => void {
  const files: [string, string][] = [
    [FLOOR_FILE, FLOOR_HTML],
    [SCRIPTED_FLOOR_FILE, SCRIPTED_FLOOR_HTML],
    [SCRIPTED_FLOOR_JS, SCRIPTED_FLOOR_SCRIPT],
  ];
  for (const [name, text] of files) writeFileSync(join(EXTENSION_DIR, name), text);
  return () => {
    for (const [name] of files) rmSync(join(EXTENSION_DIR, name), { force: true });
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
