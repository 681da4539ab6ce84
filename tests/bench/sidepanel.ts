/**
 * Side panel by view, in Chromium on the real build, as ratios to the static floor page (tests/bench/floor.ts)
 * opened interleaved in the same browser (with the scripted floor, the figure written by one script file):
 * - **first view painted**: from the panel's navigation start to the frame showing the first text of the view
 *   it opens on (Element Timing, as the popup bench);
 * - **first switch to each other view**: from the click on its tab to the frame showing the view's first
 *   text, once per panel load (views stay mounted), after the panel went idle, as when a person looks around
 *   after it opened (the views are prefetched then). Its ratio is to the floor's navigation-to-paint time;
 * - **the JavaScript each view loads**, gzipped: its chunk and the chunks it imports that the entry does not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import {
  EXTENSION_DIR,
  extensionIdOf,
  extensionWorker,
  launchWithExtension,
  newProfileDir,
} from '../e2e/browser';
import { startSimServer } from '../sim/server';
import { FLOOR_FILE, installFloor, median, percentile, SCRIPTED_FLOOR_FILE } from './floor';
import type { Bench, BenchReport } from './types';

const RUNS = Number(process.env.BENCH_OPENS ?? 12);
const VIEWS = ['storyboard', 'queue', 'history', 'characters', 'account'] as const;
const FIRST_RATIO = 1.1;

// Marks the first element with text in `root` for Element Timing as soon as it is there, and reports each
// mark's paint. `window.__mark(selector, name)` arms it for a view about to be shown.
const OBSERVER = `
  const started = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__reportPaint(JSON.stringify({ name: entry.identifier, painted: entry.renderTime || entry.loadTime, started: started[entry.identifier] ?? 0 }));
    }
  }).observe({ type: 'element', buffered: true });
  const firstText = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const box = n.parentElement.getBoundingClientRect();
      if (box.width > 2 && box.height > 2 && box.top < innerHeight) return n.parentElement;
    }
    return null;
  };
  window.__mark = (selector, name) => {
    started[name] = performance.now();
    const look = () => {
      const root = document.querySelector(selector);
      const el = root && !root.hidden && firstText(root);
      if (!el) return false;
      el.setAttribute('elementtiming', name);
      return true;
    };
    // A switch also reports the frame after the one that showed its first text (two animation frames: no
    // Element Timing entry comes for a text some views paint in a cell first laid out empty).
    const framed = () => requestAnimationFrame(() => requestAnimationFrame(() => {
      if (name !== 'first') window.__reportPaint(JSON.stringify({ name, painted: performance.now(), started: started[name] }));
    }));
    if (look()) return framed();
    const observer = new MutationObserver(() => { if (look()) { observer.disconnect(); framed(); } });
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  };
  if (location.pathname.endsWith('sidepanel.html')) window.__mark('#view-create', 'first');
`;

interface Paint {
  name: string;
  painted: number;
  started: number;
}

function gzipKb(files: string[]): number {
  let gz = 0;
  for (const f of files) gz += gzipSync(readFileSync(join(EXTENSION_DIR, f)), { level: 9 }).length;
  return Math.round((gz / 1024) * 10) / 10;
}

/** A chunk and the chunks it imports statically, minus what the entry already loaded. */
function viewScripts(view: string, entry: string[]): string[] {
  const chunks = readdirSync(join(EXTENSION_DIR, 'chunks'));
  const prefix = `${view[0]?.toUpperCase()}${view.slice(1)}View-`;
  const start = chunks.find((c) => c.startsWith(prefix));
  if (!start) return [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || entry.includes(file)) return;
    seen.add(file);
    const text = readFileSync(join(EXTENSION_DIR, file), 'utf8');
    for (const m of text.matchAll(/from\s*["']\.\/([^"']+\.js)["']/g)) visit(`chunks/${m[1]}`);
  };
  visit(`chunks/${start}`);
  return [...seen];
}

export const sidepanelBench: Bench = {
  name: 'sidepanel',
  description: `side panel vs static floor: first view painted and first switch to each view, ${RUNS} interleaved opens (Chromium, real build)`,
  async run(): Promise<BenchReport> {
    const server = await startSimServer({ port: 0 });
    const removeFloor = installFloor();
    const context = await launchWithExtension({ port: server.port, profileDir: newProfileDir() });
    const loadBefore = loadavg()[0] ?? Number.NaN;
    try {
      const login = server.sim.control.login('bench@example.com');
      await context.addCookies(
        login.cookies.map((c) => ({ ...c, url: 'https://sora.chatgpt.com', secure: true, httpOnly: true })),
      );
      const id = extensionIdOf(await extensionWorker(context));
      const base = `chrome-extension://${id}`;
      const open = async (
        file: string,
        onFetched?: (url: string) => void,
      ): Promise<{ page: Page; paints: Map<string, Promise<Paint>> }> => {
        const page = await context.newPage();
        if (onFetched) page.on('requestfinished', (request) => onFetched(request.url()));
        await page.setViewportSize({ width: 360, height: 720 });
        const waiting = new Map<string, (p: Paint) => void>();
        const paints = new Map<string, Promise<Paint>>();
        const expect = (name: string) => {
          if (!paints.has(name)) {
            const paint = new Promise<Paint>((resolve, reject) => {
              waiting.set(name, resolve);
              setTimeout(
                () => reject(new Error(`no paint of "${name}" in ${file} within 60 s`)),
                20_000,
              ).unref();
            });
            paint.catch(() => {});
            paints.set(name, paint);
          }
          return paints.get(name) as Promise<Paint>;
        };
        for (const name of ['first', 'quota', ...VIEWS]) expect(name);
        await page.exposeFunction('__reportPaint', (json: string) => {
          const paint = JSON.parse(json) as Paint;
          waiting.get(paint.name)?.(paint);
        });
        await page.addInitScript(OBSERVER);
        await page.goto(`${base}/${file}`, { waitUntil: 'commit' });
        return { page, paints };
      };
      const floorOpen = async (file = FLOOR_FILE) => {
        const { page, paints } = await open(file);
        const paint = await (paints.get('quota') as Promise<Paint>);
        await page.close();
        return paint.painted;
      };
      const panelOpen = async () => {
        let fetched = 0;
        let allFetched: () => void = () => {};
        const viewsFetched = new Promise<void>((resolve) => {
          allFetched = resolve;
        });
        const { page, paints } = await open('sidepanel.html', (url) => {
          if (/View-[\w-]+\.js$/.test(url) && ++fetched === VIEWS.length) allFetched();
        });
        const first = (await (paints.get('first') as Promise<Paint>)).painted;
        // Idle: every view's chunk fetched by the idle prefetch (extension files are not in Resource Timing).
        await viewsFetched;
        await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
        const switches: Record<string, number> = {};
        for (const view of VIEWS) {
          await page.evaluate((v) => {
            (window as unknown as { __mark(s: string, n: string): void }).__mark(`#view-${v}`, v);
            (document.getElementById(`tab-${v}`) as HTMLElement).click();
          }, view);
          const paint = await (paints.get(view) as Promise<Paint>);
          switches[view] = paint.painted - paint.started;
        }
        await page.close();
        return { first, switches };
      };
      await panelOpen();
      await floorOpen();
      await floorOpen(SCRIPTED_FLOOR_FILE);

      const floor: number[] = [];
      const scripted: number[] = [];
      const panel: Array<{ first: number; switches: Record<string, number> }> = [];
      const openers = [
        async () => panel.push(await panelOpen()),
        async () => floor.push(await floorOpen()),
        async () => scripted.push(await floorOpen(SCRIPTED_FLOOR_FILE)),
      ];
      for (let i = 0; i < RUNS; i++) {
        // Each page goes first, second and third equally often.
        for (let k = 0; k < openers.length; k++) await openers[(i + k) % openers.length]?.();
      }
      const loadAfter = loadavg()[0] ?? Number.NaN;

      const entryScripts = [
        ...readFileSync(join(EXTENSION_DIR, 'sidepanel.html'), 'utf8').matchAll(
          /(?:src|href)="\/([^"]+\.js)"/g,
        ),
      ].map((m) => m[1] as string);
      const floor50 = median(floor);
      const floor95 = percentile(floor, 95);
      const first = panel.map((p) => p.first);
      const first50 = median(first);
      const first95 = percentile(first, 95);
      const rows: BenchReport['rows'] = [
        { metric: 'static floor painted', values: [Math.round(floor50), Math.round(floor95), 1, 1, ''] },
        {
          metric: 'scripted floor painted (one script file)',
          values: [
            Math.round(median(scripted)),
            Math.round(percentile(scripted, 95)),
            median(scripted) / floor50,
            percentile(scripted, 95) / floor95,
            '',
          ],
        },
        {
          metric: 'first view (Create) painted',
          values: [
            Math.round(first50),
            Math.round(first95),
            first50 / floor50,
            first95 / floor95,
            gzipKb(entryScripts),
          ],
        },
      ];
      rows.push({
        metric: 'first view painted ÷ scripted floor (p50, p95)',
        values: ['', '', first50 / median(scripted), first95 / percentile(scripted, 95), ''],
      });
      const json: Record<string, unknown> = {};
      for (const view of VIEWS) {
        const times = panel.map((p) => p.switches[view] ?? Number.NaN);
        const scripts = viewScripts(view, entryScripts);
        const p50 = median(times);
        const p95 = percentile(times, 95);
        rows.push({
          metric: `first switch to ${view}`,
          values: [Math.round(p50), Math.round(p95), p50 / floor50, p95 / floor95, gzipKb(scripts)],
        });
        json[view] = { p50_ms: p50, p95_ms: p95, scripts, gzip_kb: gzipKb(scripts), times };
      }
      rows.push({
        metric: '1-min load average (before / after)',
        values: [`${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)}`, '', '', '', ''],
      });
      const ratio = first50 / floor50;
      return {
        columns: ['p50 ms', 'p95 ms', 'p50 ÷ floor p50', 'p95 ÷ floor p95', 'JS gzip KB'],
        rows,
        targets: [
          {
            metric: 'first view painted p50 ÷ floor p50',
            target: `≤ ${FIRST_RATIO}`,
            value: ratio,
            pass: ratio <= FIRST_RATIO,
          },
        ],
        json: {
          runs: RUNS,
          floor: { p50_ms: floor50, p95_ms: floor95, times: floor },
          scripted_floor: { p50_ms: median(scripted), p95_ms: percentile(scripted, 95), times: scripted },
          first_to_scripted_floor_p50: first50 / median(scripted),
          first: { p50_ms: first50, p95_ms: first95, times: first, scripts: entryScripts },
          views: json,
          load_average: [loadBefore, loadAfter],
        },
      };
    } finally {
      await context.close();
      await server.close();
      removeFloor();
    }
  },
};
