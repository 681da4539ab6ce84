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
import { chainSentinel, SentinelUnavailableError } from '../../lib/sora/sentinel';
import { createSim } from '../sim/app';

afterEach(() => {
  vi.useRealTimers();
});

const ORIGIN = 'https://sora.chatgpt.com';
const NONCE = 'N0nceN0nceN0nceN0nce';
const DEVICE = '5b0f3c1e-8f2a-4d3b-9c61-2f7e4a9d0b13';

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
  it('accepts exactly {type, flow, deviceId, nonce} with sane values', () => {
    const ok = { type: SENTINEL_TOKEN_REQUEST, flow: 'sora_2_create_task', deviceId: DEVICE, nonce: NONCE };
    expect(isSentinelTokenRequest(ok)).toBe(true);
    expect(isSentinelTokenRequest({ ...ok, deviceId: '' })).toBe(true);
    const bad = [
      { type: SENTINEL_TOKEN_REQUEST, flow: 'sora_2_create_task', nonce: NONCE },
      { ...ok, deviceId: 'a b"<script>' },
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
    await expect(source.token('sora_2_create_task', { deviceId: DEVICE })).resolves.toBe('page-token');
    expect(sendToTab).toHaveBeenCalledWith(7, {
      type: SENTINEL_TOKEN_REQUEST,
      flow: 'sora_2_create_task',
      deviceId: DEVICE,
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

  it('without a tab it rejects as no_tab, and a chain tries the next source', async () => {
    const none = pageSentinel({ findTabs: async () => [], sendToTab: vi.fn() });
    await expect(none.token('f')).rejects.toMatchObject({ reason: 'no_tab' });
    const next = { token: vi.fn(async () => 'hand-made') };
    await expect(chainSentinel([none, next]).token('f', { deviceId: DEVICE })).resolves.toBe('hand-made');
    expect(next.token).toHaveBeenCalledWith('f', { deviceId: DEVICE });
  });

  it('a page that does not answer in time counts as no tab (the next source is asked)', async () => {
    vi.useFakeTimers();
    const slow = pageSentinel({
      findTabs: async () => [tab(1)],
      sendToTab: () => new Promise(() => {}),
      timeoutMs: 500,
    });
    const p = slow.token('f').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(501);
    expect(await p).toBeInstanceOf(SentinelUnavailableError);
  });

  it('asks the page with the device id', async () => {
    const sendToTab = vi.fn(async (_id: number, m: SentinelTokenRequest) => ({
      nonce: m.nonce,
      token: 'tok',
    }));
    const source = pageSentinel({ findTabs: async () => [tab(1)], sendToTab });
    await expect(source.token('sora_2_create_task', { deviceId: DEVICE })).resolves.toBe('tok');
    expect(sendToTab.mock.calls[0]?.[1]).toMatchObject({ flow: 'sora_2_create_task', deviceId: DEVICE });
  });
});

describe('the bridge between the worlds', () => {
  it('carries a flow to the page SDK and the token back', async () => {
    const win = fakeWindow();
    const sdk = vi.fn(async (flow: string, deviceId?: string) => `tok-for-${flow}-${deviceId}`);
    win.SentinelSDK = { token: sdk };
    serveSentinelInPage(win);
    const bridge = createSentinelBridge(win);
    await expect(bridge.request('sora_2_create_task', DEVICE, NONCE)).resolves.toEqual({
      nonce: NONCE,
      token: `tok-for-sora_2_create_task-${DEVICE}`,
    });
    // The SDK is called as the Sora app calls it: flow and device id.
    expect(sdk).toHaveBeenCalledWith('sora_2_create_task', DEVICE);
    // What went towards the page: the flow, the device id and the nonce, nothing else.
    expect(win.posted[0]).toEqual({
      channel: WINDOW_CHANNEL,
      kind: 'request',
      flow: 'sora_2_create_task',
      deviceId: DEVICE,
      nonce: NONCE,
    });
  });

  it('answers an error when the page has no SDK', async () => {
    const win = fakeWindow();
    serveSentinelInPage(win);
    await expect(createSentinelBridge(win).request('f', DEVICE, NONCE)).resolves.toEqual({
      nonce: NONCE,
      error: 'unavailable',
    });
  });

  it('ignores answers from another window, another origin or for an unknown nonce', async () => {
    vi.useFakeTimers();
    const win = fakeWindow();
    const bridge = createSentinelBridge(win, { timeoutMs: 1000 });
    const p = bridge.request('f', DEVICE, NONCE);
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
      data: { channel: WINDOW_CHANNEL, kind: 'request', flow: 'f', deviceId: DEVICE, nonce: NONCE },
      origin: 'x',
      source: win,
    });
    win.deliver({
      data: { channel: WINDOW_CHANNEL, kind: 'request', flow: 'f', deviceId: 'not a uuid!', nonce: NONCE },
      origin: ORIGIN,
      source: win,
    });
    win.deliver({ data: 'hello', origin: ORIGIN, source: win });
    expect(getToken).not.toHaveBeenCalled();
  });

  it('pageSdkToken refuses a missing SDK and non-string tokens', async () => {
    const win = fakeWindow() as WindowLike & { SentinelSDK?: unknown };
    await expect(pageSdkToken(win, 'f', DEVICE)).rejects.toThrow(/no sentinel SDK/);
    win.SentinelSDK = { token: async () => ({ p: 1 }) };
    await expect(pageSdkToken(win, 'f', DEVICE)).rejects.toThrow(/no token/);
  });
});

describe('end to end in process: the access token never reaches a content script', () => {
  it('a create call carries the page token with the device id, and the tab only ever saw {type, flow, deviceId, nonce}', async () => {
    const sim = createSim({ speed: 0, seed: 3, pageSentinel: true, sentinelMode: 'strict' });
    const html = await (await sim.fetch(`${ORIGIN}/`)).text();
    const pageKey = /c: "(pk_[^"]+)"/.exec(html)?.[1];
    expect(pageKey).toBeDefined();
    const at = sim.control.accessToken('ada@example.com');

    // The tab: the real bridge + MAIN-world script over a fake window whose SDK signs with the page key.
    const win = fakeWindow();
    win.SentinelSDK = {
      token: async (flow: string, deviceId: string) =>
        JSON.stringify({ p: 'gAAAAAB', t: 'sim', c: pageKey, id: deviceId, flow }),
    };
    serveSentinelInPage(win);
    const bridge = createSentinelBridge(win);
    const sentToTab: unknown[] = [];
    const sendToTab = async (_tabId: number, message: SentinelTokenRequest) => {
      sentToTab.push(message);
      return bridge.request(message.flow, message.deviceId, message.nonce);
    };

    const http = createSoraHttp({
      fetch: (input, init) => sim.fetch(input as string, init),
      getAccessToken: async () => at,
      getDeviceId: async () => DEVICE,
      sentinel: pageSentinel({ findTabs: async () => [{ id: 1 }], sendToTab }),
    });
    await createVideo(http, { prompt: 'a lighthouse at dusk' });

    const [create] = sim.control.log({ path: '/backend/nf/create' });
    expect(create?.sentinelSource).toBe('page');
    expect(create?.deviceId).toBe(DEVICE);
    expect(create?.hasBearer).toBe(true);
    expect(sentToTab).toHaveLength(1);
    for (const m of sentToTab)
      expect(Object.keys(m as object).sort()).toEqual(['deviceId', 'flow', 'nonce', 'type']);
    const towardsPage = JSON.stringify([
      sentToTab,
      win.posted.filter((p) => (p as { kind?: string }).kind === 'request'),
    ]);
    expect(towardsPage).not.toContain(at);
    expect(towardsPage).not.toContain('ada@example.com');
  });
});
