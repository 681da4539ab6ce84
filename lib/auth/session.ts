/**
 * The access token (AT) of the browser's sora.chatgpt.com session, owned by the background.
 *
 * Where the AT is: memory → storage.session (survives a stopped service worker, not a browser restart) →
 * `GET /api/auth/session`. It is never written to storage.local, never logged and never put in an error
 * message. Every session read goes through one shared promise, so a burst of 401s costs one read.
 */
import { SoraError } from '../sora/errors';
import { decodeJwtPayload, jwtExpiresAt } from '../sora/ids';
import type { ValueSlot } from '../util/storage-items';
import {
  type CookieChangeLike,
  type CookiesLike,
  cookieAppliesToSora,
  hasSessionCookie,
  isSessionCookieName,
} from './cookies';
import { createDeviceIdSource } from './device';
import type { SessionStore, StoredSession } from './store';

export type AuthStatus = 'unknown' | 'logged_in' | 'logged_out';

export interface AuthState {
  status: AuthStatus;
  email?: string;
}

/**
 * What `GET /api/auth/session` answers (`{}` when logged out). The background passes
 * `() => fetchSession(fetch)` from lib/sora/endpoints/session.ts, whose `SessionInfo` fits this shape.
 */
export interface SessionResponse {
  accessToken?: string;
  user?: { email?: string; name?: string };
  expires?: string;
}

export interface GetTokenOptions {
  /** Read the session again even if the cached AT looks valid (after a 401). */
  forceRefresh?: boolean;
  /**
   * The AT that just failed. If the cached AT already differs, another caller has refreshed meanwhile and
   * that AT is returned without a read. Implies `forceRefresh` when it equals the cached AT.
   */
  staleToken?: string;
}

export interface AuthDeps {
  /** Reads the session; throws SoraError 'network' | 'timeout' | 'cloudflare_challenge' | … on failure. */
  fetchSession: () => Promise<SessionResponse>;
  cookies: CookiesLike;
  store: SessionStore;
  /** For the `device.id` fallback; defaults to its storage.local item (lib/util/storage-items.ts). */
  local?: ValueSlot<string | null>;
  now?: () => number;
  /** Refresh this long before the AT's `exp`. Default 5 minutes. */
  refreshSkewMs?: number;
}

export interface Auth {
  getAccessToken(opts?: GetTokenOptions): Promise<string>;
  state(): AuthState;
  onChange(listener: (state: AuthState) => void): () => void;
  /** Forgets the AT (memory and storage.session). It does not log the browser out of Sora. */
  signOut(): Promise<void>;
  /** Follows the session cookie; returns an unsubscribe. */
  watchCookies(): () => void;
  getDeviceId(): Promise<string>;
}

export const DEFAULT_REFRESH_SKEW_MS = 5 * 60_000;
/**
 * Without `exp` or `expires` the AT's life is unknown: re-read after this long and rely on 401 handling
 * before that.
 */
const UNKNOWN_EXPIRY_TTL_MS = 15 * 60_000;
/**
 * If Sora hands out an AT already inside the refresh skew, use it for this long before asking again, so a
 * short-lived AT does not turn every call into a session read.
 */
const MIN_REREAD_INTERVAL_MS = 30_000;
/**
 * next-auth rewrites the session cookie on every session read (rolling expiry). Cookie events this soon
 * after our own read are its echo, not a new login.
 */
const OWN_WRITE_GRACE_MS = 5_000;

const loggedOutError = () => new SoraError('logged_out', 'Not logged in to sora.chatgpt.com.');

/** What lives as long as the auth object: the cached session, the reads in flight, the listeners. */
interface AuthRuntime {
  deps: AuthDeps;
  now: () => number;
  skew: number;
  listeners: Set<(state: AuthState) => void>;
  current: StoredSession | undefined;
  /** Whether storage.session has been consulted since the last time the cache was dropped. */
  loaded: boolean;
  loading: Promise<StoredSession | undefined> | undefined;
  inflight: Promise<StoredSession> | undefined;
  ownWriteUntil: number;
  /** Bumped whenever the cache is dropped; a session read that straddles a bump must not repopulate it. */
  epoch: number;
  authState: AuthState;
}

export function createAuth(deps: AuthDeps): Auth {
  const rt: AuthRuntime = {
    deps,
    now: deps.now ?? Date.now,
    skew: deps.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS,
    listeners: new Set(),
    current: undefined,
    loaded: false,
    loading: undefined,
    inflight: undefined,
    ownWriteUntil: 0,
    epoch: 0,
    authState: { status: 'unknown' },
  };
  const onCookieChange = (change: CookieChangeLike) => cookieChanged(rt, change);

  return {
    getAccessToken: (opts) => getAccessToken(rt, opts),
    state: () => ({ ...rt.authState }),
    onChange(listener) {
      rt.listeners.add(listener);
      return () => {
        rt.listeners.delete(listener);
      };
    },
    signOut: () => markLoggedOut(rt),
    watchCookies() {
      deps.cookies.onChanged.addListener(onCookieChange);
      return () => deps.cookies.onChanged.removeListener(onCookieChange);
    },
    getDeviceId: createDeviceIdSource(deps.cookies, deps.local),
  };
}

function setState(rt: AuthRuntime, next: AuthState): void {
  if (next.status === rt.authState.status && next.email === rt.authState.email) return;
  rt.authState = next;
  const snapshot = { ...next };
  for (const listener of [...rt.listeners]) {
    try {
      listener(snapshot);
    } catch (e) {
      console.error('auth state listener failed', e instanceof Error ? e.message : e);
    }
  }
}

function usable(rt: AuthRuntime, s: StoredSession): boolean {
  const t = rt.now();
  if (t >= s.expiresAt) return false;
  if (t < s.expiresAt - rt.skew) return true;
  return t - s.fetchedAt < MIN_REREAD_INTERVAL_MS;
}

/** Forgets the AT at once (synchronously) and then clears storage.session. */
function dropCache(rt: AuthRuntime, next: AuthState): Promise<void> {
  rt.epoch++;
  rt.current = undefined;
  rt.loaded = true;
  setState(rt, next);
  return rt.deps.store.remove().catch(() => {});
}

const markLoggedOut = (rt: AuthRuntime) => dropCache(rt, { status: 'logged_out' });

/** The cached session from memory, else from storage.session (once per worker life or cache drop). */
async function cached(rt: AuthRuntime): Promise<StoredSession | undefined> {
  if (rt.current !== undefined || rt.loaded) return rt.current;
  rt.loading ??= (async () => {
    const startEpoch = rt.epoch;
    const stored = await rt.deps.store.get().catch(() => undefined);
    if (rt.epoch === startEpoch) {
      rt.current = stored;
      rt.loaded = true;
      if (stored !== undefined) setState(rt, { status: 'logged_in', email: stored.email });
    }
    return rt.current;
  })().finally(() => {
    rt.loading = undefined;
  });
  return rt.loading;
}

async function readSession(rt: AuthRuntime): Promise<StoredSession> {
  const startEpoch = rt.epoch;
  let answer: SessionResponse;
  try {
    answer = await rt.deps.fetchSession();
  } catch (e) {
    // A failed read says nothing about the login: keep the state and any cached AT for the next try.
    if (e instanceof SoraError) throw e;
    throw new SoraError('network', 'Could not read the Sora session.', { cause: e });
  } finally {
    rt.ownWriteUntil = rt.now() + OWN_WRITE_GRACE_MS;
  }
  if (rt.epoch !== startEpoch) throw loggedOutError();

  const token = answer.accessToken;
  if (typeof token !== 'string' || token === '') {
    await markLoggedOut(rt);
    throw loggedOutError();
  }
  const fetchedAt = rt.now();
  const session: StoredSession = {
    accessToken: token,
    expiresAt: expiryOf(token, answer.expires, fetchedAt),
    fetchedAt,
  };
  const email = answer.user?.email || decodeJwtPayload(token)?.email;
  if (email !== undefined) session.email = email;

  rt.current = session;
  rt.loaded = true;
  setState(rt, { status: 'logged_in', email: session.email });
  // Losing storage.session only costs one more read after a worker restart; the AT is still usable.
  await rt.deps.store.set(session).catch(() => {});
  if (rt.epoch !== startEpoch) {
    // Signed out while the write was pending: the write may have landed after the sign-out's removal.
    await rt.deps.store.remove().catch(() => {});
    throw loggedOutError();
  }
  return session;
}

function refresh(rt: AuthRuntime): Promise<StoredSession> {
  rt.inflight ??= readSession(rt).finally(() => {
    rt.inflight = undefined;
  });
  return rt.inflight;
}

async function getAccessToken(rt: AuthRuntime, opts: GetTokenOptions = {}): Promise<string> {
  // Checked on every call: it costs no network, and a logout the worker slept through must win over a
  // cached AT that Sora would still accept.
  if (!(await hasSessionCookie(rt.deps.cookies).catch(() => true))) {
    if (rt.current !== undefined || rt.authState.status !== 'logged_out') await markLoggedOut(rt);
    throw loggedOutError();
  }
  const s = await cached(rt);
  // Everything from here to `refresh()` is synchronous, so concurrent callers all see one `inflight`.
  if (rt.inflight !== undefined) return (await rt.inflight).accessToken;
  if (s !== undefined && usable(rt, s)) {
    const stale = opts.staleToken;
    if (stale !== undefined ? s.accessToken !== stale : opts.forceRefresh !== true) return s.accessToken;
  }
  return (await refresh(rt)).accessToken;
}

function cookieChanged(rt: AuthRuntime, change: CookieChangeLike): void {
  const { cookie } = change;
  if (!isSessionCookieName(cookie.name) || !cookieAppliesToSora(cookie)) return;
  if (change.removed && change.cause === 'overwrite') return;
  if (change.removed) {
    // Dropping one chunk (the token shrank, or next-auth re-chunked) is not a logout: ask the jar.
    void hasSessionCookie(rt.deps.cookies)
      .then((present) => (present ? undefined : markLoggedOut(rt)))
      .catch(() => {});
    return;
  }
  if (rt.authState.status === 'logged_out') {
    // Logged out, a session cookie appears: a login, never the echo of our own read. It can land while
    // a read with the ended session is still out (or just back), so read again after that one.
    const pending = rt.inflight ?? Promise.resolve();
    void pending
      .catch(() => {})
      .then(() => (rt.authState.status === 'logged_out' ? refresh(rt) : undefined))
      .catch(() => {});
    return;
  }
  if (rt.inflight !== undefined || rt.now() < rt.ownWriteUntil) return;
  // Someone (maybe another user) logged in, or the Sora tab rolled the session. Forget the AT and read
  // the session now, without passing through 'unknown': listeners then hear exactly the changes that
  // matter (first login, another user), not every rolling renewal of the same session.
  rt.epoch++;
  rt.current = undefined;
  rt.loaded = true;
  void rt.deps.store
    .remove()
    .catch(() => {})
    .then(() => refresh(rt))
    .catch(() => {});
}

/** JWT `exp` when decodable, else the session's `expires`, whichever is sooner when both are known. */
function expiryOf(token: string, expires: string | undefined, fetchedAt: number): number {
  const fromJwt = jwtExpiresAt(token);
  const parsed = expires === undefined ? Number.NaN : Date.parse(expires);
  const fromSession = Number.isFinite(parsed) ? parsed : undefined;
  if (fromJwt !== undefined && fromSession !== undefined) return Math.min(fromJwt, fromSession);
  return fromJwt ?? fromSession ?? fetchedAt + UNKNOWN_EXPIRY_TTL_MS;
}
