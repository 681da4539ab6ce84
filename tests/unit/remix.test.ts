import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createRemixMenu } from '../../lib/background/remix';
import { type ContentListenerDeps, createContentListener } from '../../lib/remix/content-listener';
import { describePost, INTENT_MAX_AGE_MS, parseIntent, type RemixIntent } from '../../lib/remix/intent';
import {
  handleRemixClick,
  type MenusLike,
  REMIX_MENU_IDS,
  type RemixMenuItem,
  registerRemixMenu,
  remixMenuItems,
  retitleRemixMenu,
} from '../../lib/remix/menu';
import {
  isPostIdUnderPointerRequest,
  POST_ID_UNDER_POINTER,
  readPostIdAnswer,
} from '../../lib/remix/messages';
import { createPointerTracker, type ElementLike, findPostId } from '../../lib/remix/pointer';
import { resolvePostId } from '../../lib/remix/resolve';
import { SENTINEL_TOKEN_REQUEST } from '../../lib/sentinel-page/messages';
import type { SoraHttp } from '../../lib/sora/http';
import { useIntent } from '../../lib/stores/intent';
import { remixIntentItem } from '../../lib/util/storage-items';

const INTENT_KEY = remixIntentItem.key;

const A = `s_${'a'.repeat(32)}`;
const B = `s_${'b'.repeat(32)}`;
const C = `s_${'c'.repeat(32)}`;
const FEED = 'https://sora.chatgpt.com/';
const postUrl = (id: string) => `https://sora.chatgpt.com/p/${id}`;

// ---------------------------------------------------------------------------------------------------------
// A tiny element tree for the DOM walk

interface FakeEl extends ElementLike {
  parentElement: FakeEl | null;
}

function el(tagName: string, attrs: Record<string, string> = {}, parent: FakeEl | null = null): FakeEl {
  return {
    tagName: tagName.toUpperCase(),
    getAttribute: (name) => attrs[name] ?? null,
    attributes: Object.entries(attrs).map(([name, value]) => ({ name, value })),
    parentElement: parent,
  };
}

describe('findPostId (the content script walk)', () => {
  it('finds the post link around a video', () => {
    const a = el('a', { href: `/p/${A}`, class: 'post-link' }, el('article'));
    expect(findPostId(el('video', {}, a), FEED)).toBe(A);
  });

  it('finds a post-id attribute two levels up when the video has no link', () => {
    const card = el('article', { 'data-post-id': B }, el('section'));
    const video = el('video', { src: 'https://videos.openai.com/x.mp4' }, el('div', {}, el('div', {}, card)));
    expect(findPostId(video, FEED)).toBe(B);
  });

  it('reads absolute links and any data-* attribute holding a post link', () => {
    expect(findPostId(el('a', { href: postUrl(C) }), FEED)).toBe(C);
    expect(findPostId(el('div', { 'data-share': postUrl(C) }), FEED)).toBe(C);
  });

  it('ignores links elsewhere and non-data attributes', () => {
    const foreign = el('a', { href: `https://example.com/p/${A}` }, el('div', { title: A, id: B }));
    expect(findPostId(foreign, FEED)).toBeNull();
    expect(findPostId(null, FEED)).toBeNull();
  });

  it('steps out of a shadow root to its host', () => {
    const host = el('sora-player', {}, el('article', { 'data-post-id': A }));
    const inner: FakeEl = { ...el('video'), getRootNode: () => ({ host }) };
    expect(findPostId(inner, FEED)).toBe(A);
  });
});

describe('createPointerTracker', () => {
  function target() {
    let fn: ((e: { target: unknown; composedPath?(): unknown[] }) => void) | undefined;
    return {
      addEventListener: vi.fn((_type: 'contextmenu', f: typeof fn, capture: boolean) => {
        expect(capture).toBe(true);
        fn = f;
      }),
      fire: (e: { target: unknown; composedPath?(): unknown[] }) => fn?.(e),
    };
  }

  it('answers for the last right-click, and nothing once it is stale', () => {
    let now = 1_000;
    const t = target();
    const tracker = createPointerTracker(
      t,
      () => FEED,
      () => now,
    );
    expect(tracker.postIdUnderPointer()).toBeNull();
    const video = el('video', {}, el('article', { 'data-post-id': A }));
    t.fire({ target: {}, composedPath: () => [video] });
    expect(tracker.postIdUnderPointer()).toBe(A);
    now += 61_000;
    expect(tracker.postIdUnderPointer()).toBeNull();
  });
});

describe('resolvePostId', () => {
  const ask = (answer: string | null) => vi.fn(async () => answer);

  it('takes the link first, without asking the page', async () => {
    const askContentScript = ask(B);
    const id = await resolvePostId(
      { menuItemId: REMIX_MENU_IDS.target, linkUrl: postUrl(A), pageUrl: postUrl(C) },
      { pageItemId: REMIX_MENU_IDS.page, askContentScript },
    );
    expect(id).toBe(A);
    expect(askContentScript).not.toHaveBeenCalled();
  });

  it('a click on a post page itself means that post', async () => {
    const askContentScript = ask(B);
    const id = await resolvePostId(
      { menuItemId: REMIX_MENU_IDS.page, pageUrl: `${postUrl(C)}?x=1` },
      { pageItemId: REMIX_MENU_IDS.page, askContentScript },
    );
    expect(id).toBe(C);
    expect(askContentScript).not.toHaveBeenCalled();
  });

  it('a video without a link: the content script answer, else the page URL', async () => {
    const video = {
      menuItemId: REMIX_MENU_IDS.target,
      pageUrl: FEED,
      srcUrl: 'https://videos.openai.com/v.mp4',
    };
    await expect(
      resolvePostId(video, { pageItemId: REMIX_MENU_IDS.page, askContentScript: ask(B) }),
    ).resolves.toBe(B);
    await expect(
      resolvePostId(video, { pageItemId: REMIX_MENU_IDS.page, askContentScript: ask(null) }),
    ).resolves.toBe(null);
    const onPost = { ...video, pageUrl: postUrl(C) };
    const failing = vi.fn(async () => Promise.reject(new Error('Receiving end does not exist')));
    await expect(
      resolvePostId(onPost, { pageItemId: REMIX_MENU_IDS.page, askContentScript: failing }),
    ).resolves.toBe(C);
  });

  it('a link that is not a post falls through to the content script', async () => {
    const id = await resolvePostId(
      { menuItemId: REMIX_MENU_IDS.target, linkUrl: 'https://videos.openai.com/dl/x.mp4', pageUrl: FEED },
      { pageItemId: REMIX_MENU_IDS.page, askContentScript: ask(A) },
    );
    expect(id).toBe(A);
  });
});

describe('content-script messages', () => {
  it('the pointer question is exactly {type}', () => {
    expect(isPostIdUnderPointerRequest({ type: POST_ID_UNDER_POINTER })).toBe(true);
    expect(isPostIdUnderPointerRequest({ type: POST_ID_UNDER_POINTER, extra: 1 })).toBe(false);
    expect(isPostIdUnderPointerRequest({ type: 'x' })).toBe(false);
  });

  it('the answer must be a post id', () => {
    expect(readPostIdAnswer({ postId: A })).toBe(A);
    expect(readPostIdAnswer({ postId: 'javascript:alert(1)' })).toBeNull();
    expect(readPostIdAnswer({ postId: postUrl(A) })).toBeNull();
    expect(readPostIdAnswer(undefined)).toBeNull();
  });
});

describe('createContentListener (isolated content script)', () => {
  const deps: ContentListenerDeps = {
    extensionId: 'ext-id',
    extensionOrigin: 'chrome-extension://ext-id',
    postIdUnderPointer: () => A,
    sentinel: {
      request: vi.fn(async (_flow: string, _deviceId: string, nonce: string) => ({ nonce, token: 'tok' })),
    },
  };
  const background = { id: 'ext-id', url: 'chrome-extension://ext-id/background.js' };
  const nonce = 'AbcdefghijAbcdefghij';

  it('answers the background its two questions', async () => {
    const listener = createContentListener(deps);
    await expect(listener({ type: POST_ID_UNDER_POINTER }, background)).resolves.toEqual({ postId: A });
    await expect(
      listener(
        { type: SENTINEL_TOKEN_REQUEST, flow: 'sora_2_create_task', deviceId: 'dev-1234-abcd', nonce },
        background,
      ),
    ).resolves.toEqual({ nonce, token: 'tok' });
  });

  it('stays silent for other senders and other messages', () => {
    const listener = createContentListener(deps);
    const q = { type: POST_ID_UNDER_POINTER };
    expect(
      listener(q, { id: 'other-extension', url: 'chrome-extension://other-extension/bg.js' }),
    ).toBeUndefined();
    expect(listener(q, { id: 'ext-id', url: 'https://sora.chatgpt.com/', tab: { id: 1 } })).toBeUndefined();
    expect(listener(q, { id: 'ext-id', url: 'https://evil.example/' })).toBeUndefined();
    expect(listener(q, undefined)).toBeUndefined();
    expect(
      listener({ channel: 'companion', kind: 'request', name: 'account.get', req: {} }, background),
    ).toBeUndefined();
    expect(listener({ type: SENTINEL_TOKEN_REQUEST, flow: 'f' }, background)).toBeUndefined();
  });
});

describe('remix intent', () => {
  const now = 1_700_000_000_000;

  it('describePost takes the first attachment’s thumbnail and prompt', () => {
    const d = describePost({
      post: {
        id: A,
        text: 'caption',
        preview_image_url: 'https://videos.openai.com/preview.webp',
        attachments: [
          {
            prompt: '  a red fox in snow ',
            encodings: { thumbnail: { path: 'https://videos.openai.com/thumb.webp' } },
          } as never,
        ],
      },
    });
    expect(d).toEqual({ thumbnail: 'https://videos.openai.com/thumb.webp', prompt: 'a red fox in snow' });
    expect(describePost({ post: { id: A, preview_image_url: 'http://insecure/x.png' } })).toEqual({});
  });

  it('parseIntent keeps fresh, well-formed intents only', () => {
    const ok: RemixIntent = { view: 'create', remixTarget: A, prompt: 'p', createdAt: now };
    expect(parseIntent(ok, now + 1000)).toEqual(ok);
    expect(parseIntent({ ...ok, createdAt: now - INTENT_MAX_AGE_MS - 1 }, now)).toBeNull();
    expect(parseIntent({ ...ok, remixTarget: 'gen_1' }, now)).toBeNull();
    expect(parseIntent({ ...ok, view: 'account' }, now)).toBeNull();
    expect(parseIntent({ ...ok, thumbnail: 'javascript:alert(1)' }, now)).toEqual(ok);
  });
});

describe('menu registration', () => {
  function fakeMenus() {
    const items = new Map<string, RemixMenuItem>();
    const menus: MenusLike & { items: Map<string, RemixMenuItem> } = {
      items,
      create: vi.fn((props: RemixMenuItem, cb?: () => void) => {
        if (items.has(props.id)) throw new Error('duplicate id');
        items.set(props.id, props);
        cb?.();
      }),
      remove: vi.fn(async (id: string) => {
        if (!items.delete(id)) throw new Error('no such item');
      }),
      update: vi.fn(async (id: string, props: { title: string }) => {
        const item = items.get(id);
        if (!item) throw new Error('no such item');
        items.set(id, { ...item, ...props });
      }),
    };
    return menus;
  }

  it('has the agreed shape: links and videos on Sora pages, the page item on post pages only', () => {
    expect(remixMenuItems('Remix this')).toEqual([
      {
        id: REMIX_MENU_IDS.target,
        title: 'Remix this',
        contexts: ['link', 'video'],
        documentUrlPatterns: ['https://sora.chatgpt.com/*'],
        targetUrlPatterns: ['https://sora.chatgpt.com/p/s_*', 'https://videos.openai.com/*'],
      },
      {
        id: REMIX_MENU_IDS.page,
        title: 'Remix this',
        contexts: ['page'],
        documentUrlPatterns: ['https://sora.chatgpt.com/p/s_*'],
      },
    ]);
  });

  it('registering twice (install, then startup) leaves one set of items; retitling follows the language', async () => {
    const menus = fakeMenus();
    await registerRemixMenu(menus, 'Remix this');
    await registerRemixMenu(menus, 'Remix this');
    expect([...menus.items.keys()]).toEqual([REMIX_MENU_IDS.target, REMIX_MENU_IDS.page]);
    await retitleRemixMenu(menus, '混剪此视频');
    expect([...menus.items.values()].map((i) => i.title)).toEqual(['混剪此视频', '混剪此视频']);
  });
});

describe('handleRemixClick', () => {
  const now = () => 1_700_000_000_000;

  it('stores the intent with thumbnail and prompt', async () => {
    const writeIntent = vi.fn(async () => {});
    const intent = await handleRemixClick({ menuItemId: REMIX_MENU_IDS.target, linkUrl: postUrl(A) }, 3, {
      askContentScript: vi.fn(),
      describePost: async () => ({ thumbnail: 'https://videos.openai.com/t.webp', prompt: 'original' }),
      writeIntent,
      now,
    });
    const expected = {
      view: 'create',
      remixTarget: A,
      thumbnail: 'https://videos.openai.com/t.webp',
      prompt: 'original',
      createdAt: now(),
    };
    expect(intent).toEqual(expected);
    expect(writeIntent).toHaveBeenCalledWith(expected);
  });

  it('does not wait long for the post: without an answer in time the intent has the target only', async () => {
    vi.useFakeTimers();
    const writeIntent = vi.fn(async () => {});
    const p = handleRemixClick({ menuItemId: REMIX_MENU_IDS.page, pageUrl: postUrl(B) }, 3, {
      askContentScript: vi.fn(),
      describePost: () => new Promise(() => {}),
      writeIntent,
      describeTimeoutMs: 200,
      now,
    });
    await vi.advanceTimersByTimeAsync(201);
    await expect(p).resolves.toEqual({ view: 'create', remixTarget: B, createdAt: now() });
    vi.useRealTimers();
  });

  it('asks the clicked frame’s content script, and stores nothing when no post is found', async () => {
    const askContentScript = vi.fn(async () => null);
    const writeIntent = vi.fn(async () => {});
    const result = await handleRemixClick(
      { menuItemId: REMIX_MENU_IDS.target, pageUrl: FEED, frameId: 4 },
      9,
      { askContentScript, describePost: vi.fn(), writeIntent },
    );
    expect(result).toBeNull();
    expect(askContentScript).toHaveBeenCalledWith(9, 4);
    expect(writeIntent).not.toHaveBeenCalled();
  });
});

describe('the background wiring (fake browser)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  function installFakeMenus() {
    let clicked: ((info: unknown, tab?: unknown) => void) | undefined;
    const created: RemixMenuItem[] = [];
    vi.spyOn(fakeBrowser.contextMenus, 'create').mockImplementation(((p: RemixMenuItem, cb?: () => void) => {
      created.push(p);
      cb?.();
      return p.id;
    }) as never);
    vi.spyOn(fakeBrowser.contextMenus, 'remove').mockImplementation((async () => {}) as never);
    vi.spyOn(fakeBrowser.contextMenus, 'update').mockImplementation((async () => {}) as never);
    vi.spyOn(fakeBrowser.contextMenus.onClicked, 'addListener').mockImplementation(((fn: typeof clicked) => {
      clicked = fn;
    }) as never);
    return { created, click: (info: unknown, tab?: unknown) => clicked?.(info, tab) };
  }

  const http: SoraHttp = {
    request: async () => ({
      post: { id: A, attachments: [{ prompt: 'the original prompt', encodings: null }] },
    }),
  } as unknown as SoraHttp;

  it('creates the items on install and stores the intent on click', async () => {
    const menus = installFakeMenus();
    const openSidebar = vi.spyOn(fakeBrowser.sidebarAction, 'open').mockResolvedValue(undefined as never);
    createRemixMenu(http).register();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' } as never);
    await vi.waitFor(() =>
      expect(menus.created.map((i) => i.id)).toEqual([REMIX_MENU_IDS.target, REMIX_MENU_IDS.page]),
    );
    expect(menus.created[0]?.title).toMatch(/Remix this|混剪此视频/);

    menus.click({ menuItemId: REMIX_MENU_IDS.target, linkUrl: postUrl(A), pageUrl: FEED }, { id: 1 });
    // Opened inside the click itself (the user gesture), before anything was awaited.
    expect(openSidebar).toHaveBeenCalledTimes(1);
    await vi.waitFor(async () => {
      const stored = await fakeBrowser.storage.session.get(INTENT_KEY);
      expect(stored[INTENT_KEY]).toMatchObject({
        view: 'create',
        remixTarget: A,
        prompt: 'the original prompt',
      });
    });
  });

  it('ignores other menu items', async () => {
    const menus = installFakeMenus();
    const openSidebar = vi.spyOn(fakeBrowser.sidebarAction, 'open').mockResolvedValue(undefined as never);
    const request = vi.fn(http.request);
    createRemixMenu({ request } as SoraHttp).register();
    menus.click({ menuItemId: 'someone-else', linkUrl: postUrl(A) }, { id: 1 });
    // Our own item afterwards: once its intent is stored, anything the other click did would be too.
    menus.click({ menuItemId: REMIX_MENU_IDS.target, linkUrl: postUrl(A), pageUrl: FEED }, { id: 1 });
    await vi.waitFor(async () =>
      expect((await fakeBrowser.storage.session.get(INTENT_KEY))[INTENT_KEY]).toMatchObject({
        remixTarget: A,
      }),
    );
    expect(openSidebar).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledTimes(1);
  });
});

describe('useIntent (side panel store)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    useIntent.setState({ intent: null, applied: null });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const intent = (target: string): RemixIntent => ({
    view: 'create',
    remixTarget: target,
    createdAt: Date.now(),
  });

  it('picks up a waiting intent and takes it out of storage', async () => {
    await fakeBrowser.storage.session.set({ [INTENT_KEY]: intent(A) });
    const stop = useIntent.getState().start();
    await vi.waitFor(() => expect(useIntent.getState().intent?.remixTarget).toBe(A));
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get(INTENT_KEY)).toEqual({}));
    expect(useIntent.getState().consume()?.remixTarget).toBe(A);
    expect(useIntent.getState().consume()).toBeNull();
    stop();
  });

  it('follows new intents while open, and ignores junk and leftovers', async () => {
    const stop = useIntent.getState().start();
    await fakeBrowser.storage.session.set({
      [INTENT_KEY]: { view: 'create', remixTarget: 'nope', createdAt: Date.now() },
    });
    await fakeBrowser.storage.session.set({
      [INTENT_KEY]: { ...intent(C), createdAt: Date.now() - INTENT_MAX_AGE_MS - 5 },
    });
    expect(useIntent.getState().intent).toBeNull();
    await fakeBrowser.storage.session.set({ [INTENT_KEY]: intent(B) });
    await vi.waitFor(() => expect(useIntent.getState().intent?.remixTarget).toBe(B));
    stop();
    await fakeBrowser.storage.session.set({ [INTENT_KEY]: intent(A) });
    expect(useIntent.getState().intent?.remixTarget).toBe(B);
  });
});
