/**
 * The side panel's view of the database's health: whether the browser refuses writes for quota (the
 * background's state in storage.session), whether the database is a newer build's and open read-only, and
 * how much is stored. `start()` also asks for persistent storage: `navigator.storage.persist()` exists in
 * extension pages (not in Chrome's service worker).
 */
import { create } from 'zustand';
import { getDb, isReadOnlyDb } from '../db/schema';
import { parseStorageState, requestPersistence, type StorageUse, storageUse } from '../db/storage';
import { storageStateItem } from '../util/storage-items';

interface StorageStoreState {
  /** When the browser last refused a write for quota; null when writes are accepted. */
  refusedAt: number | null;
  readOnly: boolean;
  use: StorageUse | null;
  /** Reads everything once and follows the refusal state; returns the unsubscribe. */
  start(): () => void;
  /** Reads the usage again (the Tools panel opened). */
  refreshUse(): Promise<void>;
}

export const useStorage = create<StorageStoreState>((set, get) => ({
  refusedAt: null,
  readOnly: false,
  use: null,
  start() {
    void storageStateItem
      .getValue()
      .then((stored) => set({ refusedAt: parseStorageState(stored).refusedAt }))
      .catch(() => {});
    const unwatch = storageStateItem.watch((stored) => {
      set({ refusedAt: parseStorageState(stored).refusedAt });
      void get().refreshUse();
    });
    void getDb()
      .then((db) => set({ readOnly: isReadOnlyDb(db) }))
      .catch(() => {});
    void requestPersistence().then(() => get().refreshUse());
    return unwatch;
  },
  async refreshUse() {
    set({ use: await storageUse() });
  },
}));
