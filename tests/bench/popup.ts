/**
 * Popup time to quota with a warm cache, measured in Chromium on the real build: the time from the popup's
 * navigation start to the moment the "videos left" figure is in the DOM, after one earlier open has filled
 * the cache. Target ≤ 100 ms (DESIGN §8).
 */
import { extensionIdOf, extensionWorker, launchWithExtension, newProfileDir } from '../e2e/browser';
import { startSimServer } from '../sim/server';
import type { Bench, BenchReport } from './types';

const RUNS = 15;
const TARGET_MS = 100;

// Records when the figure first appears, relative to the page's navigation start.
const OBSERVER = `
  new MutationObserver((_, obs) => {
    const el = document.querySelector('[data-testid="videos-left"]');
    if (el && /\\d/.test(el.textContent || '')) { window.__quotaShownAt = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export const popupBench: Bench = {
  name: 'popup',
  description: `popup: quota on screen after open, warm cache, ${RUNS} opens (Chromium, real build)`,
  async run(): Promise<BenchReport> {
    const server = await startSimServer({ port: 0 });
    const context = await launchWithExtension({ port: server.port, profileDir: newProfileDir() });
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

      const times: number[] = [];
      const domReady: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await context.newPage();
        await page.addInitScript(OBSERVER);
        await page.goto(url);
        await page.waitForFunction(
          () => (window as { __quotaShownAt?: number }).__quotaShownAt !== undefined,
        );
        const [shown, ready] = await page.evaluate(() => [
          (window as unknown as { __quotaShownAt: number }).__quotaShownAt,
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
            .domContentLoadedEventEnd,
        ]);
        times.push(shown as number);
        domReady.push(ready as number);
        await page.close();
      }
      const sorted = [...times].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      return {
        columns: ['ms'],
        rows: [
          { metric: 'time to quota p50', values: [Math.round(p50)] },
          { metric: 'time to quota p95', values: [Math.round(p95)] },
          { metric: 'time to quota max', values: [Math.round(sorted.at(-1) ?? 0)] },
          {
            metric: 'of which page load (DOMContentLoaded) p50',
            values: [
              Math.round(
                percentile(
                  [...domReady].sort((a, b) => a - b),
                  50,
                ),
              ),
            ],
          },
        ],
        targets: [
          { metric: 'time to quota p95 ms', target: `≤ ${TARGET_MS}`, value: p95, pass: p95 <= TARGET_MS },
        ],
        json: { runs: RUNS, times_ms: times, dom_content_loaded_ms: domReady, p50_ms: p50, p95_ms: p95 },
      };
    } finally {
      await context.close();
      await server.close();
    }
  },
};
