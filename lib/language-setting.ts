/**
 * The language setting alone, read straight from the stored settings without the settings schema
 * (lib/settings.ts): it is all the popup needs from the settings, and the schema's validation library
 * would be most of the popup's own code.
 */
import type { LocaleSetting } from './i18n/locale';
import { settingsItem } from './util/storage-items';

export const LANGUAGE_SETTINGS = ['auto', 'en', 'zh_CN'] as const satisfies readonly LocaleSetting[];
export const DEFAULT_LANGUAGE: LocaleSetting = 'auto';

/** The language in stored settings; the default when it is missing or not one we know (as lib/settings). */
export function languageOf(storedSettings: unknown): LocaleSetting {
  const language = (storedSettings as { language?: unknown } | null | undefined)?.language;
  return LANGUAGE_SETTINGS.find((l) => l === language) ?? DEFAULT_LANGUAGE;
}

/** Calls `fn` with the stored settings, unchecked, whenever they change (in this page or any other). */
export function onStoredSettingsChanged(fn: (storedSettings: unknown) => void): () => void {
  return settingsItem.watch((stored) => fn(stored));
}

export function onLanguageChanged(fn: (language: LocaleSetting) => void): () => void {
  return onStoredSettingsChanged((stored) => fn(languageOf(stored)));
}
