/**
 * Watermark-free downloads, end to end: the real build in Chromium against the simulator. Files land in
 * the profile's download folder (the fixture seeds `download.default_directory`; Playwright's own download
 * handling is switched off so the extension's file names are kept).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { DownloadJob } from '../../lib/db/download-record';
import { sidePanelZhCN as zh } from '../../lib/i18n/zh_CN';
import { loadFixture, reachedBackend, type Sim } from '../sim/app';
import {
  ask,
  backendCalls,
  type ExtensionHelpers,
  expect,
  explained,
  patchStoredSettings,
  test,
} from './fixtures';

const EMAIL = 'ada@example.com';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings inside `selector`. */
async function axeFindings(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (sel) => {
    type Violation = { id: string; impact: string | null; nodes: { target: unknown }[] };
    const axe = (
      window as unknown as { axe: { run(c: Element, o: object): Promise<{ violations: Violation[] }> } }
    ).axe;
    const res = await axe.run(document.querySelector(sel) as Element, { resultTypes: ['violations'] });
    return res.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  }, selector);
}
const DAY_MS = 86_400_000;

/** Lets the browser save downloads itself (Playwright otherwise takes them over with GUID names). */
async function browserDownloads(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default', eventsEnabled: false });
  await cdp.detach();
}

/** Finished files under a folder (no partial `.crdownload`), relative paths. */
function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.crdownload'))
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

async function openHistory(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-view')).toBeVisible();
}

async function importFromSora(page: Page, expected: number): Promise<void> {
  await page.getByTestId('history-import').click();
  await expect(page.getByTestId('history-count')).toHaveText(expected === 1 ? '1 item' : `${expected} items`);
}

test('a finished video downloads clean under the templated name, and the post is deleted again', async ({
  extension,
  sim,
}) => {
  await extension.login(EMAIL);
  const [genId] = sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'Lighthouse: at dusk?' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  await openHistory(page);
  await importFromSora(page, 1);

  // The template, typed in the History view's settings, with its live preview.
  await page.getByText('Export, import and file names').click();
  await page.getByLabel('Download folder').fill('My Sora/clips');
  await page.getByLabel('Download folder').press('Enter');
  const template = page.getByLabel('File name template');
  await template.fill('{kind}_{prompt:20}_{id}');
  await expect(page.getByTestId('filename-preview')).toContainText(
    'My Sora/clips/video_A lighthouse on a cl_gen_01k2example.mp4',
  );
  await template.press('Enter');

  await page.getByTestId('history-row').first().click();
  await page.getByTestId('history-download-clean').click();
  const expected = path.join('My Sora', 'clips', `video_Lighthouse at dusk 1_${genId}.mp4`);
  await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 20_000 }).toEqual([expected]);
  const bytes = readFileSync(path.join(extension.downloadsDir, expected));
  expect(Buffer.compare(bytes, Buffer.from(loadFixture('video-clean-landscape.mp4')))).toBe(0);

  // Published as an unlisted link, read, downloaded, then deleted.
  await expect
    .poll(() => backendCalls(sim, '/backend/project_y/post*').map((e) => `${e.method} ${e.status}`))
    .toEqual(['POST 200', 'GET 200', 'DELETE 200']);
  const publish = backendCalls(sim, '/backend/project_y/post').find((e) => e.method === 'POST');
  expect(publish?.body).toMatchObject({ destinations: [{ type: 'shared_link_unlisted' }] });
  const served = sim.control.log({ host: 'videos.openai.com' }).filter((e) => e.path.endsWith('source.mp4'));
  expect(served.length).toBeGreaterThan(0);
  await expect(page.getByTestId('history-dl-count')).toHaveText('1 of 1 finished');
  // Where the file came from, in the dialog, the Downloads panel and the row; no fallback notice.
  await expect(page.getByTestId('history-dialog-file')).toHaveText(
    `Saved as “video_Lighthouse at dusk 1_${genId}.mp4”. Clean — from the post’s attachment`,
  );
  await expect(page.getByTestId('history-dialog-fellback')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('history-dl-source')).toHaveText('Clean — from the post’s attachment');
  await expect(page.getByTestId('history-dl-fellback')).toHaveCount(0);
  await expect(page.getByTestId('history-row').first()).toContainText(
    'Downloaded · Clean — from the post’s attachment',
  );
});

test('when the post hands back the draft’s own file, the watermarked original is saved and called so', async ({
  extension,
  sim,
}) => {
  // NOTES.md: whether a web session's post read carries a clean file is unverified. Here it does not.
  sim.control.setConfig({ variants: { postAttachmentFile: 'draft' } });
  await extension.login(EMAIL);
  const [genId] = sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'Same file' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  await patchStoredSettings(page, { filenameTemplate: '{id}', downloadFolder: 'Sora', sidecar: 'txt' });
  await openHistory(page);
  await importFromSora(page, 1);

  await page.getByTestId('history-row').first().click();
  await page.getByTestId('history-download-clean').click();
  const video = path.join('Sora', `${genId}.mp4`);
  const sidecar = path.join('Sora', `${genId}.txt`);
  await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 20_000 }).toEqual([video, sidecar]);
  // The bytes saved are the watermarked ones, and every label says so.
  const bytes = readFileSync(path.join(extension.downloadsDir, video));
  expect(Buffer.compare(bytes, Buffer.from(loadFixture('video-wm-landscape.mp4')))).toBe(0);
  const text = readFileSync(path.join(extension.downloadsDir, sidecar), 'utf8');
  expect(text).toContain('watermark-free: no');
  expect(text).toContain(
    'file: watermarked original: you asked for a watermark-free file, but no clean file was found',
  );

  // A notice in the dialog, not just a tag.
  await expect(page.getByTestId('history-dialog-fellback')).toHaveText(
    'You asked for this video without the watermark, but no clean file was found: the watermarked original was saved instead.',
  );
  await expect(page.getByTestId('history-dialog-file')).toContainText(
    'Watermarked original: no clean file was found',
  );
  await page.keyboard.press('Escape');
  // And one in the Downloads panel, with the row's own label.
  await expect(page.getByTestId('history-dl-fellback')).toHaveText(
    'No clean file was found for 1 video you asked for without the watermark: the watermarked original was saved instead.',
  );
  await expect(page.getByTestId('history-dl-source')).toHaveText(
    'Watermarked original: no clean file was found',
  );
  const row = page.getByTestId('history-row').first();
  await expect(row).toContainText('Downloaded · Watermarked original: no clean file was found');
  await expect(row).not.toContainText('Clean');
  // The post it made is gone again.
  await expect
    .poll(() => backendCalls(sim, '/backend/project_y/post*').map((e) => e.method))
    .toEqual(['POST', 'GET', 'DELETE']);
});

test.describe('Simplified Chinese browser', () => {
  test.use({ locale: 'zh-CN' });

  test('a clean download that fell back to the watermarked original says so in Chinese', async ({
    extension,
    sim,
  }) => {
    sim.control.setConfig({ variants: { postAttachmentFile: 'draft' } });
    await extension.login(EMAIL);
    sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: '同一个文件' });
    const page = await extension.openSidePanel();
    await browserDownloads(extension.context, page);
    await page.getByRole('tab', { name: zh['nav.history'] }).click();
    await page.getByTestId('history-import').click();
    await expect(page.getByTestId('history-count')).toHaveText(zh['history.count'].replace('{count}', '1'));
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-download-clean').click();
    await expect(page.getByTestId('history-dialog-fellback')).toHaveText(zh['history.fellBackNotice'], {
      timeout: 20_000,
    });
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('history-dl-fellback')).toHaveText(
      zh['history.dl.fellBackCount'].replace('{count}', '1'),
    );
    await expect(page.getByTestId('history-dl-source')).toHaveText(zh['history.source.fallback']);
    await expect(page.getByTestId('history-row').first()).toContainText(zh['history.source.fallback']);
  });
});

test('an expired media URL (403) is read again from Sora before the normal file downloads', async ({
  extension,
  sim,
}) => {
  await extension.login(EMAIL);
  const [genId] = sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'Old clip' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  await patchStoredSettings(page, { filenameTemplate: '{id}', downloadFolder: 'Sora' });
  await openHistory(page);
  await importFromSora(page, 1);
  const loaded = (img: HTMLImageElement) => img.complete && img.naturalWidth > 0;
  const thumb = page.getByTestId('history-row').first().locator('img');
  // Settled first: a thumbnail still loading when the clock jumps would be refreshed before the reload.
  await expect.poll(() => thumb.evaluate(loaded)).toBe(true);
  const readsBefore = backendCalls(sim, '/backend/project_y/profile/drafts*').length;

  // Days later the signed URLs have expired. The browser's cache would have let go of the thumbnail by then
  // (it may keep it an hour); the simulated days do not pass for it, so it is emptied here. Otherwise the
  // thumbnail comes back from the cache and never asks the CDN (seen under load).
  sim.clock.advance(sim.config.mediaUrlLifetimeSec * 1000 + DAY_MS);
  const cdp = await extension.context.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
  await page.reload();
  await openHistory(page);
  // The thumbnail answers 403 and is replaced by a fresh one.
  await expect.poll(() => thumb.evaluate(loaded)).toBe(true);
  const media = sim.control.log({ host: 'videos.openai.com' });
  expect(media.some((e) => e.status === 403)).toBe(true);
  expect(backendCalls(sim, '/backend/project_y/profile/drafts*').length).toBeGreaterThan(readsBefore);

  await page.getByTestId('history-row').first().click();
  await page.getByRole('button', { name: 'Download normal file' }).click();
  await expect
    .poll(() => filesIn(extension.downloadsDir), { timeout: 20_000 })
    .toEqual([path.join('Sora', `${genId}.mp4`)]);
  const bytes = readFileSync(path.join(extension.downloadsDir, 'Sora', `${genId}.mp4`));
  // The normal file is the watermarked one, and it is not called clean.
  expect(Buffer.compare(bytes, Buffer.from(loadFixture('video-wm-landscape.mp4')))).toBe(0);
  await expect(page.getByTestId('history-row').first()).toContainText('Downloaded · Watermarked original');
  await expect(page.getByTestId('history-row').first()).not.toContainText('Clean');
  // Asked for the normal file: nothing fell back, so no notice.
  await expect(page.getByTestId('history-dl-fellback')).toHaveCount(0);
  expect(backendCalls(sim, '/backend/project_y/post*')).toHaveLength(0);
});

test('bulk download of five items, two at a time, numbered, each post deleted', async ({
  extension,
  sim,
}) => {
  await extension.login(EMAIL);
  const ids = sim.control.seedDrafts({ count: 5, email: EMAIL, promptPrefix: 'Batch' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  await patchStoredSettings(page, {
    filenameTemplate: '{index}_{prompt:12}',
    downloadFolder: 'Bulk',
    sidecar: 'txt',
  });
  await openHistory(page);
  await importFromSora(page, 5);

  const list = page.getByTestId('history-list');
  await list.focus();
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('history-selection')).toContainText('5 selected');
  await page.getByTestId('history-bulk-download').click();
  await expect(page.getByTestId('history-dl-count')).toHaveText('5 of 5 finished', { timeout: 30_000 });

  // Newest first in the list, so Batch 5 is number 1.
  const videos = [5, 4, 3, 2, 1].map((n, i) => path.join('Bulk', `${i + 1}_Batch ${n}.mp4`));
  const sidecars = videos.map((v) => v.replace(/\.mp4$/, '.txt'));
  await expect.poll(() => filesIn(extension.downloadsDir)).toEqual([...videos, ...sidecars].sort());
  const clean = Buffer.from(loadFixture('video-clean-landscape.mp4'));
  for (const v of videos)
    expect(Buffer.compare(readFileSync(path.join(extension.downloadsDir, v)), clean)).toBe(0);
  const sidecar = readFileSync(path.join(extension.downloadsDir, sidecars[0] as string), 'utf8');
  expect(sidecar).toContain('Batch 5');
  expect(sidecar).toContain(`id: ${ids[4]}`);
  expect(sidecar).toContain('watermark-free: yes');
  expect(sidecar).toContain("file: watermark-free, from the post's attachment");

  const posts = backendCalls(sim, '/backend/project_y/post*');
  expect(posts.filter((e) => e.method === 'POST')).toHaveLength(5);
  expect(posts.filter((e) => e.method === 'DELETE' && e.status === 200)).toHaveLength(5);
  // Never more than two files in flight at once: the publish → delete windows overlap at most twice.
  let open = 0;
  let most = 0;
  for (const e of posts) {
    if (e.method === 'POST') open++;
    if (e.method === 'DELETE') open--;
    most = Math.max(most, open);
  }
  expect(most).toBeLessThanOrEqual(2);
});

test('downloads continue after the service worker is stopped mid-batch', async ({ extension, sim }) => {
  test.setTimeout(120_000);
  await extension.login(EMAIL);
  sim.control.seedDrafts({ count: 4, email: EMAIL, promptPrefix: 'Resume' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  await patchStoredSettings(page, { filenameTemplate: '{prompt:10}', downloadFolder: 'Resumed' });
  await openHistory(page);
  await importFromSora(page, 4);
  // Slow Sora down a little so the stop lands in the middle of the batch.
  sim.control.addFault({ path: '/backend/project_y/post/*', method: 'GET', kind: 'delay', delayMs: 400 });
  await page.getByTestId('history-list').focus();
  await page.keyboard.press('Control+a');
  await page.getByTestId('history-bulk-download').click();
  await expect.poll(() => filesIn(extension.downloadsDir).length, { timeout: 20_000 }).toBeGreaterThan(0);
  await extension.stopServiceWorker();
  // Any extension page waking the worker is enough: it resumes what is stored.
  const again = await extension.openSidePanel();
  await openHistory(again);
  const names = [4, 3, 2, 1].map((n) => path.join('Resumed', `Resume ${n}.mp4`)).sort();
  // A publish the stop cut off is looked for first; "not there" is believed only once its send is 1.5× the
  // user's patience old (12 s with the suite's 8 s).
  // On failure, each download job's stored state.
  await explained(
    async () => {
      await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 80_000 }).toEqual(names);
    },
    sim,
    '/backend/project_y/*',
    async () => (await ask<{ jobs: DownloadJob[] }>(again, 'media.list', {})).jobs,
  );
  await expect(again.getByTestId('history-dl-count')).toHaveText('4 of 4 finished', { timeout: 20_000 });
  // One post per video, each deleted again: nothing published twice, nothing left online.
  expect(publishOutcome(sim)).toEqual({ accepted: 4, online: 0 });
});

/** Publishes Sora carried out for the user, and how many of the user's posts are still online. */
function publishOutcome(sim: Sim): { accepted: number; online: number } {
  const accepted = backendCalls(sim, '/backend/project_y/post').filter(
    (e) => e.method === 'POST' && reachedBackend(e) && e.status === 200,
  ).length;
  const online = sim.control.state().posts.filter((p) => p.user === EMAIL && !p.deleted).length;
  return { accepted, online };
}

test.describe('publish exactly once, never left public', () => {
  async function prepare(
    extension: ExtensionHelpers,
    sim: Sim,
    prompt: string,
  ): Promise<{ page: Page; file: string }> {
    await extension.login(EMAIL);
    sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: prompt });
    const page = await extension.openSidePanel();
    await browserDownloads(extension.context, page);
    await patchStoredSettings(page, { filenameTemplate: '{prompt:30}', downloadFolder: 'Once' });
    await openHistory(page);
    await importFromSora(page, 1);
    return { page, file: path.join('Once', `${prompt} 1.mp4`) };
  }

  const clean = () => Buffer.from(loadFixture('video-clean-landscape.mp4'));

  test('a publish whose answer is lost is found among your posts, not sent again; the clean file is saved once', async ({
    extension,
    sim,
  }) => {
    const { page, file } = await prepare(extension, sim, 'Lost answer');
    sim.control.addFault({ method: 'POST', path: '/backend/project_y/post', kind: 'answer_lost', times: 1 });
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-download-clean').click();
    await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 30_000 }).toEqual([file]);
    expect(Buffer.compare(readFileSync(path.join(extension.downloadsDir, file)), clean())).toBe(0);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('history-dl-count')).toHaveText('1 of 1 finished');
    await expect(page.getByTestId('history-dl-row')).toHaveAttribute('data-state', 'done');
    await expect.poll(() => publishOutcome(sim)).toEqual({ accepted: 1, online: 0 });
    expect(backendCalls(sim, '/backend/project_y/post').filter((e) => e.method === 'POST')).toHaveLength(1);
    expect(backendCalls(sim, '/backend/project_y/profile_feed/me').length).toBeGreaterThan(0);
    await expect(page.getByTestId('history-posts')).toHaveCount(0);
  });

  test('the service worker stopped during the publish: one post, deleted; the file saved once', async ({
    extension,
    sim,
  }) => {
    test.setTimeout(150_000);
    const { page, file } = await prepare(extension, sim, 'Stopped publish');
    // Sora is slow to take the publish, and the worker is stopped while it waits.
    sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'delay',
      delayMs: 5000,
      times: 1,
    });
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-download-clean').click();
    await expect
      .poll(() => backendCalls(sim, '/backend/project_y/post').filter((e) => e.method === 'POST').length)
      .toBe(1);
    await extension.stopServiceWorker();
    const again = await extension.openSidePanel();
    await openHistory(again);
    await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 90_000 }).toEqual([file]);
    expect(Buffer.compare(readFileSync(path.join(extension.downloadsDir, file)), clean())).toBe(0);
    await expect(again.getByTestId('history-dl-count')).toHaveText('1 of 1 finished', { timeout: 20_000 });
    await expect.poll(() => publishOutcome(sim)).toEqual({ accepted: 1, online: 0 });
    await expect(again.getByTestId('history-posts')).toHaveCount(0);
  });

  test('cancel during the publish: the post its answer names is deleted, nothing is saved', async ({
    extension,
    sim,
  }) => {
    const { page } = await prepare(extension, sim, 'Canceled publish');
    sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'delay',
      delayMs: 3000,
      times: 1,
    });
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-download-clean').click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('history-dl-row')).toHaveAttribute('data-state', 'publishing');
    // The request has reached Sora (held there for 3 s): the cancel overtakes a publish in flight. (A cancel
    // while the sentinel token is still being made sends nothing at all.)
    await expect.poll(() => sim.control.faults()[0]?.triggered).toBe(1);
    await page.getByRole('button', { name: /^Cancel the download of/ }).click();
    await expect(page.getByTestId('history-dl-row')).toHaveAttribute('data-state', 'canceled', {
      timeout: 20_000,
    });
    await expect.poll(() => publishOutcome(sim), { timeout: 20_000 }).toEqual({ accepted: 1, online: 0 });
    expect(filesIn(extension.downloadsDir)).toEqual([]);
    await expect(page.getByTestId('history-posts')).toHaveCount(0);
  });

  test('no list of your posts to look in: “May already be published”, and the user decides', async ({
    extension,
    sim,
  }) => {
    sim.control.setConfig({ variants: { profileFeed: 'not_found' } });
    const { page, file } = await prepare(extension, sim, 'Unsure publish');
    sim.control.addFault({ method: 'POST', path: '/backend/project_y/post', kind: 'answer_lost', times: 1 });
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-download-clean').click();
    await page.keyboard.press('Escape');
    const row = page.getByTestId('history-dl-row');
    await expect(row).toHaveAttribute('data-state', 'unsure', { timeout: 20_000 });
    await expect(row).toContainText('May already be published');
    await expect(row).toContainText('look at your Sora profile first');
    expect(await axeFindings(page, '[data-testid="history-downloads"]')).toEqual([]);
    // Nothing is sent again while the user has not decided.
    expect(backendCalls(sim, '/backend/project_y/post').filter((e) => e.method === 'POST')).toHaveLength(1);
    await row.getByTestId('history-dl-publish-again').click();
    await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 30_000 }).toEqual([file]);
    await expect(row).toHaveAttribute('data-state', 'done');
    // The second post is deleted; the first, which nothing could name, is the one the user was warned of.
    expect(publishOutcome(sim)).toEqual({ accepted: 2, online: 1 });
  });

  test('a post a download could not delete is listed under “Posts still online” until the user deletes it', async ({
    extension,
    sim,
  }) => {
    const { page, file } = await prepare(extension, sim, 'Left online');
    const refuse = sim.control.addFault({
      method: 'DELETE',
      path: '/backend/project_y/post/*',
      kind: 'status',
      status: 403,
    });
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('history-download-clean').click();
    await page.keyboard.press('Escape');
    await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 30_000 }).toEqual([file]);
    const posts = page.getByTestId('history-posts');
    await expect(posts).toBeVisible({ timeout: 20_000 });
    await expect(posts.getByRole('heading')).toHaveText('Posts still online');
    const row = posts.getByTestId('history-post-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Left online 1');
    await expect(row).toContainText('Left after a download');
    expect(publishOutcome(sim)).toEqual({ accepted: 1, online: 1 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeFindings(page, '[data-testid="history-posts"]'), scheme).toEqual([]);
    }
    // Still refused: the row stays, with the reason.
    await row.getByRole('button', { name: /^Delete the post of/ }).click();
    await expect(row).toContainText('Not deleted');
    sim.control.removeFault(refuse.id);
    await row.getByRole('button', { name: /^Delete the post of/ }).click();
    await expect(posts).toHaveCount(0);
    expect(publishOutcome(sim)).toEqual({ accepted: 1, online: 0 });
  });
});

test('a draft whose media is on a foreign host draws no request there: no preview, no download, a readable state', async ({
  extension,
  sim,
}) => {
  const FOREIGN = 'media.elsewhere.example';
  await extension.login(EMAIL);
  // Sora's answers point the draft's file, source and thumbnail at a host that is not Sora's.
  sim.control.setConfig({ variants: { mediaHost: 'foreign' } });
  sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'Far away' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  await openHistory(page);
  await importFromSora(page, 1);

  const row = page.getByTestId('history-row').first();
  await expect(row).toContainText('Far away 1');
  await expect(row.locator('img')).toHaveCount(0);
  await row.click();
  await expect(page.getByTestId('history-preview-hidden')).toContainText(FOREIGN);
  await page.getByRole('button', { name: 'Download normal file' }).click();
  await expect(page.getByTestId('history-dl-row').first()).toContainText(
    `the file is on ${FOREIGN}, not on Sora’s media host`,
  );
  await expect(page.getByTestId('history-dl-count')).toHaveText('1 of 1 finished');
  // Chromium reaches that host only through the simulator: its log is every attempt there.
  expect(sim.control.log({ host: FOREIGN })).toEqual([]);
  expect(filesIn(extension.downloadsDir)).toEqual([]);
});

test('a parse-service link on a new host waits until the user allows that host; Settings can take it back', async ({
  extension,
  sim,
}) => {
  const MIRROR = 'media.elsewhere.example';
  await extension.login(EMAIL);
  const [genId] = sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'Mirror' });
  const page = await extension.openSidePanel();
  await browserDownloads(extension.context, page);
  // The simulator's parse service answers clean links on its own mirror, not on Sora's media host.
  await patchStoredSettings(page, {
    filenameTemplate: '{id}',
    downloadFolder: 'Sora',
    parseServiceUrl: 'https://parse.sim.example',
  });
  await openHistory(page);
  await importFromSora(page, 1);
  await page.getByTestId('history-row').first().click();
  await page.getByTestId('history-download-clean').click();
  await page.keyboard.press('Escape');

  const row = page.getByTestId('history-dl-row').first();
  await expect(row).toContainText(`your parse service’s file is on ${MIRROR}`);
  // Waiting: nothing was requested from the mirror, nothing saved.
  expect(sim.control.log({ host: MIRROR })).toEqual([]);
  expect(filesIn(extension.downloadsDir)).toEqual([]);

  await row.getByTestId('history-dl-confirm-host').click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(`Download from ${MIRROR}?`);
  await dialog.getByRole('button', { name: 'Allow this host' }).click();
  const expected = path.join('Sora', `${genId}.mp4`);
  await expect.poll(() => filesIn(extension.downloadsDir), { timeout: 20_000 }).toEqual([expected]);
  const bytes = readFileSync(path.join(extension.downloadsDir, expected));
  expect(Buffer.compare(bytes, Buffer.from(loadFixture('video-clean-landscape.mp4')))).toBe(0);
  expect(sim.control.log({ host: MIRROR }).length).toBeGreaterThan(0);
  // The post made for the parse service is deleted again.
  await expect
    .poll(() => backendCalls(sim, '/backend/project_y/post*').map((e) => e.method))
    .toEqual(['POST', 'DELETE']);

  // Remembered in Settings, and removable there.
  await page.getByRole('tab', { name: 'Account' }).click();
  const hosts = page.getByTestId('setting-trusted-hosts');
  await expect(hosts).toContainText(MIRROR);
  await hosts.getByRole('button', { name: `Remove ${MIRROR}` }).click();
  await expect(hosts).not.toContainText(MIRROR);
  await expect
    .poll(() =>
      page.evaluate(async () => {
        type Local = { get(k: string): Promise<Record<string, { trustedMediaHosts?: string[] }>> };
        const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage
          .local;
        return (await local.get('settings')).settings?.trustedMediaHosts;
      }),
    )
    .toEqual([]);
});
