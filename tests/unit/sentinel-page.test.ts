import { afterEach, describe, expect, it, vi } from 'vitest';
import { pageSdkToken } from '../../lib/sentinel-page/adapter';
import { createSentinelBridge } from '../../lib/sentinel-page/bridge';
import { serveSentinelInPage } from '../../lib/sentinel-page/main-world';
import {
  isSentinelTokenRequest,
  readTokenAnswer,
  SENTINEL_TOKEN_REQUEST,
  type SentinelTokenRequest,
  WINDOW_CHANNEL,
  type WindowLike,
  type WindowMessageEventLike,
} from '../../lib/sentinel-page/messages';
import { orderTabs, pageSentinel, type TabLike } from '../../lib/sentinel-page/source';
import { createVideo } from '../../lib/sora/endpoints';
import { createSoraHttp } from '../../lib/sora/http';
import { fallbackSentinel, randomSentinel } from '../../lib/sora/sentinel';
import { createSim } from '../sim/app';

afterEach(() => {
  vi.useRealTimers();
});

const ORIGIN = 'https://sora.chatgpt.com';
const NONCE = 'N0nceN0nceN0nceN0nce';

/** A window whose postMessage delivers asynchronously to its listeners, as a browser does. */
function fakeWindow(origin = ORIGIN) {
  const listeners = new Set<(e: WindowMessageEventLike) => void>();
  const posted: unknown[] = [];
  const win: WindowLike & {
    SentinelSDK?: unknown;
    posted: unknown[];
    deliver(e: WindowMessageEventLike): void;
  } = {
    location: { origin },
    posted,
    postMessage(data, targetOrigin) {
      posted.push(data);
      if (targetOrigin !== origin) return;
      const event = { data: structuredClone(data), origin, source: win };
      setTimeout(() => win.deliver(event), 0);
    },
    addEventListener: (_type, fn) => void listeners.add(fn),
    removeEventListener: (_type, fn) => void listeners.delete(fn),
    deliver(e) {
      for (const fn of [...listeners]) fn(e);
    },
  };
  return win;
}

describe('content-channel messages', () => {
  it('accepts exactly {type, flow, nonce} with sane values', () => {
    expect(
      isSentinelTokenRequest({ type: SENTINEL_TOKEN_REQUEST, flow: 'sora_2_create_task', nonce: NONCE }),
    ).toBe(true);
    const bad = [
      { type: SENTINEL_TOKEN_REQUEST, flow: 'sora_2_create_task' },
      { type: SENTINEL_TOKEN_REQUEST, flow: 'sora_2_create_task', nonce: 'short' },
      { type: SENTINEL_TOKEN_REQUEST, flow: 'bad flow', nonce: NONCE },
      { type: SENTINEL_TOKEN_REQUEST, flow: 'f', nonce: NONCE, accessToken: 'x' },
      { type: 'companion.other', flow: 'f', nonce: NONCE },
      null,
      'companion.sentinelToken',
    ];
    for (const m of bad) expect(isSentinelTokenRequest(m)).toBe(false);
  });

  it('reads a token only for the right nonce and only printable text', () => {
    expect(readTokenAnswer({ nonce: NONCE, token: '{"p":"x"}' }, NONCE)).toBe('{"p":"x"}');
    expect(readTokenAnswer({ nonce: 'OtherNonceOtherNonce', token: 't' }, NONCE)).toBeNull();
    expect(readTokenAnswer({ nonce: NONCE, error: 'unavailable' }, NONCE)).toBeNull();
    expect(readTokenAnswer({ nonce: NONCE, token: 'a\r\nInjected: 1' }, NONCE)).toBeNull();
    expect(readTokenAnswer({ nonce: NONCE, token: '' }, NONCE)).toBeNull();
    expect(readTokenAnswer(undefined, NONCE)).toBeNull();
  });
});

describe('pageSentinel (background side)', () => {
  const tab = (id: number, extra: Partial<TabLike> = {}): TabLike => ({ id, status: 'complete', ...extra });

  it('rejects at once when no Sora tab is open, so the fallback is used without waiting', async () => {
    const sendToTab = vi.fn();
    const source = pageSentinel({ findTabs: async () => [], sendToTab });
    await expect(source.token('sora_2_create_task')).rejects.toThrow(/no sora\.chatgpt\.com tab/);
    expect(sendToTab).not.toHaveBeenCalled();
  });

  it('returns the token the tab answers for its nonce', async () => {
    const sendToTab = vi.fn(async (_id: number, m: SentinelTokenRequest) => ({
      nonce: m.nonce,
      token: 'page-token',
    }));
    const source = pageSentinel({ findTabs: async () => [tab(7)], sendToTab, nonce: () => NONCE });
    await expect(source.token('sora_2_create_task')).resolves.toBe('page-token');
    expect(sendToTab).toHaveBeenCalledWith(7, {
      type: SENTINEL_TOKEN_REQUEST,
      flow: 'sora_2_create_task',
      nonce: NONCE,
    });
  });

  it('ignores an answer for another nonce and tries the next tab', async () => {
    const sendToTab = vi.fn(async (id: number, m: SentinelTokenRequest) =>
      id === 1 ? { nonce: 'SomebodyElsesNonce01', token: 'stale' } : { nonce: m.nonce, token: 'fresh' },
    );
    const source = pageSentinel({ findTabs: async () => [tab(1, { active: true }), tab(2)], sendToTab });
    await expect(source.token('f')).resolves.toBe('fresh');
    expect(sendToTab.mock.calls.map((c) => c[0])).toEqual([1, 2]);
  });

  it('gives up on a silent tab after the timeout and asks the next one', async () => {
    vi.useFakeTimers();
    const sendToTab = vi.fn((id: number, m: SentinelTokenRequest) =>
      id === 1 ? new Promise<unknown>(() => {}) : Promise.resolve({ nonce: m.nonce, token: 'second' }),
    );
    const source = pageSentinel({
      findTabs: async () => [tab(1, { active: true }), tab(2)],
      sendToTab,
      timeoutMs: 300,
    });
    const p = source.token('f');
    await vi.advanceTimersByTimeAsync(301);
    await expect(p).resolves.toBe('second');
  });

  it('rejects when every tab fails (no content script, page without SDK)', async () => {
    const sendToTab = vi.fn(async (id: number, m: SentinelTokenRequest) => {
      if (id === 1) throw new Error('Could not establish connection. Receiving end does not exist.');
      return { nonce: m.nonce, error: 'unavailable' };
    });
    const source = pageSentinel({ findTabs: async () => [tab(1), tab(2)], sendToTab });
    await expect(source.token('f')).rejects.toThrow(/no page gave/);
  });

  it('orders tabs: active, loaded, recent; skips discarded and id-less tabs', () => {
    const ordered = orderTabs([
      tab(1, { lastAccessed: 10 }),
      tab(2, { lastAccessed: 30 }),
      tab(3, { active: true, lastAccessed: 1 }),
      tab(4, { discarded: true, active: true }),
      { status: 'complete' },
      tab(5, { status: 'loading', lastAccessed: 99 }),
    ]);
    expect(ordered.map((t) => t.id)).toEqual([3, 2, 1, 5]);
  });

  it('behind fallbackSentinel: the random token when the page source fails or is too slow', async () => {
    vi.useFakeTimers();
    const none = fallbackSentinel(
      pageSentinel({ findTabs: async () => [], sendToTab: vi.fn() }),
      randomSentinel(),
    );
    await expect(none.token('f')).resolves.toMatch(/^[A-Za-z0-9]{10,20}$/);
    const slow = fallbackSentinel(
      pageSentinel({
        findTabs: async () => [tab(1)],
        sendToTab: () => new Promise(() => {}),
        timeoutMs: 10_000,
      }),
      randomSentinel(),
      { timeoutMs: 500 },
    );
    const p = slow.token('f');
    await vi.advanceTimersByTimeAsync(501);
    await expect(p).resolves.toMatch(/^[A-Za-z0-9]{10,20}$/);
  });
});

describe('the bridge between the worlds', () => {
  it('carries a flow to the page SDK and the token back', async () => {
    const win = fakeWindow();
    win.SentinelSDK = { token: vi.fn(async (flow: string) => `tok-for-${flow}`) };
    serveSentinelInPage(win);
    const bridge = createSentinelBridge(win);
    await expect(bridge.request('sora_2_create_task', NONCE)).resolves.toEqual({
      nonce: NONCE,
      token: 'tok-for-sora_2_create_task',
    });
    // What went towards the page: the flow and the nonce, nothing else.
    expect(win.posted[0]).toEqual({
      channel: WINDOW_CHANNEL,
      kind: 'request',
      flow: 'sora_2_create_task',
      nonce: NONCE,
    });
  });

  it('answers an error when the page has no SDK', async () => {
    const win = fakeWindow();
    serveSentinelInPage(win);
    await expect(createSentinelBridge(win).request('f', NONCE)).resolves.toEqual({
      nonce: NONCE,
      error: 'unavailable',
    });
  });

  it('ignores answers from another window, another origin or for an unknown nonce', async () => {
    vi.useFakeTimers();
    const win = fakeWindow();
    const bridge = createSentinelBridge(win, { timeoutMs: 1000 });
    const p = bridge.request('f', NONCE);
    const answer = { channel: WINDOW_CHANNEL, kind: 'answer', nonce: NONCE, token: 'forged' };
    win.deliver({ data: answer, origin: 'https://evil.example', source: win });
    win.deliver({ data: answer, origin: ORIGIN, source: {} });
    win.deliver({ data: { ...answer, nonce: 'UnknownNonceUnknown1' }, origin: ORIGIN, source: win });
    await vi.advanceTimersByTimeAsync(1001);
    await expect(p).resolves.toEqual({ nonce: NONCE, error: 'timeout' });
  });

  it('the MAIN-world side ignores requests that are not its own shape', async () => {
    const win = fakeWindow();
    const getToken = vi.fn(async () => 't');
    serveSentinelInPage(win, getToken);
    win.deliver({
      data: { channel: WINDOW_CHANNEL, kind: 'request', flow: 'f' },
      origin: ORIGIN,
      source: win,
    });
    win.deliver({
      data: { channel: WINDOW_CHANNEL, kind: 'request', flow: 'f', nonce: NONCE },
      origin: 'x',
      source: win,
    });
    win.deliver({ data: 'hello', origin: ORIGIN, source: win });
    expect(getToken).not.toHaveBeenCalled();
  });

  it('pageSdkToken refuses a missing SDK and non-string tokens', async () => {
    const win = fakeWindow() as WindowLike & { SentinelSDK?: unknown };
    await expect(pageSdkToken(win, 'f')).rejects.toThrow(/no sentinel SDK/);
    win.SentinelSDK = { token: async () => ({ p: 1 }) };
    await expect(pageSdkToken(win, 'f')).rejects.toThrow(/no token/);
  });
});

describe('end to end in process: the access token never reaches a content script', () => {
  it('a create call carries the page token, and the tab only ever saw {type, flow, nonce}', async () => {
    const sim = createSim({ speed: 0, seed: 3, pageSentinel: true });
    const html = await (await sim.fetch(`${ORIGIN}/`)).text();
    const pageKey = /c: "(pk_[^"]+)"/.exec(html)?.[1];
    expect(pageKey).toBeDefined();
    const at = sim.control.accessToken('ada@example.com');

    // The tab: the real bridge + MAIN-world script over a fake window whose SDK signs with the page key.
    const win = fakeWindow();
    win.SentinelSDK = {
      token: async (flow: string) => JSON.stringify({ p: 'gAAAAAB', t: 'sim', c: pageKey, id: 'x', flow }),
    };
    serveSentinelInPage(win);
    const bridge = createSentinelBridge(win);
    const sentToTab: unknown[] = [];
    const sendToTab = async (_tabId: number, message: SentinelTokenRequest) => {
      sentToTab.push(message);
      return bridge.request(message.flow, message.nonce);
    };

    const http = createSoraHttp({
      fetch: (input, init) => sim.fetch(input as string, init),
      getAccessToken: async () => at,
      sentinel: fallbackSentinel(
        pageSentinel({ findTabs: async () => [{ id: 1 }], sendToTab }),
        randomSentinel(),
      ),
    });
    await createVideo(http, { prompt: 'a lighthouse at dusk' });

    const [create] = sim.control.log({ path: '/backend/nf/create' });
    expect(create?.sentinelSource).toBe('page');
    expect(create?.hasBearer).toBe(true);
    expect(sentToTab).toHaveLength(1);
    for (const m of sentToTab) expect(Object.keys(m as object).sort()).toEqual(['flow', 'nonce', 'type']);
    const towardsPage = JSON.stringify([
      sentToTab,
      win.posted.filter((p) => (p as { kind?: string }).kind === 'request'),
    ]);
    expect(towardsPage).not.toContain(at);
    expect(towardsPage).not.toContain('ada@example.com');
  });
});
