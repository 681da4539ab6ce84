/**
 * The History view end to end: the real build in Chromium against the simulator. Import from Sora (twice,
 * no duplicates), results of the queue appearing live, search, filters, keyboard, the item actions,
 * export, the 360 px layout and accessibility.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { backendCalls, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function openHistory(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-view')).toBeVisible();
}

/** Asks the background through the extension's own message envelope (what the pages' `send` does). */
async function ask(page: Page, name: string, req: unknown): Promise<unknown> {
  return page.evaluate(
    async ([n, r]) => {
      // The extension page's own runtime (typed here: the tests' tsconfig has no chrome types).
      const runtime = (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome.runtime;
      return runtime.sendMessage({ channel: 'companion', kind: 'request', name: n, req: r });
    },
    [name, req] as const,
  );
}

const historyCount = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('companion');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const q = open.result.transaction('history').objectStore('history').count();
          q.onsuccess = () => {
            resolve(q.result);
            open.result.close();
          };
        };
      }),
  );

test('import from Sora brings in drafts made elsewhere, twice without duplicates', async ({
  extension,
  sim,
}) => {
  await extension.login(EMAIL);
  sim.control.seedDrafts({ count: 3, email: EMAIL, promptPrefix: 'Made on sora.com' });
  const page = await extension.openSidePanel();
  await openHistory(page);
  await expect(page.getByTestId('history-empty')).toBeVisible();

  await page.getByTestId('history-import').click();
  await expect(page.getByTestId('history-count')).toHaveText('3 items');
  await expect(page.getByTestId('history-notice')).toContainText('3 new');
  await expect(page.getByTestId('history-row')).toHaveCount(3);
  await expect(page.getByTestId('history-row').first()).toContainText('Made on sora.com 3');

  // More made elsewhere; importing again adds only those.
  sim.control.seedDrafts({ count: 2, email: EMAIL, promptPrefix: 'Later' });
  await page.getByTestId('history-import').click();
  await expect(page.getByTestId('history-notice')).toContainText('2 new');
  await expect(page.getByTestId('history-count')).toHaveText('5 items');
  await page.getByTestId('history-import').click();
  await expect(page.getByTestId('history-notice')).toContainText('0 new');
  await expect(page.getByTestId('history-count')).toHaveText('5 items');
  expect(await historyCount(page)).toBe(5);
  // The history survives a reload (it lives in IndexedDB).
  await page.reload();
  await openHistory(page);
  await expect(page.getByTestId('history-count')).toHaveText('5 items');
});

test('a video made through the queue appears in History as soon as it is done', async ({
  extension,
  sim,
}) => {
  await extension.login(EMAIL);
  const page = await extension.openSidePanel();
  await openHistory(page);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  const answer = (await ask(page, 'jobs.enqueue', {
    inputs: [{ kind: 'video', prompt: 'A paper boat on a puddle', orientation: 'portrait', nFrames: 150 }],
  })) as { ok: boolean };
  expect(answer.ok).toBe(true);
  await expect.poll(() => backendCalls(sim, '/backend/nf/create').length).toBe(1);
  sim.clock.advance(120_000);
  const row = page.getByTestId('history-row').first();
  await expect(row).toContainText('A paper boat on a puddle', { timeout: 20_000 });
  await expect(row).toContainText('Portrait');
  await expect(page.getByTestId('history-count')).toHaveText('1 item');
});

test('search, filters, keyboard selection and the item actions', async ({ extension, sim }) => {
  await extension.login(EMAIL);
  sim.control.seedDrafts({ count: 4, email: EMAIL, promptPrefix: 'Harbor at night' });
  // Seeded drafts end a minute before "now": move on so the second batch is the newer one.
  sim.clock.advance(10 * 60_000);
  sim.control.seedDrafts({ count: 3, email: EMAIL, promptPrefix: 'Forest path', orientation: 'portrait' });
  const page = await extension.openSidePanel();
  await openHistory(page);
  await page.getByTestId('history-import').click();
  await expect(page.getByTestId('history-count')).toHaveText('7 items');

  // Search: every word, any order.
  await page.getByTestId('history-search').fill('path forest');
  await expect(page.getByTestId('history-count')).toHaveText('3 of 7 items');
  await page.getByTestId('history-search').fill('');
  // Filters.
  await page.getByRole('button', { name: 'Filters' }).click();
  await page.getByTestId('history-filters').getByLabel('Orientation').selectOption('landscape');
  await expect(page.getByTestId('history-count')).toHaveText('4 of 7 items');
  await page.getByTestId('history-filters').getByLabel('Image').check();
  await expect(page.getByTestId('history-count')).toHaveText('0 of 7 items');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('history-count')).toHaveText('7 items');

  // Keyboard: move, select with Space, open with Enter, close with Escape.
  const list = page.getByTestId('history-list');
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Space');
  await expect(page.getByTestId('history-selection')).toContainText('2 selected');
  await expect(list).toHaveAttribute('aria-activedescendant', 'history-opt-2');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('history-selection')).toHaveCount(0);
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('history-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('history-dialog-prompt')).toHaveText('Forest path 3');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Run again with the same settings: a new job with the stored orientation.
  await page.getByTestId('history-row').first().click();
  await dialog.getByRole('button', { name: 'Run again' }).click();
  await expect(page.getByTestId('history-notice')).toContainText('same settings');
  await expect
    .poll(() => backendCalls(sim, '/backend/nf/create').map((e) => (e.body as { prompt?: string }).prompt))
    .toEqual(['Forest path 3']);
  const created = backendCalls(sim, '/backend/nf/create')[0]?.body as { orientation?: string } | undefined;
  expect(created?.orientation).toBe('portrait');

  // Remix: publishes an unlisted link and fills the Create view's remix target.
  await dialog.getByRole('button', { name: 'Remix' }).click();
  await expect(page.getByRole('tab', { name: 'Create' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#create-remix')).toHaveValue(/^s_[0-9a-f]{32}$/);
  await openHistory(page);
  await expect(page.getByTestId('history-row').first()).toBeVisible();

  // Delete from history (nothing is deleted on Sora).
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('history-row').nth(1).click();
  await page.getByTestId('history-delete').click();
  await expect(page.getByTestId('history-count')).toHaveText('6 items');
  expect(backendCalls(sim, '/backend/project_y/post*').filter((e) => e.method === 'DELETE')).toHaveLength(0);
});

test('export as JSON leaves out tokens and URLs; the view fits 360 px and passes axe', async ({
  extension,
  sim,
}) => {
  await extension.login(EMAIL);
  sim.control.seedDrafts({ count: 3, email: EMAIL, promptPrefix: 'Export me' });
  const page = await extension.openSidePanel();
  await page.setViewportSize({ width: 360, height: 720 });
  await openHistory(page);
  await page.getByTestId('history-import').click();
  await expect(page.getByTestId('history-count')).toHaveText('3 items');

  await page.getByText('Export, import and file names').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('history-export-json').click(),
  ]);
  const text = readFileSync((await download.path()) as string, 'utf8');
  const data = JSON.parse(text) as { format: string; items: { prompt: string }[] };
  expect(data.format).toBe('companion-for-sora.history');
  expect(data.items.map((i) => i.prompt).sort()).toEqual(['Export me 1', 'Export me 2', 'Export me 3']);
  expect(text).not.toMatch(/accessToken|Bearer|eyJ|videos\.openai\.com|session-token/);

  // Importing the same file adds nothing.
  await page.getByTestId('history-import-file').setInputFiles({
    name: 'history.json',
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
  await expect(page.getByTestId('history-notice')).toContainText('0 new, 3 already in history');

  // 360 px: nothing scrolls sideways.
  await page.getByRole('button', { name: 'Filters' }).click();
  await page.getByTestId('history-row').first().click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.keyboard.press('Escape');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // axe: no serious or critical findings (light and dark).
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
    const found = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run(
              c: Element,
              o: object,
            ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }>;
          };
        }
      ).axe;
      const res = await axe.run(document.querySelector('[data-testid="history-view"]') as Element, {
        resultTypes: ['violations'],
      });
      return res.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(found, scheme).toEqual([]);
  }
});
