/**
 * `t()` for the popup: typed to the popup's strings, which this module registers. Every module the popup
 * loads takes its strings from here (tests/unit/popup-imports.test.ts checks the popup's imports), so a
 * side-panel key used in the popup fails `tsc` instead of showing up untranslated.
 */
import type { SerializedError } from '../sora/errors';
import { registerStrings, type StringsPart, translate } from './locale';
import { type PopupKey, popupEn } from './popup.en';

export {
  detectLocale,
  formatDate,
  formatDuration,
  formatTime,
  getLocale,
  isLocaleLoaded,
  LOCALES,
  type Locale,
  type LocaleSetting,
  loadLocale,
  preloadBrowserLocale,
  setLocale,
} from './locale';
export type { PopupKey };

export const popupStrings: StringsPart<PopupKey> = {
  en: popupEn,
  zh_CN: async () => (await import('./popup.zh_CN')).popupZhCN,
};
registerStrings(popupStrings);

export const t: (key: PopupKey, params?: Record<string, string | number>) => string = translate;

/**
 * The readable sentence for an error that crossed the message layer. Our own refusals of bad input say
 * "not sent", never "Sora refused": Sora never saw them.
 */
export function errorText(error: Pick<SerializedError, 'code' | 'message' | 'param' | 'local'>): string {
  if (error.local) return translate('error.notSent', { message: error.message });
  const key = `error.${error.code}`;
  if (!(key in popupEn)) return error.message;
  return translate(key, { message: error.message, param: error.param ?? '?' });
}
