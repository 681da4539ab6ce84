/**
 * "Remix this" from sora.chatgpt.com and the page's sentinel token, on the real build in Chromium against
 * the simulator. Native context menus cannot be clicked headless, so the tests dispatch the extension's
 * real onClicked listener in the service worker with the data Chrome would pass (TESTING.md).
 */
import type { Page, Worker } from '@playwright/test';
import type { Sim } from '../sim/app';
import { backendCalls, type ExtensionHelpers, expect, test } from './fixtures';

const FEED = 'https://sora.chatgpt.com/';
const TARGET_ITEM = 'companion.remix.target';
const PAGE_ITEM = 'companion.remix.page';

interface ClickInfo {
  menuItemId: string;
  pageUrl: string;
  linkUrl?: string;
  srcUrl?: string;
  mediaType?: string;
  frameId?: number;
}

type ChromeLike = {
  tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> };
  contextMenus: { onClicked: { dispatch(info: object, tab: object): void } };
};

/** A sora.chatgpt.com tab with the content scripts loaded. */
async function openSoraTab(extension: ExtensionHelpers, url = FEED): Promise<Page> {
  const page = await extension.context.newPage();
  await page.goto(url);
  return page;
}

/** What Chrome does on a menu click: call the listeners with the click data and the tab. */
async function clickMenu(sw: Worker, info: ClickInfo): Promise<void> {
  await sw.evaluate(async (i) => {
    const chrome = (globalThis as unknown as { chrome: ChromeLike }).chrome;
    const [tab] = await chrome.tabs.query({ url: 'https://sora.chatgpt.com/*' });
    if (!tab) throw new Error('no sora tab');
    chrome.contextMenus.onClicked.dispatch({ frameId: 0, editable: false, ...i }, tab);
  }, info);
}

async function queueFromPanel(panel: Page, prompt: string): Promise<void> {
  await panel.locator('#create-prompt').fill(prompt);
  await panel.getByRole('button', { name: 'Add to queue' }).click();
}

function createCalls(sim: Sim) {
  return backendCalls(sim, '/backend/nf/create');
}

test.describe('Remix this', () => {
  test('a post link: the panel opens on Create with the target, and the job is a remix', async ({
    sim,
    extension,
  }) => {
    await extension.login('ada@example.com');
    const feed = await openSoraTab(extension);
    const href = await feed.locator('a.post-link').first().getAttribute('href');
    const postId = href?.replace('/p/', '') ?? '';
    expect(postId).toMatch(/^s_[0-9a-f]{32}$/);

    await clickMenu(await extension.worker(), {
      menuItemId: TARGET_ITEM,
      linkUrl: new URL(href ?? '', FEED).href,
      srcUrl: (await feed.locator('a.post-link video').first().getAttribute('src')) ?? undefined,
      mediaType: 'video',
      pageUrl: FEED,
    });
    // The panel opened after the click picks up the waiting intent.
    const panel = await extension.openSidePanel();
    await expect(panel.getByRole('tab', { name: 'Create' })).toHaveAttribute('aria-selected', 'true');
    await expect(panel.locator('#create-remix')).toHaveValue(postId);
    const preview = panel.getByTestId('remix-preview');
    await expect(preview).toBeVisible();
    await expect(preview.getByRole('img', { name: 'The video being remixed' })).toHaveAttribute(
      'src',
      /^https:\/\/videos\.openai\.com\//,
    );
    await expect(preview.locator('.remix-preview-prompt')).not.toBeEmpty();

    await queueFromPanel(panel, 'the same scene, but in the snow');
    await expect.poll(() => createCalls(sim).length).toBe(1);
    const [create] = createCalls(sim);
    expect(create?.body).toMatchObject({
      remix_target_id: postId,
      prompt: 'the same scene, but in the snow',
    });
    expect(create?.hasBearer).toBe(true);
  });

  test('a video without a link: the content script finds the post; an open panel follows', async ({
    sim,
    extension,
  }) => {
    await extension.login('ada@example.com');
    const panel = await extension.openSidePanel();
    await panel.getByRole('tab', { name: 'Account' }).click();
    const feed = await openSoraTab(extension);
    const card = feed.locator('article.card[data-post-id]');
    const postId = await card.getAttribute('data-post-id');
    expect(postId).toMatch(/^s_[0-9a-f]{32}$/);
    // A real right-click: the content script records the element under the pointer.
    await card.locator('video').click({ button: 'right' });

    await clickMenu(await extension.worker(), {
      menuItemId: TARGET_ITEM,
      srcUrl: (await card.locator('video').getAttribute('src')) ?? undefined,
      mediaType: 'video',
      pageUrl: FEED,
    });
    await expect(panel.getByRole('tab', { name: 'Create' })).toHaveAttribute('aria-selected', 'true');
    await expect(panel.locator('#create-remix')).toHaveValue(postId ?? '');
    // The post was read for its thumbnail and prompt with the extension's token, not the page's cookies.
    await expect.poll(() => backendCalls(sim, `/backend/project_y/post/${postId}`).length).toBeGreaterThan(0);
  });

  test('on a post page: the page item remixes that post', async ({ sim, extension }) => {
    await extension.login('ada@example.com');
    const postId = sim.state.seededPostIds[0] ?? '';
    const page = await openSoraTab(extension, `${FEED}p/${postId}`);
    await expect(page.locator('#post-video')).toBeVisible();
    const panel = await extension.openSidePanel();
    await clickMenu(await extension.worker(), { menuItemId: PAGE_ITEM, pageUrl: `${FEED}p/${postId}` });
    await expect(panel.locator('#create-remix')).toHaveValue(postId);
  });
});

test.describe('sentinel token from the page', () => {
  test('with a Sora tab that offers the SDK, create calls carry the page token', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ pageSentinel: true });
    await extension.login('ada@example.com');
    await openSoraTab(extension);
    const panel = await extension.openSidePanel();
    await queueFromPanel(panel, 'a paper boat on a puddle');
    await expect.poll(() => createCalls(sim).length).toBe(1);
    expect(createCalls(sim)[0]?.sentinelSource).toBe('page');
    expect(createCalls(sim)[0]?.status).toBe(200);
  });

  test('without a Sora tab, a hand-made token (a verified proof of work) is used, never a random one', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ pageSentinel: true });
    await extension.login('ada@example.com');
    const panel = await extension.openSidePanel();
    await queueFromPanel(panel, 'a paper boat on a puddle');
    await expect.poll(() => createCalls(sim).length).toBe(1);
    expect(createCalls(sim)[0]?.sentinelSource).toBe('pow');
    expect(createCalls(sim)[0]?.status).toBe(200);
  });
});
