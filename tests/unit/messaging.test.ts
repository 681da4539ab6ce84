import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AccountSnapshot } from '../../lib/account/snapshot';
import {
  createDispatcher,
  emit,
  type Handlers,
  isTrustedSender,
  listen,
  MessageError,
  type MessageSender,
  type PartialHandlers,
  REFUSED,
  type ServeOptions,
  send,
  serve as serveAll,
} from '../../lib/messaging/transport';
import { isSoraError, SoraError, toSerializedError } from '../../lib/sora/errors';

/**
 * `serve` wants a handler for every request (the background's completeness is checked by tsc); these tests
 * serve the one or two they ask, and the transport answers nothing else.
 */
const serve = (handlers: PartialHandlers, opts?: ServeOptions) => serveAll(handlers as Handlers, opts);

const ID = 'test-extension-id';

/** Only the fields the sender check reads; the rest of a Tab does not matter here. */
const tab = (t: { id: number; index: number; url?: string }) => t as Browser.tabs.Tab;
const ORIGIN = `chrome-extension://${ID}`;

const senders = {
  background: { id: ID, url: `${ORIGIN}/background.js`, origin: ORIGIN },
  popup: { id: ID, url: `${ORIGIN}/popup.html` },
  sidepanelAsTab: {
    id: ID,
    url: `${ORIGIN}/sidepanel.html`,
    tab: tab({ id: 7, index: 0, url: `${ORIGIN}/sidepanel.html` }),
    frameId: 0,
  },
  pageInTabWithHiddenUrl: { id: ID, url: `${ORIGIN}/sidepanel.html`, tab: tab({ id: 7, index: 0 }) },
  contentScript: {
    id: ID,
    url: 'https://sora.chatgpt.com/explore',
    origin: 'https://sora.chatgpt.com',
    tab: tab({ id: 3, index: 0, url: 'https://sora.chatgpt.com/explore' }),
    frameId: 0,
  },
  contentScriptUrlHidden: { id: ID, url: 'https://sora.chatgpt.com/p/s_1', tab: tab({ id: 3, index: 0 }) },
  extensionFrameInForeignTab: {
    id: ID,
    url: `${ORIGIN}/popup.html`,
    tab: tab({ id: 4, index: 0, url: 'https://evil.example/' }),
    frameId: 2,
  },
  otherExtension: {
    id: 'abcdefghijklmnopabcdefghijklmnop',
    url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/p.html',
  },
  otherExtensionClaimingOurUrl: { id: 'other', url: `${ORIGIN}/popup.html` },
  noId: { url: `${ORIGIN}/popup.html` },
  noUrl: { id: ID },
  wrongOrigin: { id: ID, url: `${ORIGIN}/popup.html`, origin: 'https://sora.chatgpt.com' },
  badUrl: { id: ID, url: 'not a url' },
  lookalikeHost: { id: ID, url: `chrome-extension://${ID}.evil.example/popup.html` },
} satisfies Record<string, MessageSender>;

/** fakeBrowser passes `{}` as the sender; route messages with a chosen one instead, as Chrome would. */
function routeFrom(sender: MessageSender) {
  return vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (message: unknown) => {
    const answers = await fakeBrowser.runtime.onMessage.trigger(message, sender);
    if (answers.length === 0)
      throw new Error('Could not establish connection. Receiving end does not exist.');
    return answers.find((a) => a !== undefined);
  });
}

const snapshot: AccountSnapshot = { status: 'ok', email: 'ada@example.com', fetchedAt: 1 };
const request = (name: string, req: unknown = {}) => ({ channel: 'companion', kind: 'request', name, req });

beforeEach(() => {
  fakeBrowser.reset();
});

describe('isTrustedSender', () => {
  it.each([
    ['the background (no tab)', senders.background],
    ['the popup (no tab)', senders.popup],
    ['an extension page opened as a tab', senders.sidepanelAsTab],
    ['an extension page in a tab whose URL the browser hides', senders.pageInTabWithHiddenUrl],
  ])('trusts %s', (_what, sender) => {
    expect(isTrustedSender(sender)).toBe(true);
  });

  it.each([
    ['a content script on sora.chatgpt.com', senders.contentScript],
    ['a content script whose tab URL is hidden', senders.contentScriptUrlHidden],
    ['an extension frame inside a foreign tab', senders.extensionFrameInForeignTab],
    ['another extension', senders.otherExtension],
    ['another extension id with our URL', senders.otherExtensionClaimingOurUrl],
    ['a sender without id', senders.noId],
    ['a sender without URL', senders.noUrl],
    ['a sender whose origin is not ours', senders.wrongOrigin],
    ['an unparsable URL', senders.badUrl],
    ['a look-alike host', senders.lookalikeHost],
    ['fakeBrowser’s empty sender', {}],
    ['no sender', undefined],
  ])('refuses %s', (_what, sender) => {
    expect(isTrustedSender(sender)).toBe(false);
  });
});

describe('createDispatcher', () => {
  it('answers a trusted request with the handler value and tells onAnyMessage', async () => {
    const onAnyMessage = vi.fn();
    const handler = vi.fn(async (req: { refresh?: boolean }) => ({ ...snapshot, name: String(req.refresh) }));
    const dispatch = createDispatcher({ 'account.get': handler }, { onAnyMessage });
    const answer = await dispatch(request('account.get', { refresh: true }), senders.popup);
    expect(answer).toEqual({ ok: true, value: { ...snapshot, name: 'true' } });
    expect(handler).toHaveBeenCalledWith({ refresh: true }, { sender: senders.popup });
    expect(onAnyMessage).toHaveBeenCalledTimes(1);
  });

  it('refuses an untrusted sender without running the handler or onAnyMessage', async () => {
    const onAnyMessage = vi.fn();
    const handler = vi.fn(() => snapshot);
    const dispatch = createDispatcher({ 'account.get': handler }, { onAnyMessage });
    for (const sender of [
      senders.contentScript,
      senders.otherExtension,
      senders.extensionFrameInForeignTab,
    ]) {
      expect(await dispatch(request('account.get'), sender)).toEqual({
        ok: false,
        error: { code: 'bad_request', message: 'Refused: not an extension page' },
      });
    }
    expect(REFUSED.code).toBe('bad_request');
    expect(handler).not.toHaveBeenCalled();
    expect(onAnyMessage).not.toHaveBeenCalled();
  });

  it('ignores anything that is not a request envelope, synchronously', () => {
    const dispatch = createDispatcher({ 'account.get': () => snapshot });
    for (const message of [
      undefined,
      null,
      'account.get',
      42,
      { name: 'account.get' },
      { channel: 'other', kind: 'request', name: 'account.get', req: {} },
      { channel: 'companion', kind: 'event', name: 'account.changed', payload: snapshot },
      { channel: 'companion', kind: 'request', name: 7 },
    ]) {
      expect(dispatch(message, senders.popup)).toBeUndefined();
    }
  });

  it('leaves names it has no handler for to other listeners, including prototype names', () => {
    const dispatch = createDispatcher({ 'account.get': () => snapshot });
    expect(dispatch(request('auth.openLogin'), senders.popup)).toBeUndefined();
    expect(dispatch(request('toString'), senders.popup)).toBeUndefined();
    expect(dispatch(request('__proto__'), senders.popup)).toBeUndefined();
  });

  it('turns handler exceptions into serialized errors', async () => {
    const dispatch = createDispatcher({
      'account.get': () => {
        throw new SoraError('daily_limit', 'Daily allowance used.', { retryAfterMs: 5000, status: 429 });
      },
      'auth.openLogin': async () => {
        throw new Error('boom');
      },
    });
    expect(await dispatch(request('account.get'), senders.popup)).toEqual({
      ok: false,
      error: { code: 'daily_limit', message: 'Daily allowance used.', status: 429, retryAfterMs: 5000 },
    });
    expect(await dispatch(request('auth.openLogin'), senders.popup)).toEqual({
      ok: false,
      error: { code: 'bad_response', message: 'boom' },
    });
  });
});

describe('send / serve', () => {
  it('makes a typed round trip', async () => {
    routeFrom(senders.popup);
    const onAnyMessage = vi.fn();
    serve({ 'account.get': async () => snapshot, 'auth.openLogin': () => ({ tabId: 5 }) }, { onAnyMessage });
    expect(await send('account.get', { refresh: false })).toEqual(snapshot);
    const login: { tabId?: number } = await send('auth.openLogin', {});
    expect(login).toEqual({ tabId: 5 });
    expect(onAnyMessage).toHaveBeenCalledTimes(2);
  });

  it('rejects with a MessageError that keeps the code and fields', async () => {
    routeFrom(senders.popup);
    serve({
      'account.get': () => {
        throw new SoraError('logged_out', 'Not logged in.', { status: 401 });
      },
    });
    const error = await send('account.get', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'MessageError',
      code: 'logged_out',
      message: 'Not logged in.',
      status: 401,
    });
    // UI code that serializes errors keeps the code.
    expect(isSoraError(error)).toBe(true);
    expect(toSerializedError(error)).toEqual({ code: 'logged_out', message: 'Not logged in.', status: 401 });
  });

  it('is refused when sent from a content script', async () => {
    routeFrom(senders.contentScript);
    const handler = vi.fn(() => snapshot);
    serve({ 'account.get': handler });
    await expect(send('account.get', {})).rejects.toMatchObject({
      code: 'bad_request',
      message: 'Refused: not an extension page',
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('retries briefly when nobody answers, then rejects with network', async () => {
    const spy = routeFrom(senders.popup);
    await expect(send('account.get', {}, { retryDelayMs: 0 })).rejects.toMatchObject({
      name: 'MessageError',
      code: 'network',
    });
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('treats a listener that does not answer as no answer', async () => {
    const spy = routeFrom(senders.popup);
    fakeBrowser.runtime.onMessage.addListener(() => undefined);
    await expect(send('account.get', {}, { retries: 1, retryDelayMs: 0 })).rejects.toMatchObject({
      code: 'network',
    });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('succeeds when the background comes up during the retries', async () => {
    const spy = routeFrom(senders.popup);
    spy.mockRejectedValueOnce(new Error('Could not establish connection. Receiving end does not exist.'));
    serve({ 'account.get': () => snapshot });
    expect(await send('account.get', {}, { retryDelayMs: 0 })).toEqual(snapshot);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('waits between retries', async () => {
    vi.useFakeTimers();
    try {
      const spy = routeFrom(senders.popup);
      const result = send('account.get', {}, { retries: 2, retryDelayMs: 100 });
      const check = expect(result).rejects.toMatchObject({ code: 'network' });
      await vi.advanceTimersByTimeAsync(0);
      expect(spy).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(100);
      expect(spy).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(200);
      expect(spy).toHaveBeenCalledTimes(3);
      await check;
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry other send failures', async () => {
    const spy = routeFrom(senders.popup);
    spy.mockRejectedValue(new Error('Extension context invalidated.'));
    await expect(send('account.get', {}, { retryDelayMs: 0 })).rejects.toMatchObject({
      code: 'network',
      message: 'Extension context invalidated.',
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('rejects a foreign answer shape with bad_response', async () => {
    routeFrom(senders.popup);
    fakeBrowser.runtime.onMessage.addListener(async () => 'hello');
    await expect(send('account.get', {})).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('unsubscribes', async () => {
    routeFrom(senders.popup);
    const stop = serve({ 'account.get': () => snapshot });
    stop();
    expect(await fakeBrowser.runtime.onMessage.trigger(request('account.get'), senders.popup)).toEqual([]);
  });

  it('works through the unmocked fake browser too when the sender check is the only difference', async () => {
    // fakeBrowser's own sendMessage passes `{}` as the sender: the transport must refuse it.
    serve({ 'account.get': () => snapshot });
    await expect(send('account.get', {})).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('emit / listen', () => {
  it('delivers events from the background to listening pages', async () => {
    routeFrom(senders.background);
    const got: AccountSnapshot[] = [];
    const other = vi.fn();
    listen('account.changed', (s) => got.push(s));
    listen('account.changed', other);
    await emit('account.changed', snapshot);
    expect(got).toEqual([snapshot]);
    expect(other).toHaveBeenCalledWith(snapshot);
  });

  it('drops events from untrusted senders', async () => {
    routeFrom(senders.contentScript);
    const cb = vi.fn();
    listen('account.changed', cb);
    await emit('account.changed', snapshot);
    expect(cb).not.toHaveBeenCalled();
  });

  it('does not answer requests, so it cannot steal the background answer', async () => {
    routeFrom(senders.popup);
    const cb = vi.fn();
    listen('account.changed', cb);
    serve({ 'account.get': async () => snapshot });
    expect(await send('account.get', {})).toEqual(snapshot);
    expect(cb).not.toHaveBeenCalled();
  });

  it('swallows "no receiver" when no page is open', async () => {
    routeFrom(senders.background);
    await expect(emit('account.changed', snapshot)).resolves.toBeUndefined();
    vi.mocked(fakeBrowser.runtime.sendMessage).mockRejectedValueOnce(
      new Error('Could not establish connection. Receiving end does not exist.'),
    );
    await expect(emit('account.changed', snapshot)).resolves.toBeUndefined();
  });

  it('is ignored by serve and survives a throwing callback', async () => {
    routeFrom(senders.background);
    const handler = vi.fn(() => snapshot);
    serve({ 'account.get': handler });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const after = vi.fn();
    listen('account.changed', () => {
      throw new Error('ui bug');
    });
    listen('account.changed', after);
    await emit('account.changed', snapshot);
    expect(after).toHaveBeenCalledTimes(1);
    expect(handler).not.toHaveBeenCalled();
    expect(consoleError).toHaveBeenCalled();
  });

  it('stops after unsubscribe', async () => {
    routeFrom(senders.background);
    const cb = vi.fn();
    const stop = listen('account.changed', cb);
    stop();
    await emit('account.changed', snapshot);
    expect(cb).not.toHaveBeenCalled();
  });
});
