/**
 * Every key this extension keeps in `browser.storage`, defined once, each as one item of one area. Areas and
 * keys are the ones earlier builds wrote, so an update finds people's settings, device id and caches where
 * they were: never rename a key here (a new shape needs a migration, see below).
 *
 * An item is a thin handle with the method names of WXT's storage items (`getValue`, `setValue`,
 * `removeValue`, `watch`): defining one reads nothing, so a page pays for a key only when it asks for it.
 * The popup's first paint is measured, and WXT's module added ~9.5 KB and a read per item to it. When a
 * stored shape first needs a migration, the items move to WXT's `storage.defineItem` behind the same names
 * (docs/ARCHITECTURE.md, "Decisions").
 *
 * Values whose type belongs to a feature are `unknown`: this module is the bottom layer, and what is stored
 * was written by some earlier build, so each reader checks it where it reads (`normalizeSettings`,
 * `isStoredSession`, `parseIntent`, `parseStorageState`, ...).
 *
 * Not here: IndexedDB's `meta` table (lib/db), which is not browser.storage.
 */
import { browser } from 'wxt/browser';

export type StorageAreaName = 'local' | 'session';

export interface StorageItem<T> {
  readonly area: StorageAreaName;
  /** The key inside its area (`settings`), as `storage[area].get` takes it. */
  readonly key: string;
  /** The stored value, or the item's fallback when nothing (or null) is stored. */
  getValue(): Promise<T>;
  /** Stores it; null or undefined removes the key, as WXT's items do. */
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
  /** Calls `cb` on every change of this key from any page or the background; returns the unsubscribe. */
  watch(cb: (newValue: T, oldValue: T) => void): () => void;
}

/** The part of an item a module that is handed its storage uses (tests hand in a memory copy). */
export type ValueSlot<T = unknown> = Pick<StorageItem<T>, 'getValue' | 'setValue'>;

type Changes = Record<string, { newValue?: unknown; oldValue?: unknown }>;

export function item<T>(area: StorageAreaName, key: string, fallback: T): StorageItem<T> {
  // Looked up on use, not at definition: a module may be loaded where an area is missing.
  const store = () => browser.storage[area];
  const orFallback = (value: unknown) => (value ?? fallback) as T;
  return {
    area,
    key,
    getValue: async () => orFallback((await store().get(key))[key]),
    setValue: (value) => (value == null ? store().remove(key) : store().set({ [key]: value })),
    removeValue: () => store().remove(key),
    watch(cb) {
      const listener = (changes: Changes, changed: string) => {
        const change = changes[key];
        if (changed === area && change) cb(orFallback(change.newValue), orFallback(change.oldValue));
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
  };
}

/** The user's settings, one object (lib/settings.ts; the popup reads the language alone). */
export const settingsItem = item<unknown>('local', 'settings', null);

/**
 * The access token and its expiry (lib/auth/store.ts). storage.session ONLY: in memory, off disk, and (at
 * the default access level) out of content scripts' reach. Never move it to local.
 */
export const authSessionItem = item<unknown>('session', 'auth.session', null);

/** The `oai-device-id` fallback uuid when Sora's own cookie is missing (not a secret). */
export const deviceIdItem = item<string | null>('local', 'device.id', null);

/** The last account snapshot, so pages paint figures before the background wakes (no secret in it). */
export const accountSnapshotItem = item<unknown>('local', 'account.snapshot', null);

/** Whether Sora answers as the Sora app (lib/service-status); the background writes, pages follow. */
export const serviceStatusItem = item<unknown>('local', 'service.status', null);

/** Whether writes are refused for quota (lib/db/storage.ts); session, as it must work when IDB does not. */
export const storageStateItem = item<unknown>('session', 'storage.state', null);

/**
 * The "Remix this" / "open in" hand-over to the side panel (lib/remix/intent.ts): session, so a web page
 * cannot plant one.
 */
export const remixIntentItem = item<unknown>('session', 'ui.intent', null);

/** When the weekly History copy was last saved, epoch ms (lib/history/auto-export.ts says why not IDB). */
export const autoExportAtItem = item<number | null>('local', 'history.autoExportAt', null);
