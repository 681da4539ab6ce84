/**
 * Keeping the database alive in the browser: persistent storage, what is used, writes the browser refuses for
 * quota, and files nothing refers to any more.
 *
 * Quota design (docs/ARCHITECTURE.md, *Storage*): every write the extension makes is one IndexedDB transaction
 * that either commits whole or not at all (lib/jobs/queue.ts `withTx`, idb's one-request shortcuts). A refused
 * commit therefore leaves every record in its previous persisted state; nothing here retries by itself. The
 * engine's failed tick is retried by its ticker and the 30 s alarm, so a job resumes from that state once the
 * browser takes writes again; a page's own write (a start image) shows the refusal and keeps its form.
 */
import type { CompanionDb } from './schema';

/** How long a stored file may wait for the job or character that will refer to it. */
export const ORPHAN_GRACE_MS = 6 * 60 * 60 * 1000;

/** Whether the browser refused a write because the origin is out of space (a commit or a request). */
export function isQuotaError(e: unknown): boolean {
  let current: unknown = e;
  for (let depth = 0; depth < 4 && current; depth++) {
    const name = (current as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    // Firefox's older name, still thrown by some builds.
    if (name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface StorageUse {
  /** Bytes this extension's origin uses, when the browser says. */
  usage: number | null;
  /** Bytes it may use (very large with `unlimitedStorage`), when the browser says. */
  quota: number | null;
  /** The browser promised not to evict the data under storage pressure. */
  persisted: boolean | null;
}

type StorageManagerLike = Pick<StorageManager, 'estimate' | 'persisted' | 'persist'>;

const manager = (): StorageManagerLike | undefined =>
  (globalThis.navigator as Navigator | undefined)?.storage as StorageManagerLike | undefined;

/** What the origin uses and whether it is persisted; nulls where the browser does not say. */
export async function storageUse(storage = manager()): Promise<StorageUse> {
  const [estimate, persisted] = await Promise.all([
    storage?.estimate?.().catch(() => null) ?? null,
    storage?.persisted?.().catch(() => null) ?? null,
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/**
 * Asks the browser to keep the data under storage pressure. With `unlimitedStorage` Chrome grants it to an
 * extension without asking the user; where the API is missing (a Chrome service worker has no
 * `navigator.storage.persist`) it answers null.
 */
export async function requestPersistence(storage = manager()): Promise<boolean | null> {
  if (!storage?.persist) return null;
  try {
    if (await storage.persisted?.()) return true;
    return await storage.persist();
  } catch {
    return null;
  }
}

/**
 * Deletes stored files no job and no character refers to, once they are older than `graceMs` (a page stores a
 * start image or a character's video before it asks the background; a page closed in between leaves it behind).
 * One transaction over the three stores, so a job enqueued meanwhile cannot lose its file. Returns the ids.
 */
export async function removeOrphanFiles(
  db: CompanionDb,
  now: number,
  graceMs = ORPHAN_GRACE_MS,
): Promise<string[]> {
  const tx = db.transaction(['files', 'jobs', 'characters'], 'readwrite');
  const used = new Set<string>();
  for (const job of await tx.objectStore('jobs').getAll()) {
    const start = (job.request as { startImage?: { source?: string; fileId?: string } }).startImage;
    if (start?.source === 'file' && start.fileId) used.add(start.fileId);
  }
  for (const record of await tx.objectStore('characters').getAll()) {
    const video = record.video as { fileId?: unknown } | undefined;
    for (const id of [video?.fileId, record.pictureFileId]) if (typeof id === 'string') used.add(id);
  }
  const removed: string[] = [];
  let cursor = await tx.objectStore('files').openCursor();
  while (cursor) {
    const file = cursor.value;
    if (!used.has(file.id) && now - file.createdAt >= graceMs) {
      await cursor.delete();
      removed.push(file.id);
    }
    cursor = await cursor.continue();
  }
  await tx.done;
  return removed;
}

/** What the background tells pages in lib/util/storage-items.ts `storageStateItem`. */
export interface StorageState {
  /** When the browser last refused a write for quota; null once a write went through again. */
  refusedAt: number | null;
}

export function parseStorageState(raw: unknown): StorageState {
  const refusedAt = (raw as { refusedAt?: unknown } | null | undefined)?.refusedAt;
  return { refusedAt: typeof refusedAt === 'number' ? refusedAt : null };
}
