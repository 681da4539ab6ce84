/**
 * Where the access token rests between service-worker restarts: `storage.session` only. It lives in memory,
 * so it survives a stopped worker but not a browser restart, and is never written to disk the way
 * `storage.local` is.
 */
import { authSessionItem, type StorageItem } from '../util/storage-items';

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

/** Over lib/util/storage-items.ts `authSessionItem` (storage.session only). */
export function createSessionStore(
  item: Pick<StorageItem<unknown>, 'getValue' | 'setValue' | 'removeValue'> = authSessionItem,
): SessionStore {
  return {
    async get() {
      const value = await item.getValue();
      return isStoredSession(value) ? value : undefined;
    },
    async set(value) {
      await item.setValue(value);
    },
    async remove() {
      await item.removeValue();
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
