/**
 * Popup time to quota with a warm cache, measured in Chromium on the real build: from the popup's navigation
 * start to the frame that shows the "videos left" figure, after one earlier open has filled the cache.
 * Target ≤ 100 ms (DESIGN §8).
 *
 * "Shown" is the figure's paint, not its insertion into the DOM: the element is marked for the Element
 * Timing API the moment it is inserted (a mutation observer runs before the next frame), and the browser
 * reports the time that frame was presented. The page reports through an exposed function; nothing of
 * Playwright's own runs in the page while it loads (its injected script, which `waitForFunction` needs, took
 * tens of milliseconds of the page's main thread in a trace and delayed the very paint being measured).
 */
import { loadavg } from 'node:os';
import { extensionIdOf, extensionWorker, launchWithExtension, newProfileDir } from '../e2e/browser';
import { startSimServer } from '../sim/server';
import type { Bench, BenchReport } from './types';

const RUNS = 15;
const TARGET_MS = 100;

interface Open {
  /** The figure painted (Element Timing render time). */
  painted: number;
  /** The figure in the DOM. */
  inDom: number;
  domContentLoaded: number;
}

// Runs in the popup before its own scripts; everything is relative to the popup's navigation start.
const OBSERVER = `
  const shown = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier !== 'quota') continue;
      shown.painted = entry.renderTime || entry.loadTime;
      shown.domContentLoaded = performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN;
      window.__reportQuotaShown(JSON.stringify(shown));
    }
  }).observe({ type: 'element', buffered: true });
  new MutationObserver((_, observer) => {
    const el = document.querySelector('[data-testid="videos-left"]');
    if (!el || !/\\d/.test(el.textContent || '')) return;
    el.setAttribute('elementtiming', 'quota');
    shown.inDom = performance.now();
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export const popupBench: Bench = {
  name: 'popup',
  description: `popup: quota painted after open, warm cache, ${RUNS} opens (Chromium, real build)`,
  async run(): Promise<BenchReport> {
    const server = await startSimServer({ port: 0 });
    const context = await launchWithExtension({ port: server.port, profileDir: newProfileDir() });
    const loadBefore = loadavg()[0] ?? Number.NaN;
    try {
      const login = server.sim.control.login('bench@example.com');
      await context.addCookies(
        login.cookies.map((c) => ({ ...c, url: 'https://sora.chatgpt.com', secure: true, httpOnly: true })),
      );
      const id = extensionIdOf(await extensionWorker(context));
      const url = `chrome-extension://${id}/popup.html`;
      const warm = await context.newPage();
      await warm.goto(url);
      await warm.getByTestId('videos-left').filter({ hasText: /\d/ }).waitFor();
      await warm.close();

      const opens: Open[] = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await context.newPage();
        let report: (open: Open) => void = () => {};
        const reported = new Promise<Open>((resolve) => {
          report = resolve;
        });
        await page.exposeFunction('__reportQuotaShown', (json: string) => report(JSON.parse(json)));
        await page.addInitScript(OBSERVER);
        await page.goto(url, { waitUntil: 'commit' });
        opens.push(await reported);
        await page.close();
      }
      const loadAfter = loadavg()[0] ?? Number.NaN;
      const painted = opens.map((o) => o.painted);
      const p50 = percentile(painted, 50);
      const p95 = percentile(painted, 95);
      const ms = (n: number) => [Math.round(n)];
      return {
        columns: ['ms'],
        rows: [
          { metric: 'time to quota painted p50', values: ms(p50) },
          { metric: 'time to quota painted p95', values: ms(p95) },
          { metric: 'time to quota painted max', values: ms(Math.max(...painted)) },
          {
            metric: 'of which figure in the DOM p50',
            values: ms(
              percentile(
                opens.map((o) => o.inDom),
                50,
              ),
            ),
          },
          {
            metric: 'of which page load (DOMContentLoaded) p50',
            values: ms(
              percentile(
                opens.map((o) => o.domContentLoaded),
                50,
              ),
            ),
          },
          {
            metric: '1-min load average (before / after)',
            values: [`${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)}`],
          },
        ],
        targets: [
          {
            metric: 'time to quota painted p95 ms',
            target: `≤ ${TARGET_MS}`,
            value: p95,
            pass: p95 <= TARGET_MS,
          },
        ],
        json: { runs: RUNS, opens, p50_ms: p50, p95_ms: p95, load_average: [loadBefore, loadAfter] },
      };
    } finally {
      await context.close();
      await server.close();
    }
  },
};
