import { browser } from 'wxt/browser';
import { ACCOUNT_CACHE_KEY } from '../../lib/account/cache-key';
import type { AccountSnapshot } from '../../lib/account/snapshot';
import type { LocaleSetting } from '../../lib/i18n/locale';
import { languageOf, SETTINGS_KEY } from '../../lib/language-setting';

/** What a page's first render needs from storage: the language setting and the cached account. */
export interface FirstRead {
  language: LocaleSetting;
  cached: AccountSnapshot | undefined;
}

/**
 * Reads it, in one storage request. A page may start it before evaluating the rest of its code, so the
 * answer travels while that runs (the side panel does: entrypoints/sidepanel/main.tsx). A failed read is
 * the defaults: the browser's language, no cached figures.
 */
export function readFirstPaint(): Promise<FirstRead> {
  return browser.storage.local.get([SETTINGS_KEY, ACCOUNT_CACHE_KEY]).then(
    (stored) => ({
      language: languageOf(stored[SETTINGS_KEY]),
      cached: stored[ACCOUNT_CACHE_KEY] as AccountSnapshot | undefined,
    }),
    () => ({ language: 'auto' as const, cached: undefined }),
  );
}
