/**
 * The background's side of keeping the database: it asks for persistent storage where the API exists,
 * removes orphaned files (on a worker's first wake-up, then at most hourly), and tells pages through storage.session when
 * the browser refuses writes for quota and when it takes them again (the engine's ticks say which).
 *
 * Chrome's service worker has no `navigator.storage.persist()`: there `unlimitedStorage` alone keeps the data
 * (Chrome never evicts an extension holding it) and the side panel asks again when it opens; Firefox's
 * background page has the API and, with `unlimitedStorage`, is granted without a prompt.
 */
import { getDb } from '../db/schema';
import { isQuotaError, removeOrphanFiles, requestPersistence, type StorageState } from '../db/storage';
import { storageStateItem } from '../util/storage-items';
import { defineFeature } from './feature';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

export function createStorageBackground(now: () => number = Date.now) {
  /** This worker life's knowledge of the stored state; storage.session is the truth pages read. */
  let refused: boolean | null = null;
  let lastSweep = 0;

  async function write(state: StorageState): Promise<void> {
    refused = state.refusedAt !== null;
    await storageStateItem.setValue(state);
  }

  return {
    /** For the engine's failed ticks: a quota refusal becomes the pages' "storage refused" notice. */
    onError(e: unknown): void {
      if (isQuotaError(e)) void write({ refusedAt: now() }).catch(() => {});
    },
    /** A tick went through: writes are accepted again. */
    onOk(): void {
      if (refused === false) return;
      void write({ refusedAt: null }).catch(() => {});
    },
    /** On every wake-up; cheap when it ran recently. */
    wake(): void {
      const t = now();
      if (t - lastSweep < SWEEP_EVERY_MS) return;
      lastSweep = t;
      void requestPersistence();
      void getDb()
        .then((db) => removeOrphanFiles(db, t))
        .catch(() => {});
    },
  };
}

export const storageFeature = defineFeature(() => {
  const storage = createStorageBackground();
  return {
    wake: storage.wake,
    on: { 'tick.failed': storage.onError, 'tick.ok': storage.onOk },
  };
});
