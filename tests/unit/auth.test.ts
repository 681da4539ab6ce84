import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  type AuthDeps,
  type AuthState,
  type CookieChangeListener,
  type CookieLike,
  type CookiesLike,
  cookieAppliesToSora,
  createAuth,
  createSessionStore,
  hasSessionCookie,
  isSessionCookieName,
  readDeviceId,
  type SessionResponse,
} from '../../lib/auth';
import { fetchSession } from '../../lib/sora/endpoints/session';
import { SoraError } from '../../lib/sora/errors';
import type { FetchFn } from '../../lib/sora/http';
import { authSessionItem, deviceIdItem } from '../../lib/util/storage-items';

const SESSION_STORE_KEY = authSessionItem.key;
const DEVICE_ID_KEY = deviceIdItem.key;

const SESSION = '__Secure-next-auth.session-token';
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A cookie jar for sora.chatgpt.com that fires change events the way Chrome does. */
class FakeCookies implements CookiesLike {
  readonly jar = new Map<string, CookieLike>();
  readonly listeners = new Set<CookieChangeListener>();
  readonly onChanged = {
    addListener: (l: CookieChangeListener) => void this.listeners.add(l),
    removeListener: (l: CookieChangeListener) => void this.listeners.delete(l),
  };

  async getAll(_details: { url: string }): Promise<CookieLike[]> {
    return [...this.jar.values()].filter(cookieAppliesToSora);
  }

  async get(details: { url: string; name: string }): Promise<CookieLike | null> {
    const c = this.jar.get(details.name);
    return c !== undefined && cookieAppliesToSora(c) ? c : null;
  }

  /** Sets without events (initial state). */
  seed(name: string, value = 'v', domain = 'sora.chatgpt.com'): this {
    this.jar.set(name, { name, value, domain });
    return this;
  }

  set(name: string, value: string, domain = 'sora.chatgpt.com'): void {
    const old = this.jar.get(name);
    if (old !== undefined) this.fire({ removed: true, cookie: old, cause: 'overwrite' });
    const cookie = { name, value, domain };
    this.jar.set(name, cookie);
    this.fire({ removed: false, cookie, cause: 'explicit' });
  }

  remove(name: string, cause = 'expired_overwrite'): void {
    const old = this.jar.get(name);
    if (old === undefined) return;
    this.jar.delete(name);
    this.fire({ removed: true, cookie: old, cause });
  }

  private fire(change: Parameters<CookieChangeListener>[0]): void {
    for (const l of this.listeners) l(change);
  }
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function jwt(payload: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(payload)}.c2lnbmF0dXJl`;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks (cookie event handlers) run. No timers involved. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

let clock = T0;
let tokenSeq = 0;

function newToken(ttlMs = 8 * 24 * HOUR, email = 'ada@example.com'): string {
  tokenSeq++;
  return jwt({
    exp: Math.floor((clock + ttlMs) / 1000),
    seq: tokenSeq,
    'https://api.openai.com/profile': { email },
  });
}

function setup(opts: { cookies?: FakeCookies; session?: () => Promise<SessionResponse> } = {}) {
  const cookies = opts.cookies ?? new FakeCookies().seed(SESSION);
  const fetchSession = vi.fn(
    opts.session ??
      (async (): Promise<SessionResponse> => ({
        accessToken: newToken(),
        user: { email: 'ada@example.com' },
      })),
  );
  const auth = createAuth({ fetchSession, cookies, store: createSessionStore(), now: () => clock });
  const states: AuthState[] = [];
  auth.onChange((s) => states.push(s));
  return { auth, cookies, fetchSession, states };
}

async function storedSession(): Promise<unknown> {
  return (await fakeBrowser.storage.session.get(SESSION_STORE_KEY))[SESSION_STORE_KEY];
}

beforeEach(() => {
  fakeBrowser.reset();
  clock = T0;
});

describe('session cookie detection', () => {
  it('accepts browser.cookies where a CookiesLike is expected', () => {
    expectTypeOf(browser.cookies).toExtend<CookiesLike>();
  });

  it('recognises the plain and the chunked session cookie names', () => {
    expect(isSessionCookieName(SESSION)).toBe(true);
    expect(isSessionCookieName(`${SESSION}.0`)).toBe(true);
    expect(isSessionCookieName(`${SESSION}.1`)).toBe(true);
    expect(isSessionCookieName(`${SESSION}.12`)).toBe(true);
    expect(isSessionCookieName(`${SESSION}.`)).toBe(false);
    expect(isSessionCookieName(`${SESSION}.x`)).toBe(false);
    expect(isSessionCookieName(`${SESSION}.0.1`)).toBe(false);
    expect(isSessionCookieName(`${SESSION}x`)).toBe(false);
    expect(isSessionCookieName('__Secure-next-auth.callback-url')).toBe(false);
    expect(isSessionCookieName('__Host-next-auth.csrf-token')).toBe(false);
  });

  it('counts chunked cookies (.0, .1) as logged in', async () => {
    const cookies = new FakeCookies().seed(`${SESSION}.0`, 'aaa').seed(`${SESSION}.1`, 'bbb');
    expect(await hasSessionCookie(cookies)).toBe(true);
  });

  it('is logged out with no session cookie, other cookies only, or an emptied one', async () => {
    expect(await hasSessionCookie(new FakeCookies())).toBe(false);
    expect(await hasSessionCookie(new FakeCookies().seed('oai-did', 'x').seed('__cf_bm', 'y'))).toBe(false);
    expect(await hasSessionCookie(new FakeCookies().seed(SESSION, ''))).toBe(false);
  });

  it("does not take chatgpt.com's own host-only session cookie for a Sora session", () => {
    expect(cookieAppliesToSora({ name: SESSION, value: 'v', domain: 'chatgpt.com', hostOnly: true })).toBe(
      false,
    );
    expect(cookieAppliesToSora({ name: SESSION, value: 'v', domain: 'chatgpt.com' })).toBe(false);
    expect(cookieAppliesToSora({ name: SESSION, value: 'v', domain: 'sora.chatgpt.com' })).toBe(true);
    expect(cookieAppliesToSora({ name: SESSION, value: 'v', domain: '.chatgpt.com' })).toBe(true);
    expect(cookieAppliesToSora({ name: SESSION, value: 'v', domain: '.sora.chatgpt.com' })).toBe(true);
    expect(cookieAppliesToSora({ name: SESSION, value: 'v', domain: '.notchatgpt.com' })).toBe(false);
  });

  it('reads the oai-did device id and rejects values unfit for a header', async () => {
    expect(
      await readDeviceId(new FakeCookies().seed('oai-did', '3f2a9c1e-0000-4000-8000-000000000001')),
    ).toBe('3f2a9c1e-0000-4000-8000-000000000001');
    expect(await readDeviceId(new FakeCookies())).toBeUndefined();
    expect(await readDeviceId(new FakeCookies().seed('oai-did', 'a\r\nx: y'))).toBeUndefined();
  });
});

describe('getAccessToken', () => {
  it('throws logged_out without any session read when there is no session cookie', async () => {
    const { auth, fetchSession, states } = setup({ cookies: new FakeCookies() });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'logged_out' });
    await expect(auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'logged_out' });
    expect(fetchSession).not.toHaveBeenCalled();
    expect(auth.state().status).toBe('logged_out');
    expect(states).toEqual([{ status: 'logged_out' }]);
  });

  it('reads the session once, then answers from memory', async () => {
    const { auth, fetchSession, states } = setup();
    const first = await auth.getAccessToken();
    const second = await auth.getAccessToken();
    expect(second).toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(1);
    expect(auth.state()).toEqual({ status: 'logged_in', email: 'ada@example.com' });
    expect(states).toHaveLength(1);
  });

  it('takes the email from the JWT profile claim when the session has no user email', async () => {
    const { auth } = setup({ session: async () => ({ accessToken: newToken(HOUR, 'grace@example.com') }) });
    await auth.getAccessToken();
    expect(auth.state()).toEqual({ status: 'logged_in', email: 'grace@example.com' });
  });

  it('reuses the token kept in storage.session after a service-worker restart', async () => {
    const before = setup();
    const token = await before.auth.getAccessToken();

    const after = setup({ cookies: before.cookies });
    expect(after.auth.state().status).toBe('unknown');
    expect(await after.auth.getAccessToken()).toBe(token);
    expect(after.fetchSession).not.toHaveBeenCalled();
    expect(after.auth.state()).toEqual({ status: 'logged_in', email: 'ada@example.com' });
  });

  it('refreshes a token that is within the skew of its exp before using it', async () => {
    const { auth, fetchSession } = setup({ session: async () => ({ accessToken: newToken(HOUR) }) });
    const first = await auth.getAccessToken();

    clock = T0 + 54 * MIN; // 6 minutes left: still fine
    expect(await auth.getAccessToken()).toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(1);

    clock = T0 + 56 * MIN; // 4 minutes left: inside the 5-minute skew
    const second = await auth.getAccessToken();
    expect(second).not.toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(2);
  });

  it('refreshes a stored token near exp after a restart', async () => {
    const before = setup({ session: async () => ({ accessToken: newToken(HOUR) }) });
    const first = await before.auth.getAccessToken();
    clock = T0 + 58 * MIN;
    const after = setup({ cookies: before.cookies });
    expect(await after.auth.getAccessToken()).not.toBe(first);
    expect(after.fetchSession).toHaveBeenCalledTimes(1);
  });

  it('trusts the session expires for a token that is not a JWT', async () => {
    const { auth, fetchSession } = setup({
      session: async () => ({
        accessToken: `opaque-${++tokenSeq}`,
        expires: new Date(clock + HOUR).toISOString(),
      }),
    });
    const first = await auth.getAccessToken();
    clock = T0 + 50 * MIN;
    expect(await auth.getAccessToken()).toBe(first);
    clock = T0 + 56 * MIN;
    expect(await auth.getAccessToken()).not.toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(2);
  });

  it('does not re-read on every call when Sora hands out a token already inside the skew', async () => {
    const { auth, fetchSession } = setup({ session: async () => ({ accessToken: newToken(2 * MIN) }) });
    const first = await auth.getAccessToken();
    expect(await auth.getAccessToken()).toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(1);
    clock = T0 + 3 * MIN; // past exp: never use an expired token
    expect(await auth.getAccessToken()).not.toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(2);
  });

  it('shares one session read among ten concurrent forced refreshes of the same stale token', async () => {
    const { auth, fetchSession } = setup();
    const stale = await auth.getAccessToken();
    fetchSession.mockClear();

    const gate = deferred<SessionResponse>();
    const fresh = newToken();
    fetchSession.mockImplementationOnce(() => gate.promise);
    const calls = Array.from({ length: 10 }, () =>
      auth.getAccessToken({ forceRefresh: true, staleToken: stale }),
    );
    await settle();
    gate.resolve({ accessToken: fresh });

    expect(await Promise.all(calls)).toEqual(Array(10).fill(fresh));
    expect(fetchSession).toHaveBeenCalledTimes(1);
  });

  it('shares one session read among concurrent first callers', async () => {
    const { auth, fetchSession } = setup();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(fetchSession).toHaveBeenCalledTimes(1);
  });

  it('returns the current token without a read when the stale token was already replaced', async () => {
    const { auth, fetchSession } = setup();
    const stale = await auth.getAccessToken();
    const current = await auth.getAccessToken({ forceRefresh: true });
    expect(current).not.toBe(stale);
    fetchSession.mockClear();

    expect(await auth.getAccessToken({ forceRefresh: true, staleToken: stale })).toBe(current);
    expect(fetchSession).not.toHaveBeenCalled();
  });

  it('reads again on forceRefresh without a stale token', async () => {
    const { auth, fetchSession } = setup();
    await auth.getAccessToken();
    await auth.getAccessToken({ forceRefresh: true });
    expect(fetchSession).toHaveBeenCalledTimes(2);
  });

  it('goes logged out, clears storage and tells listeners when the session has no accessToken', async () => {
    const { auth, fetchSession, states } = setup();
    await auth.getAccessToken();
    expect(await storedSession()).toBeDefined();

    fetchSession.mockResolvedValueOnce({});
    await expect(auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'logged_out' });
    expect(auth.state()).toEqual({ status: 'logged_out' });
    expect(states.at(-1)).toEqual({ status: 'logged_out' });
    expect(await storedSession()).toBeUndefined();

    // Nothing cached survives: the next call asks again.
    fetchSession.mockResolvedValueOnce({});
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'logged_out' });
    expect(fetchSession).toHaveBeenCalledTimes(3);
  });

  it('throws network on a failed read without marking the user logged out', async () => {
    const { auth, fetchSession, states } = setup();
    fetchSession.mockRejectedValueOnce(new SoraError('network', 'Could not reach sora.chatgpt.com.'));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'network' });
    expect(auth.state().status).toBe('unknown');

    const token = await auth.getAccessToken();
    fetchSession.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(auth.getAccessToken({ forceRefresh: true, staleToken: token })).rejects.toMatchObject({
      code: 'network',
    });
    expect(auth.state().status).toBe('logged_in');
    expect(await storedSession()).toBeDefined();
    expect(states.map((s) => s.status)).toEqual(['logged_in']);
  });

  it('passes timeout and cloudflare_challenge through without marking logged out', async () => {
    const { auth, fetchSession } = setup();
    fetchSession.mockRejectedValueOnce(new SoraError('timeout', 'late'));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'timeout' });
    fetchSession.mockRejectedValueOnce(new SoraError('cloudflare_challenge', 'check'));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'cloudflare_challenge' });
    expect(auth.state().status).toBe('unknown');
  });

  it('discards a session read that a sign-out overtook', async () => {
    const { auth, fetchSession } = setup();
    const gate = deferred<SessionResponse>();
    fetchSession.mockImplementationOnce(() => gate.promise);
    const call = auth.getAccessToken();
    await settle();
    await auth.signOut();
    gate.resolve({ accessToken: newToken() });
    await expect(call).rejects.toMatchObject({ code: 'logged_out' });
    expect(await storedSession()).toBeUndefined();
    expect(auth.state().status).toBe('logged_out');
  });

  it('lets a sign-out win over a storage write still pending', async () => {
    const real = createSessionStore();
    const gate = deferred<void>();
    const store = {
      ...real,
      set: async (v: Parameters<typeof real.set>[0]) => gate.promise.then(() => real.set(v)),
    };
    const fetchSession = vi.fn(async () => ({ accessToken: newToken() }));
    const auth = createAuth({
      fetchSession,
      cookies: new FakeCookies().seed(SESSION),
      store,
      now: () => clock,
    });
    const call = auth.getAccessToken();
    await settle();
    await auth.signOut();
    gate.resolve();
    await expect(call).rejects.toMatchObject({ code: 'logged_out' });
    expect(await storedSession()).toBeUndefined();
    expect(auth.state().status).toBe('logged_out');
  });

  it('drops a cached token when the cookie vanished while the worker was not listening', async () => {
    const { auth, cookies, fetchSession } = setup();
    await auth.getAccessToken();
    cookies.jar.clear(); // no event
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'logged_out' });
    expect(fetchSession).toHaveBeenCalledTimes(1);
    expect(await storedSession()).toBeUndefined();
  });
});

describe('signOut', () => {
  it('clears memory and storage.session', async () => {
    const { auth, fetchSession } = setup();
    await auth.getAccessToken();
    await auth.signOut();
    expect(auth.state()).toEqual({ status: 'logged_out' });
    expect(await storedSession()).toBeUndefined();
    await auth.getAccessToken();
    expect(fetchSession).toHaveBeenCalledTimes(2);
  });
});

describe('watchCookies', () => {
  it('goes logged out at once when the last session cookie is removed', async () => {
    const { auth, cookies, fetchSession, states } = setup();
    auth.watchCookies();
    await auth.getAccessToken();
    clock += MIN;

    cookies.remove(SESSION);
    await settle();
    expect(auth.state()).toEqual({ status: 'logged_out' });
    expect(states.at(-1)).toEqual({ status: 'logged_out' });
    expect(await storedSession()).toBeUndefined();
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'logged_out' });
    expect(fetchSession).toHaveBeenCalledTimes(1);
  });

  it('goes logged out when all chunks are removed, not while one remains', async () => {
    const cookies = new FakeCookies().seed(`${SESSION}.0`).seed(`${SESSION}.1`);
    const { auth } = setup({ cookies });
    auth.watchCookies();
    await auth.getAccessToken();
    clock += MIN;

    cookies.remove(`${SESSION}.1`);
    await settle();
    expect(auth.state().status).not.toBe('logged_out');
    cookies.remove(`${SESSION}.0`);
    await settle();
    expect(auth.state().status).toBe('logged_out');
  });

  it('re-reads the session at once when another user logs in, and tells listeners', async () => {
    let email = 'ada@example.com';
    const { auth, cookies, fetchSession, states } = setup({
      session: async () => ({ accessToken: newToken(), user: { email } }),
    });
    auth.watchCookies();
    const first = await auth.getAccessToken();
    clock += MIN; // well after our own read: this is someone else's login
    email = 'bob@example.com';

    cookies.set(SESSION, 'another-user');
    await vi.waitFor(() => expect(auth.state()).toEqual({ status: 'logged_in', email: 'bob@example.com' }));
    expect(fetchSession).toHaveBeenCalledTimes(2);
    expect(states.at(-1)).toEqual({ status: 'logged_in', email: 'bob@example.com' });
    expect(await auth.getAccessToken()).not.toBe(first);
    expect(fetchSession).toHaveBeenCalledTimes(2);
  });

  it('reports the first login after the worker started, which begins in the unknown state', async () => {
    const { auth, cookies, fetchSession, states } = setup({ cookies: new FakeCookies() });
    auth.watchCookies();
    expect(auth.state().status).toBe('unknown');
    cookies.set(SESSION, 'fresh-login');
    await vi.waitFor(() => expect(states.at(-1)).toEqual({ status: 'logged_in', email: 'ada@example.com' }));
    expect(fetchSession).toHaveBeenCalledTimes(1);
  });

  it('logs in again at once when a new session cookie follows an ended session (the old cookie stayed)', async () => {
    let ended = false;
    const { auth, cookies, fetchSession, states } = setup({
      session: async () => (ended ? {} : { accessToken: newToken(), user: { email: 'ada@example.com' } }),
    });
    auth.watchCookies();
    await auth.getAccessToken();
    // Sora ended the session; the browser still holds its cookie, so only a session read finds out.
    ended = true;
    clock += MIN;
    await expect(auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'logged_out' });
    expect(auth.state().status).toBe('logged_out');
    // The user logs in again moments later (within the grace given to our own read's cookie echo).
    ended = false;
    cookies.set(SESSION, 'logged-in-again');
    await vi.waitFor(() => expect(states.at(-1)).toEqual({ status: 'logged_in', email: 'ada@example.com' }));
    expect(fetchSession).toHaveBeenCalledTimes(3);
  });

  it('a rolling renewal of the same session by the Sora tab tells listeners nothing', async () => {
    const { auth, cookies, fetchSession, states } = setup();
    auth.watchCookies();
    await auth.getAccessToken();
    const heard = states.length;
    clock += MIN;
    cookies.set(SESSION, 'rolled-by-the-sora-tab');
    await vi.waitFor(() => expect(fetchSession).toHaveBeenCalledTimes(2));
    await auth.getAccessToken();
    expect(states.length).toBe(heard);
    expect(auth.state()).toEqual({ status: 'logged_in', email: 'ada@example.com' });
  });

  it('keeps the token when the cookie change is the echo of its own session read', async () => {
    const { auth, cookies, fetchSession } = setup();
    auth.watchCookies();
    await auth.getAccessToken();
    cookies.set(SESSION, 'rolled-by-next-auth'); // next-auth rewrites the cookie on every session read
    await settle();
    await auth.getAccessToken();
    expect(fetchSession).toHaveBeenCalledTimes(1);
    expect(auth.state().status).toBe('logged_in');
  });

  it("ignores chatgpt.com's own session cookie and unrelated cookies", async () => {
    const { auth, cookies, fetchSession } = setup();
    auth.watchCookies();
    await auth.getAccessToken();
    clock += MIN;
    cookies.set('oai-did', 'x');
    cookies.set('chatgpt-session', 'x');
    cookies.jar.set('chatgpt', { name: SESSION, value: 'x', domain: 'chatgpt.com' });
    for (const l of cookies.listeners) {
      l({ removed: false, cookie: { name: SESSION, value: 'x', domain: 'chatgpt.com', hostOnly: true } });
    }
    await settle();
    await auth.getAccessToken();
    expect(fetchSession).toHaveBeenCalledTimes(1);
  });

  it('stops following cookies after unsubscribe', async () => {
    const { auth, cookies } = setup();
    const stop = auth.watchCookies();
    await auth.getAccessToken();
    stop();
    expect(cookies.listeners.size).toBe(0);
  });
});

describe('device id', () => {
  it('prefers the oai-did cookie', async () => {
    const { auth } = setup({ cookies: new FakeCookies().seed(SESSION).seed('oai-did', 'did-123') });
    expect(await auth.getDeviceId()).toBe('did-123');
    expect(await fakeBrowser.storage.local.get(DEVICE_ID_KEY)).toEqual({});
  });

  it('falls back to one uuid kept in storage.local', async () => {
    const { auth, cookies } = setup();
    const [a, b] = await Promise.all([auth.getDeviceId(), auth.getDeviceId()]);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toBe(a);
    expect(await setup({ cookies }).auth.getDeviceId()).toBe(a);
    expect((await fakeBrowser.storage.local.get(DEVICE_ID_KEY))[DEVICE_ID_KEY]).toBe(a);
  });
});

describe('token confidentiality', () => {
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  beforeEach(() => {
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(vi.spyOn(console, m).mockImplementation(() => {}));
    }
  });
  afterEach(() => {
    spies.length = 0;
  });

  it('never writes the token to storage.local, the console or an error message', async () => {
    const { auth, cookies, fetchSession } = setup();
    auth.watchCookies();
    auth.onChange(() => {
      throw new Error('listener bug');
    });
    const tokens: string[] = [await auth.getAccessToken()];
    await auth.getDeviceId();
    clock += 58 * MIN;
    tokens.push(await auth.getAccessToken({ forceRefresh: true, staleToken: tokens[0] }));
    fetchSession.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const errors: unknown[] = [];
    await auth.getAccessToken({ forceRefresh: true }).catch((e: unknown) => errors.push(e));
    fetchSession.mockResolvedValueOnce({});
    await auth.getAccessToken({ forceRefresh: true }).catch((e: unknown) => errors.push(e));
    cookies.remove(SESSION);
    await settle();
    await auth.getAccessToken().catch((e: unknown) => errors.push(e));

    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const logged = JSON.stringify(spies.flatMap((s) => s.mock.calls));
    const thrown = JSON.stringify(errors.map((e) => (e instanceof Error ? [e.message, String(e.cause)] : e)));
    expect(errors).toHaveLength(3);
    for (const token of tokens) {
      expect(local).not.toContain(token);
      expect(logged).not.toContain(token);
      expect(thrown).not.toContain(token);
    }
  });
});

describe('with the real session endpoint function', () => {
  const html = (status: number, body: string) =>
    new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

  function overFetch(fetchFn: FetchFn) {
    const fetchSpy = vi.fn(fetchFn);
    const deps: AuthDeps = {
      fetchSession: () => fetchSession(fetchSpy),
      cookies: new FakeCookies().seed(SESSION),
      store: createSessionStore(),
      now: () => clock,
    };
    return { auth: createAuth(deps), fetchSpy };
  }

  it('reads the token through GET /api/auth/session with the browser cookies', async () => {
    const token = newToken();
    const { auth, fetchSpy } = overFetch(async () =>
      Response.json({ accessToken: token, user: { email: 'a@b.c' } }),
    );
    expect(await auth.getAccessToken()).toBe(token);
    const [url, init] = fetchSpy.mock.calls[0] ?? [];
    expect(String(url)).toBe('https://sora.chatgpt.com/api/auth/session');
    expect(init?.credentials).toBe('include');
  });

  it('maps a Cloudflare page to cloudflare_challenge without marking logged out', async () => {
    const page = '<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>';
    for (const status of [403, 200]) {
      const { auth } = overFetch(async () => html(status, page));
      await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'cloudflare_challenge' });
      expect(auth.state().status).toBe('unknown');
    }
  });

  it('maps a failed fetch to network and a logged-out {} to logged_out', async () => {
    const down = overFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(down.auth.getAccessToken()).rejects.toMatchObject({ code: 'network' });
    expect(down.auth.state().status).toBe('unknown');

    const out = overFetch(async () => Response.json({}));
    await expect(out.auth.getAccessToken()).rejects.toMatchObject({ code: 'logged_out' });
    expect(out.auth.state().status).toBe('logged_out');
  });
});
