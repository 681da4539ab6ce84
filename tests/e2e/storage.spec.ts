/**
 * History that survives the browser, in Chromium: the browser refuses writes for quota in the middle of a
 * batch, and a database left by a newer version of the extension.
 *
 * How the refusal is made: CDP's `Storage.overrideQuotaForOrigin` exists in this Chromium and lowers what
 * `navigator.storage.estimate()` reports for the extension's origin, but Chrome does not enforce it on an origin
 * with `unlimitedStorage` (measured: quota 1 byte reported, 100 kB writes still commit, from the page and the
 * worker); such an origin is refused only when the disk itself is full, which a test cannot do portably. So the
 * refusal is the one a full disk gives — a `QuotaExceededError` DOMException from every IndexedDB put/add — made
 * inside the extension's real service worker, and lifted again; everything else is the real build and browser.
 */
import type { Page } from '@playwright/test';
import type { Sim } from '../sim/app';
import { backendCalls, type ExtensionHelpers, expect, explained, storedJobs, test } from './fixtures';

const EMAIL = 'ada@example.com';

function createCalls(sim: Sim) {
  return [...backendCalls(sim, '/backend/nf/create'), ...backendCalls(sim, '/backend/video_gen')].filter(
    (c) => c.method === 'POST' && c.status === 200,
  );
}

const count = (page: Page, group: 'running' | 'queued' | 'done' | 'failed') =>
  page.getByTestId(`count-${group}`).getAttribute('data-count').then(Number);

async function queueBatch(extension: ExtensionHelpers, prompts: string[]): Promise<Page> {
  const page = await extension.openSidePanel();
  await page.setViewportSize({ width: 360, height: 900 });
  await page.getByLabel('Prompts, one per line').fill(prompts.join('\n'));
  await expect(page.getByTestId('create-summary')).toHaveText(`${prompts.length} videos will be queued`);
  await page.getByRole('button', { name: 'Add to queue' }).click();
  await expect(page.getByTestId('create-done')).toBeVisible();
  await page.getByRole('tab', { name: /^Queue/ }).click();
  await expect(page.getByTestId('queue-summary')).toBeVisible();
  return page;
}

/** The disk is full for the extension's worker (every IndexedDB put/add refused), or has room again. */
async function diskFull(extension: ExtensionHelpers, full: boolean) {
  const worker = await extension.worker();
  await worker.evaluate((on) => {
    type Saved = { __companionPut?: unknown; __companionAdd?: unknown };
    const g = globalThis as unknown as Saved;
    const proto = IDBObjectStore.prototype as unknown as Record<'put' | 'add', unknown>;
    g.__companionPut ??= proto.put;
    g.__companionAdd ??= proto.add;
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    proto.put = on ? refuse : g.__companionPut;
    proto.add = on ? refuse : g.__companionAdd;
  }, full);
}

type IdbGlobal = { indexedDB: IDBFactory };

test.describe('storage', () => {
  test('writes refused for quota mid-batch: a readable state, nothing lost, the batch ends once there is room', async ({
    sim,
    extension,
  }) => {
    test.setTimeout(240_000);
    sim.control.setConfig({ speed: 10 });
    await extension.login(EMAIL);
    const prompts = Array.from({ length: 5 }, (_, i) => `a lighthouse in fog, take ${i + 1}`);
    const page = await queueBatch(extension, prompts);
    // A video is on its way on Sora (a create answered), so the queue has something to follow while full.
    await expect
      .poll(() => createCalls(sim).filter((c) => c.status === 200).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(1);

    // The browser now refuses every write of the extension's origin.
    await diskFull(extension, true);
    const notice = page.getByTestId('storage-full');
    await expect(notice).toBeVisible({ timeout: 30_000 });
    await expect(notice).toContainText('Your browser refused to store more: free space');
    await expect(notice).toContainText('Nothing was lost');
    // Every job is still listed; none finished or failed while nothing could be stored.
    const rows = page.getByTestId('job-row');
    await expect(rows).toHaveCount(prompts.length);
    const doneWhileFull = await count(page, 'done');
    expect(await count(page, 'failed')).toBe(0);
    const createsWhileFull = createCalls(sim).length;
    // Sora finishes the running videos meanwhile, and the queue reads the pending list again after that: it
    // sees them finished but cannot record it, so nothing is marked done, nothing fails, nothing new is sent.
    const finishedOnSora = () => {
      const state = sim.control.state();
      return state.videoTasks.filter((t) => t.doneAt <= state.now).length;
    };
    await expect.poll(finishedOnSora, { timeout: 60_000 }).toBe(createsWhileFull);
    const pendingReads = () =>
      sim.control.log({ path: '/backend/nf/pending*', host: 'sora.chatgpt.com' }).length;
    const readsThen = pendingReads();
    await expect.poll(pendingReads, { timeout: 30_000 }).toBeGreaterThanOrEqual(readsThen + 2);
    expect(await count(page, 'done')).toBe(doneWhileFull);
    expect(await count(page, 'failed')).toBe(0);
    await expect(notice).toBeVisible();
    expect(createCalls(sim)).toHaveLength(createsWhileFull);

    // Space is freed: the notice goes, the same jobs carry on, every video ends in History exactly once.
    await diskFull(extension, false);
    await expect(notice).toBeHidden({ timeout: 30_000 });
    // Generous on a loaded machine: the creates refused while full are sent now, each with a fresh token. On
    // failure, each job's stored state and the engine's status.
    await explained(
      () => expect.poll(() => count(page, 'done'), { timeout: 150_000 }).toBe(prompts.length),
      sim,
      '/backend/*',
      () => storedJobs(page),
    );
    await expect(rows).toHaveCount(prompts.length);
    expect(createCalls(sim)).toHaveLength(prompts.length);
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(page.getByTestId('history-row')).toHaveCount(prompts.length);
  });

  test('a database from a newer version opens read-only: the notice, history readable and exportable, writes refused', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ speed: 40 });
    await extension.login(EMAIL);
    const page = await queueBatch(extension, ['a paper boat on a puddle', 'a cat on a windowsill']);
    await expect.poll(() => count(page, 'done'), { timeout: 40_000 }).toBe(2);
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(page.getByTestId('history-row')).toHaveCount(2);
    await expect(page.getByTestId('storage-read-only')).toBeHidden();

    // A newer build upgrades the database (the worker and this page give way), then the older build runs on.
    const upgradedTo = await page.evaluate(async () => {
      const { indexedDB: idb } = globalThis as unknown as IdbGlobal;
      const current = (await idb.databases()).find((d) => d.name === 'companion')?.version ?? 0;
      return new Promise<number>((resolve, reject) => {
        const req = idb.open('companion', current + 1);
        req.onupgradeneeded = () => req.result.createObjectStore('added-by-a-newer-version');
        req.onsuccess = () => {
          req.result.close();
          resolve(current + 1);
        };
        req.onerror = () => reject(req.error);
      });
    });
    expect(upgradedTo).toBeGreaterThan(1);
    await extension.stopServiceWorker();
    await page.reload();

    const notice = page.getByTestId('storage-read-only');
    await expect(notice).toHaveText(
      'This history was written by a newer version of Companion; update the extension. You can still read and export it.',
    );
    // Reading and exporting still work.
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(page.getByTestId('history-row')).toHaveCount(2);
    await page.getByText('Export, import and file names').click();
    // How much is stored, from the browser's own estimate.
    await expect(page.getByTestId('storage-use')).toContainText(/Stored by Companion: \d+(\.\d)? MB\./);
    const download = page.waitForEvent('download');
    await page.getByTestId('history-export-json').click();
    const file = await download;
    const exported = JSON.parse(
      await (await import('node:fs/promises')).readFile((await file.path()) as string, 'utf8'),
    );
    expect(exported.items).toHaveLength(2);

    // A write is refused with the same words, and nothing is sent to Sora.
    const createsBefore = createCalls(sim).length;
    await page.getByRole('tab', { name: 'Create' }).click();
    await page.getByLabel('Prompts, one per line').fill('one more boat');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    const refused = page.locator('[data-error-code="storage_read_only"]');
    await expect(refused).toContainText('written by a newer version of Companion');
    expect(createCalls(sim)).toHaveLength(createsBefore);
    // The database keeps the newer version: nothing downgraded it.
    const version = await page.evaluate(
      async () =>
        (await (globalThis as unknown as IdbGlobal).indexedDB.databases()).find((d) => d.name === 'companion')
          ?.version,
    );
    expect(version).toBe(upgradedTo);
  });
});
