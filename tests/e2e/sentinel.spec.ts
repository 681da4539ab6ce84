/**
 * Sentinel tokens the real service accepts, in Chromium against the simulator's strict sentinel mode (the
 * default of every e2e test): with no sora.chatgpt.com tab the background makes them by hand at chatgpt.com
 * (requirements exchange + proof of work); with a tab open the page's SDK makes them with the device id; with
 * site access to chatgpt.com withheld and no tab, the queue waits with the reason in words and goes on by
 * itself once access is given back. A random string is never sent.
 */
import type { Page } from '@playwright/test';
import { sidePanelEn } from '../../lib/i18n/en';
import type { LogEntry, Sim } from '../sim/app';
import { ask, expect, test } from './fixtures';

const EMAIL = 'tokens@example.com';
const SENTINEL_PATHS =
  /^\/backend\/(nf\/create(\/storyboard)?|video_gen|project_y\/post|project_y\/profile\/drafts\/[^/]+\/long_video_extension)$/;

const sentinelCalls = (sim: Sim): LogEntry[] =>
  sim.control
    .log({ host: 'sora.chatgpt.com' })
    .filter((e) => e.method === 'POST' && SENTINEL_PATHS.test(e.path));

type JobRow = { id: string; state: string; lastError?: { code: string; param?: string } | null };

async function jobStates(page: Page): Promise<string[]> {
  const { jobs } = await ask<{ jobs: JobRow[] }>(page, 'jobs.list', {});
  return jobs.map((j) => j.state);
}

test('no Sora tab: five videos, a storyboard, an image and a clean download, every token a verified proof', async ({
  sim,
  extension,
}) => {
  test.setTimeout(120_000);
  sim.control.setConfig({ speed: 40 });
  sim.control.upsertUser({ email: EMAIL, quota: { remaining: 30 } });
  sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'clip to download' });
  await extension.login(EMAIL);
  expect(extension.context.pages().some((p) => p.url().startsWith('https://sora.chatgpt.com'))).toBe(false);

  const queue = await extension.openSidePanel();
  await queue.getByRole('tab', { name: /^Queue/ }).click();
  await ask(queue, 'jobs.enqueue', {
    inputs: [
      ...[1, 2, 3, 4, 5].map((i) => ({ kind: 'video', prompt: `a paper boat no${i}`, nFrames: 150 })),
      { kind: 'storyboard', prompt: '[0-2s] a door opens\n[2-5s] light pours in', nFrames: 150 },
      { kind: 'image', prompt: 'a paper crane' },
    ],
  });

  const history = await extension.openSidePanel();
  await history.getByRole('tab', { name: /^History/ }).click();
  await history.getByTestId('history-import').click();
  const clip = history.getByTestId('history-row').filter({ hasText: 'clip to download' });
  await clip.click();
  await history.getByTestId('history-download-clean').click();
  await history.keyboard.press('Escape');

  await expect.poll(() => jobStates(queue), { timeout: 90_000 }).toEqual(Array(7).fill('done'));
  await expect(clip).toContainText(sidePanelEn['history.source.post_attachment'], { timeout: 60_000 });

  const calls = sentinelCalls(sim);
  // 5 videos + 1 storyboard + 1 image + 1 publish, each accepted once.
  expect(calls.filter((c) => c.status === 200)).toHaveLength(8);
  // Every sentinel-carrying call carried a verified hand-made token; no random string, nothing refused.
  expect(new Set(calls.map((c) => c.sentinelSource))).toEqual(new Set(['pow']));
  expect(calls.every((c) => c.status === 200)).toBe(true);
  // Made at chatgpt.com, and reused for its life rather than one exchange per call.
  const exchanges = sim.control.log({ host: 'chatgpt.com', path: '/backend-api/sentinel/req' });
  expect(exchanges.length).toBeGreaterThanOrEqual(1);
  expect(exchanges.length).toBeLessThan(calls.length);
  expect(exchanges.every((e) => e.status === 200 && !e.hasBearer)).toBe(true);
});

test('a Sora tab open: the page SDK makes the token, carrying the device id sent as oai-device-id', async ({
  sim,
  extension,
}) => {
  sim.control.setConfig({ speed: 40 });
  await extension.login(EMAIL);
  const sora = await extension.context.newPage();
  await sora.goto('https://sora.chatgpt.com/');
  await expect(sora.locator('#whoami')).toContainText(EMAIL);

  const queue = await extension.openSidePanel();
  await ask(queue, 'jobs.enqueue', {
    inputs: [{ kind: 'video', prompt: 'a kite over the dunes', nFrames: 150 }],
  });
  await expect.poll(() => jobStates(queue), { timeout: 30_000 }).toEqual(['done']);

  const [create] = sentinelCalls(sim);
  expect(create?.sentinelSource).toBe('page');
  const header = JSON.parse(create?.sentinel ?? '{}') as { id?: string; flow?: string };
  expect(header.flow).toBe('sora_2_create_task');
  expect(header.id).toBe(create?.deviceId);
  expect(create?.deviceId).toBe(create?.deviceIdCookie);
  expect(sim.control.log({ host: 'chatgpt.com', path: '/backend-api/sentinel/req' })).toHaveLength(0);
});

test('site access to chatgpt.com withheld, no tab: the queue waits with the reason, then goes on by itself', async ({
  sim,
  extension,
}) => {
  test.setTimeout(90_000);
  sim.control.setConfig({ speed: 40 });
  await extension.login(EMAIL);
  // What a user does in chrome://extensions → Details → Site access: "On specific sites", Sora's two hosts only.
  const settings = await extension.context.newPage();
  await settings.goto('chrome://extensions/');
  const siteAccess = (hosts: string[], mode?: 'ON_SPECIFIC_SITES') =>
    settings.evaluate(
      async ({ id, hosts, mode }) => {
        const dev = (
          globalThis as unknown as {
            chrome: { developerPrivate: Record<string, (...a: unknown[]) => Promise<void>> };
          }
        ).chrome.developerPrivate;
        if (mode) await dev.updateExtensionConfiguration?.({ extensionId: id, hostAccess: mode });
        for (const h of hosts) await dev.addHostPermission?.(id, h);
      },
      { id: extension.id, hosts, mode },
    );
  await siteAccess(['https://sora.chatgpt.com/*', 'https://videos.openai.com/*'], 'ON_SPECIFIC_SITES');

  const queue = await extension.openSidePanel();
  await queue.getByRole('tab', { name: /^Queue/ }).click();
  await ask(queue, 'jobs.enqueue', {
    inputs: [{ kind: 'video', prompt: 'a lantern on the water', nFrames: 150 }],
  });
  const banner = queue.getByTestId('pause-banner');
  await expect(banner).toHaveAttribute('data-reason', 'sentinel_unavailable');
  await expect(banner).toContainText(sidePanelEn['queue.paused.sentinel_unavailable']);
  await expect(banner.getByRole('button', { name: sidePanelEn['queue.paused.allowSentinel'] })).toBeVisible();
  expect(sentinelCalls(sim)).toHaveLength(0);
  expect(await jobStates(queue)).not.toContain('failed');

  await siteAccess(['https://chatgpt.com/*']);
  await expect.poll(() => jobStates(queue), { timeout: 60_000 }).toEqual(['done']);
  await expect(banner).toHaveCount(0);
  expect(sentinelCalls(sim).map((c) => c.sentinelSource)).toEqual(['pow']);
});
