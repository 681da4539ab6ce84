/**
 * The Queue view and the popup while a batch runs: the daily-limit pause and its countdown, a service
 * worker that keeps getting stopped and a browser restart in the middle of a batch, the popup's running
 * list and quick prompt.
 */
import type { Page } from '@playwright/test';
import type { Sim } from '../sim/app';
import {
  backendCalls,
  type ExtensionHelpers,
  expect,
  explained,
  patchStoredSettings,
  storedJobs,
  test,
} from './fixtures';

const EMAIL = 'ada@example.com';

function createCalls(sim: Sim) {
  return [...backendCalls(sim, '/backend/nf/create'), ...backendCalls(sim, '/backend/video_gen')].filter(
    (c) => c.method === 'POST',
  );
}

const count = (page: Page, group: 'running' | 'queued' | 'done' | 'failed') =>
  page.getByTestId(`count-${group}`).getAttribute('data-count').then(Number);

async function queueBatch(extension: ExtensionHelpers, prompts: string[]): Promise<Page> {
  const page = await extension.openSidePanel();
  await page.setViewportSize({ width: 360, height: 900 });
  await page.getByLabel('Prompts, one per line').fill(prompts.join('\n'));
  const summary = prompts.length === 1 ? '1 video will be queued' : `${prompts.length} videos will be queued`;
  await expect(page.getByTestId('create-summary')).toHaveText(summary);
  await page.getByRole('button', { name: 'Add to queue' }).click();
  await expect(page.getByTestId('create-done')).toBeVisible();
  await showQueue(page);
  return page;
}

async function showQueue(page: Page) {
  await page.getByRole('tab', { name: /^Queue/ }).click();
  await expect(page.getByTestId('queue-summary')).toBeVisible();
}

test.describe('queue', () => {
  test('daily limit: paused with a live countdown, then resumes by itself', async ({ sim, extension }) => {
    // The engine waits at least a minute before asking Sora again after the daily limit (real time, whatever
    // the sim clock does), so this test takes a little over that.
    test.setTimeout(150_000);
    sim.control.upsertUser({ email: EMAIL, quota: { remaining: 0, resetsInSec: 40 } });
    await extension.login(EMAIL);
    const page = await queueBatch(extension, ['a snail racing a leaf', 'a snowman in july']);

    const banner = page.getByTestId('pause-banner');
    await expect(banner).toHaveAttribute('data-reason', 'daily_limit');
    await expect(banner).toContainText('Daily limit reached. The queue resumes by itself in');
    const countdown = banner.getByTestId('pause-countdown');
    await expect(countdown).toHaveText(/^\d+ (min \d\d )?s$/);
    const first = await countdown.textContent();
    await expect.poll(() => countdown.textContent()).not.toBe(first);
    await expect(page.getByTestId('job-row').first()).toHaveAttribute('data-state', 'paused');
    expect(await count(page, 'queued')).toBe(2);

    // The allowance comes back on Sora's side; the queue notices when its reset time has passed.
    sim.control.setQuota(10, { email: EMAIL });
    sim.control.setConfig({ speed: 40 });
    await expect(banner).toBeHidden({ timeout: 90_000 });
    await expect.poll(() => count(page, 'done'), { timeout: 40_000 }).toBe(2);
    const accepted = createCalls(sim).filter((c) => c.status === 200);
    expect(accepted).toHaveLength(2);
    expect(createCalls(sim).filter((c) => c.status === 429).length).toBeGreaterThan(0);
  });

  test('logged out: the queue waits with a log-in prompt and continues after logging in', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ speed: 40 });
    const page = await queueBatch(extension, ['a kettle starting to boil']);
    const banner = page.getByTestId('pause-banner');
    await expect(banner).toHaveAttribute('data-reason', 'logged_out');
    await expect(banner).toContainText('you are logged out of Sora');
    await expect(banner.getByRole('button', { name: 'Log in to Sora' })).toBeVisible();
    expect(createCalls(sim)).toHaveLength(0);

    await extension.login(EMAIL);
    await expect(banner).toBeHidden();
    await expect.poll(() => count(page, 'done'), { timeout: 40_000 }).toBe(1);
    expect(createCalls(sim)).toHaveLength(1);
  });

  test('service worker stopped three times and the browser restarted mid-batch: all done, no duplicates', async ({
    sim,
    extension,
  }) => {
    // Generous on a loaded machine: a create cut by the restart is looked for on Sora before it is resent.
    test.setTimeout(270_000);
    sim.control.setConfig({ speed: 8 });
    await extension.login(EMAIL);
    const prompts = Array.from({ length: 9 }, (_, i) => `durable job number ${i + 1}`);
    let page = await queueBatch(extension, prompts);

    // Stop the worker at three moments of the batch; reopening the page wakes it (a message does).
    const moments = [
      () => count(page, 'running').then((n) => n >= 1),
      () => count(page, 'done').then((n) => n >= 1),
      () => count(page, 'done').then((n) => n >= 4),
    ];
    for (const reached of moments) {
      await expect.poll(reached, { timeout: 60_000 }).toBe(true);
      await extension.stopServiceWorker();
      await page.reload();
      await showQueue(page);
    }

    await expect.poll(() => count(page, 'done'), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
    expect(await count(page, 'done')).toBeLessThan(9);
    await extension.restartBrowser();
    const cookies = await extension.context.cookies('https://sora.chatgpt.com');
    if (!cookies.some((c) => c.name.startsWith('__Secure-next-auth.session-token'))) {
      await extension.login(EMAIL);
    }
    page = await extension.openSidePanel();
    await showQueue(page);
    // On failure, each job's stored state and the engine's status.
    await explained(
      async () => {
        await expect.poll(() => count(page, 'done'), { timeout: 150_000 }).toBe(9);
      },
      sim,
      '/backend/*',
      () => storedJobs(page),
    );
    expect(await count(page, 'failed')).toBe(0);

    const creates = createCalls(sim);
    expect(creates.map((c) => (c.body as { prompt: string }).prompt).sort()).toEqual([...prompts].sort());
    expect(sim.control.state().videoTasks).toHaveLength(9);
    expect(sim.control.stats().maxConcurrentObserved).toBeLessThanOrEqual(3);
  });

  test('pause, reorder, cancel, retry and clear from the rows', async ({ sim, extension }) => {
    sim.control.setConfig({ speed: 40 });
    await extension.login(EMAIL);
    const page = await extension.openSidePanel();
    // One job at a time, so the order of the creates is the order of the queue.
    await patchStoredSettings(page, { concurrency: 1 });
    await showQueue(page);
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await expect(page.getByTestId('pause-banner')).toHaveAttribute('data-reason', 'user');
    await page.getByRole('tab', { name: 'Create' }).click();
    await page.getByLabel('Prompts, one per line').fill('first idea\nsecond idea\nthird idea');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await showQueue(page);

    const rows = page.getByTestId('job-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toHaveAttribute('data-state', 'paused');
    await page.getByRole('button', { name: 'Move “third idea” up' }).click();
    await expect(rows.nth(1)).toContainText('third idea');
    await page.getByRole('button', { name: 'Cancel “second idea”' }).click();
    await expect(rows.filter({ hasText: 'second idea' })).toHaveAttribute('data-state', 'canceled');
    expect(createCalls(sim)).toHaveLength(0);

    await page.getByRole('button', { name: 'Resume queue' }).click();
    await expect(page.getByTestId('pause-banner')).toBeHidden();
    await expect.poll(() => count(page, 'done'), { timeout: 40_000 }).toBe(2);
    // Sent in the new order.
    expect(createCalls(sim).map((c) => (c.body as { prompt: string }).prompt)).toEqual([
      'first idea',
      'third idea',
    ]);
    await page.getByRole('button', { name: 'Retry “second idea”' }).click();
    await expect.poll(() => count(page, 'done'), { timeout: 40_000 }).toBe(3);
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await expect(rows).toHaveCount(0);
    await expect(page.getByText('No jobs yet. Add some in Create.')).toBeVisible();
  });

  test('popup: running jobs with progress, "+N more", and a quick prompt that starts one job', async ({
    sim,
    extension,
  }) => {
    // Slow clock and a high ceiling: seven jobs stay running side by side while we look.
    sim.control.setConfig({ speed: 1, ceiling: 8 });
    await extension.login(EMAIL);
    const panel = await extension.openSidePanel();
    await patchStoredSettings(panel, { concurrency: 8 });
    await panel
      .getByLabel('Prompts, one per line')
      .fill(Array.from({ length: 7 }, (_, i) => `side by side ${i + 1}`).join('\n'));
    await panel.getByRole('button', { name: 'Add to queue' }).click();
    await expect.poll(() => createCalls(sim).length).toBe(7);

    const popup = await extension.openPopup();
    const running = popup.getByTestId('running-jobs');
    await expect(running.getByTestId('running-job')).toHaveCount(5);
    await expect(running.getByRole('progressbar')).toHaveCount(5);
    await expect(running.getByTestId('running-more')).toHaveText('+2 more');

    // Empty: refused in the popup, nothing sent.
    await popup.getByRole('button', { name: 'Generate' }).click();
    await expect(popup.getByTestId('quick-message')).toHaveText('Write a prompt first.');
    expect(createCalls(sim)).toHaveLength(7);

    await popup.getByLabel(/Quick prompt/).fill('a hummingbird in slow motion');
    await popup.getByRole('button', { name: 'Generate' }).click();
    await expect(popup.getByTestId('quick-message')).toHaveText('Added to the queue.');
    await expect(popup.getByLabel(/Quick prompt/)).toHaveValue('');
    await expect.poll(() => createCalls(sim).length).toBe(8);
    expect(createCalls(sim)[7]?.body).toMatchObject({
      prompt: 'a hummingbird in slow motion',
      n_frames: 300,
      orientation: 'landscape',
    });
    await expect(running.getByTestId('running-more')).toHaveText('+3 more');
  });
});
