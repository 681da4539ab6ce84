/**
 * The side panel's view of the database's health: whether the browser refuses writes for quota (the
 * background's state in storage.session), whether the database is a newer build's and open read-only, and
 * how much is stored. `start()` also asks for persistent storage: `navigator.storage.persist()` exists in
 * extension pages (not in Chrome's service worker).
 */
import { browser } from 'wxt/browser';
import { create } from 'zustand';
import { getDb, isReadOnlyDb } from '../db/schema';
import {
  parseStorageState,
  requestPersistence,
  STORAGE_STATE_KEY,
  type StorageUse,
  storageUse,
} from '../db/storage';

type Changes = Record<string, { newValue?: unknown }>;

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
    void browser.storage.session
      .get(STORAGE_STATE_KEY)
      .then((stored) => set({ refusedAt: parseStorageState(stored[STORAGE_STATE_KEY]).refusedAt }))
      .catch(() => {});
    const listener = (changes: Changes, area: string) => {
      if (area !== 'session' || !(STORAGE_STATE_KEY in changes)) return;
      set({ refusedAt: parseStorageState(changes[STORAGE_STATE_KEY]?.newValue).refusedAt });
      void get().refreshUse();
    };
    browser.storage.onChanged.addListener(listener);
    void getDb()
      .then((db) => set({ readOnly: isReadOnlyDb(db) }))
      .catch(() => {});
    void requestPersistence().then(() => get().refreshUse());
    return () => browser.storage.onChanged.removeListener(listener);
  },
  async refreshUse() {
    set({ use: await storageUse() });
  },
}));
