/**
 * "Sora is not answering at sora.chatgpt.com" (NOTES.md "Service status"), end to end: the real build in
 * Chromium against the simulator's service modes. For each way a closed site may answer, the popup and the
 * side panel show one state with what was seen; a queued job waits (paused, not failed, no attempt burned);
 * history search and JSON export keep working; and when the site answers normally again, "Check again"
 * brings the queue back and the job completes.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { ServiceMode } from '../sim/types';
import { backendCalls, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';

const MODES: { mode: ServiceMode; seen: string; text: RegExp }[] = [
  { mode: 'gone_404', seen: 'html', text: /a web page \(text\/html, HTTP 404\)/ },
  { mode: 'gone_410', seen: 'status', text: /HTTP 410 instead of the Sora app/ },
  { mode: 'html', seen: 'html', text: /a web page \(text\/html, HTTP 200\)/ },
  // The browser hides where a redirect points from an extension that does not follow it.
  { mode: 'redirect', seen: 'redirect', text: /a redirect to another address/ },
  { mode: 'unreachable', seen: 'unreachable', text: /no connection to sora\.chatgpt\.com/ },
];

/** Texts of the other states, none of which may stand in for this one. */
const WRONG_STATES = [
  'Sora could not find that item',
  'Can’t reach Sora',
  'Not logged in to Sora',
  'Sora wants to check your browser',
  'Sora refused the request',
];

async function expectServiceState(page: Page, seen: string, text: RegExp) {
  const banner = page.getByTestId('service-status');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toHaveAttribute('data-seen', seen);
  await expect(banner).toContainText('Sora is not answering at sora.chatgpt.com');
  await expect(banner.getByTestId('service-seen')).toHaveText(text);
  await expect(banner.getByTestId('service-when')).toContainText(/Sora last answered \d/);
  // Said once, and no other state's text in its place.
  await expect(page.getByText('Sora is not answering at sora.chatgpt.com', { exact: false })).toHaveCount(1);
  for (const wrong of WRONG_STATES) await expect(page.getByText(wrong, { exact: false })).toHaveCount(0);
}

async function showTab(page: Page, name: RegExp | string) {
  await page.getByRole('tab', { name }).click();
}

for (const { mode, seen, text } of MODES) {
  test(`Sora not answering (${mode}): one clear state, the job waits, history works, all resumes`, async ({
    sim,
    extension,
  }) => {
    test.setTimeout(120_000);
    sim.control.setConfig({ speed: 40 });
    await extension.login(EMAIL);
    sim.control.seedDrafts({ count: 3, email: EMAIL, promptPrefix: 'Harbor at night' });
    sim.control.seedDrafts({ count: 2, email: EMAIL, promptPrefix: 'Forest path' });

    // While Sora answers: the account figures, and history imported from Sora.
    const panel = await extension.openSidePanel();
    await showTab(panel, 'History');
    await panel.getByTestId('history-import').click();
    await expect(panel.getByTestId('history-count')).toHaveText('5 items');

    // The site closes.
    sim.control.setConfig({ service: mode });
    await showTab(panel, 'Create');
    await panel.getByLabel('Prompts, one per line').fill('a lighthouse in the fog');
    await panel.getByRole('button', { name: 'Add to queue' }).click();
    await expect(panel.getByTestId('create-done')).toBeVisible();

    await expectServiceState(panel, seen, text);
    await showTab(panel, /^Queue/);
    const pause = panel.getByTestId('pause-banner');
    await expect(pause).toHaveAttribute('data-reason', 'service_unavailable');
    await expect(pause).toContainText(
      'The queue waits for Sora to answer: nothing is sent or counted as a try.',
    );
    // The banner's sentence is not said again by the queue.
    await expect(panel.getByText('Sora is not answering at sora.chatgpt.com', { exact: false })).toHaveCount(
      1,
    );
    const row = panel.getByTestId('job-row');
    await expect(row).toHaveAttribute('data-state', 'paused');
    expect(backendCalls(sim, '/backend/nf/create')).toHaveLength(0);

    const popup = await extension.openPopup();
    await expectServiceState(popup, seen, text);
    await expect(popup.getByTestId('running-job')).toHaveCount(0);

    // Everything that lives in the browser keeps working: search and export.
    await showTab(panel, 'History');
    await panel.getByTestId('history-search').fill('forest');
    await expect(panel.getByTestId('history-count')).toHaveText('2 of 5 items');
    await panel.getByTestId('history-search').fill('');
    await panel.getByText('Export, import and file names').click();
    const [download] = await Promise.all([
      panel.waitForEvent('download'),
      panel.getByTestId('history-export-json').click(),
    ]);
    const data = JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as {
      items: { prompt: string }[];
    };
    expect(data.items).toHaveLength(5);

    // Still waiting, still not failed: no attempt was spent while the site was closed.
    await showTab(panel, /^Queue/);
    await expect(row).toHaveAttribute('data-state', 'paused');
    expect(await panel.getByTestId('count-failed').getAttribute('data-count')).toBe('0');

    // The site answers again: "Check again" finds it, the banner goes and the job goes out and completes.
    sim.control.setConfig({ service: 'normal' });
    await popup.getByRole('button', { name: 'Check again' }).click();
    await expect(popup.getByTestId('service-status')).toHaveCount(0);
    await expect(popup.getByTestId('videos-left')).toBeVisible();
    await expect(panel.getByTestId('service-status')).toHaveCount(0);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(panel.getByTestId('pause-banner')).toHaveCount(0);
    const creates = backendCalls(sim, '/backend/nf/create').filter((c) => c.method === 'POST');
    expect(creates).toHaveLength(1);
  });
}

test('the re-check brings the queue back by itself, without anyone opening a page', async ({
  sim,
  extension,
}) => {
  // The engine's first look after a closed site comes after twice the patience setting (real time: 16 s
  // with the fixture's 8 s, a minute by default).
  test.setTimeout(150_000);
  sim.control.setConfig({ speed: 40 });
  await extension.login(EMAIL);
  const panel = await extension.openSidePanel();
  sim.control.setConfig({ service: 'gone_410' });
  await panel.getByLabel('Prompts, one per line').fill('a paper boat');
  await panel.getByRole('button', { name: 'Add to queue' }).click();
  await showTab(panel, /^Queue/);
  await expect(panel.getByTestId('pause-banner')).toHaveAttribute('data-reason', 'service_unavailable');
  await expect(panel.getByTestId('pause-countdown')).toBeVisible();
  sim.control.setConfig({ service: 'normal' });
  await expect(panel.getByTestId('job-row')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(panel.getByTestId('service-status')).toHaveCount(0);
});
