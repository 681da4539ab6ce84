/**
 * Session detection from the browser's own sora.chatgpt.com cookies. The cookies API is a parameter (the
 * background passes `browser.cookies`) so tests can hand in a fake jar: WXT's fake browser has no cookies.
 */
import { DEVICE_ID_COOKIE, SESSION_COOKIE, SORA_ORIGIN } from '../sora/config';

/** The fields of `cookies.Cookie` this module reads. */
export interface CookieLike {
  name: string;
  value: string;
  domain?: string;
  hostOnly?: boolean;
}

export interface CookieChangeLike {
  removed: boolean;
  cookie: CookieLike;
  /** 'overwrite' removals are followed at once by the replacing cookie, so they are not logouts. */
  cause?: string;
}

export type CookieChangeListener = (change: CookieChangeLike) => void;

/** The narrow part of `browser.cookies` that auth needs. */
export interface CookiesLike {
  getAll(details: { url: string }): Promise<CookieLike[]>;
  get(details: { url: string; name: string }): Promise<CookieLike | null | undefined>;
  onChanged: {
    addListener(listener: CookieChangeListener): void;
    removeListener(listener: CookieChangeListener): void;
  };
}

const SORA_HOST = new URL(SORA_ORIGIN).hostname;
const CHUNK_SUFFIX = /^\.\d+$/;
/** Header-safe: the value is sent as `oai-device-id`, so anything odd in the cookie is not trusted. */
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** next-auth splits a large session cookie into `<name>.0`, `<name>.1`, …; any of them means a session. */
export function isSessionCookieName(name: string): boolean {
  if (name === SESSION_COOKIE) return true;
  return name.startsWith(SESSION_COOKIE) && CHUNK_SUFFIX.test(name.slice(SESSION_COOKIE.length));
}

/**
 * Whether a cookie from a change event is sent to sora.chatgpt.com. chatgpt.com uses the same session cookie
 * name host-only on its own host; a ChatGPT login must not look like a Sora login.
 */
export function cookieAppliesToSora(cookie: CookieLike): boolean {
  const domain = cookie.domain?.toLowerCase();
  if (domain === undefined || domain === '') return true;
  if (cookie.hostOnly === true || !domain.startsWith('.')) return domain === SORA_HOST;
  const bare = domain.slice(1);
  return SORA_HOST === bare || SORA_HOST.endsWith(domain);
}

export async function hasSessionCookie(cookies: Pick<CookiesLike, 'getAll'>): Promise<boolean> {
  const all = await cookies.getAll({ url: SORA_ORIGIN });
  return all.some((c) => isSessionCookieName(c.name) && c.value !== '');
}

/** The `oai-did` cookie (a uuid the Sora web app sets), or undefined when absent or malformed. */
export async function readDeviceId(cookies: Pick<CookiesLike, 'get'>): Promise<string | undefined> {
  const cookie = await cookies.get({ url: SORA_ORIGIN, name: DEVICE_ID_COOKIE });
  const value = cookie?.value.trim();
  return value !== undefined && DEVICE_ID_PATTERN.test(value) ? value : undefined;
}
