/**
 * Where the access token rests between service-worker restarts: `storage.session` only. It lives in memory,
 * so it survives a stopped worker but not a browser restart, and is never written to disk the way
 * `storage.local` is.
 */
import { browser } from 'wxt/browser';

export interface StoredSession {
  accessToken: string;
  /** Epoch ms after which the token must not be used (JWT `exp`, else the session's `expires`). */
  expiresAt: number;
  /** Epoch ms of the session read that produced it. */
  fetchedAt: number;
  email?: string;
}

/** One key of one storage area. */
export interface SessionStore {
  get(): Promise<StoredSession | undefined>;
  set(value: StoredSession): Promise<void>;
  remove(): Promise<void>;
}

/** The part of a `storage.StorageArea` the store uses. */
export interface StorageAreaLike {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

export const SESSION_STORE_KEY = 'auth.session';

export function createSessionStore(
  area: StorageAreaLike = browser.storage.session,
  key: string = SESSION_STORE_KEY,
): SessionStore {
  return {
    async get() {
      const value = (await area.get(key))[key];
      return isStoredSession(value) ? value : undefined;
    },
    async set(value) {
      await area.set({ [key]: value });
    },
    async remove() {
      await area.remove(key);
    },
  };
}

function isStoredSession(v: unknown): v is StoredSession {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.accessToken === 'string' &&
    s.accessToken !== '' &&
    typeof s.expiresAt === 'number' &&
    typeof s.fetchedAt === 'number' &&
    (s.email === undefined || typeof s.email === 'string')
  );
}
