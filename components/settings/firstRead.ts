import { browser } from 'wxt/browser';
import type { AccountSnapshot } from '../../lib/account/snapshot';
import type { LocaleSetting } from '../../lib/i18n/locale';
import { languageOf } from '../../lib/language-setting';
import { accountSnapshotItem, settingsItem } from '../../lib/util/storage-items';

/** What a page's first render needs from storage: the language setting and the cached account. */
export interface FirstRead {
  language: LocaleSetting;
  cached: AccountSnapshot | undefined;
}

/**
 * Reads it, in one storage request: both items are in storage.local, and two `getValue` calls would be two
 * requests before the first paint (the keys still come from the items, lib/util/storage-items.ts). A page
 * may start it before evaluating the rest of its code, so the answer travels while that runs (the side
 * panel does: entrypoints/sidepanel/main.tsx). A failed read is the defaults: the browser's language, no
 * cached figures.
 */
export function readFirstPaint(): Promise<FirstRead> {
  return browser.storage.local.get([settingsItem.key, accountSnapshotItem.key]).then(
    (stored) => ({
      language: languageOf(stored[settingsItem.key]),
      cached: stored[accountSnapshotItem.key] as AccountSnapshot | undefined,
    }),
    () => ({ language: 'auto' as const, cached: undefined }),
  );
}
