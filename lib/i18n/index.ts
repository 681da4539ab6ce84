/**
 * UI strings in English and Simplified Chinese.
 *
 * Why not browser.i18n / @wxt-dev/i18n for UI text: the product lets the user override the browser's
 * language, which `browser.i18n.getMessage` cannot do. The manifest's own name and description still
 * come from public/_locales. Both catalogues are plain typed objects, so a missing key fails `tsc`.
 *
 * English is bundled (it is also the fallback); Chinese is a separate chunk loaded only when it is the
 * language in use, which keeps the popup within its size budget. Pages call `loadLocale` before their
 * first render; `setLocale` switches at once when the catalogue is already there.
 */
import type { SerializedError } from '../sora/errors';
import { en, type MessageKey } from './en';

export type Locale = 'en' | 'zh_CN';
export type LocaleSetting = Locale | 'auto';
export type { MessageKey };

type Catalogue = Record<MessageKey, string>;
const catalogues: Partial<Record<Locale, Catalogue>> = { en };
const loaders: Record<Locale, () => Promise<Catalogue>> = {
  en: async () => en,
  zh_CN: async () => (await import('./zh_CN')).zh_CN,
};
export const LOCALES: readonly Locale[] = ['en', 'zh_CN'];

let current: Locale = 'en';

export function detectLocale(languages: readonly string[] = globalThis.navigator?.languages ?? []): Locale {
  const first = languages[0]?.toLowerCase() ?? 'en';
  return first.startsWith('zh') ? 'zh_CN' : 'en';
}

function resolve(setting: LocaleSetting): Locale {
  return setting === 'auto' ? detectLocale() : setting;
}

function apply(locale: Locale): Locale {
  current = locale;
  if (globalThis.document) document.documentElement.lang = locale === 'zh_CN' ? 'zh-CN' : 'en';
  return locale;
}

/** Loads the catalogue the setting asks for (once) and switches to it. */
export async function loadLocale(setting: LocaleSetting): Promise<Locale> {
  const locale = resolve(setting);
  catalogues[locale] ??= await loaders[locale]();
  return apply(locale);
}

/**
 * Makes a catalogue available without a dynamic import. The background uses it: a service worker may not
 * call `import()`, so it bundles the catalogues it needs statically.
 */
export function provideCatalogue(locale: Locale, catalogue: Catalogue): void {
  catalogues[locale] = catalogue;
}

/** Whether `loadLocale` would switch without loading anything. */
export function isLocaleLoaded(setting: LocaleSetting): boolean {
  return catalogues[resolve(setting)] !== undefined;
}

/** Switches at once when the catalogue is loaded; otherwise keeps the current language (see loadLocale). */
export function setLocale(setting: LocaleSetting): Locale {
  const locale = resolve(setting);
  return catalogues[locale] ? apply(locale) : current;
}

export function getLocale(): Locale {
  return current;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = (catalogues[current] ?? en)[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The readable sentence for an error that crossed the message layer. Our own refusals of bad input say
 * "not sent", never "Sora refused": Sora never saw them.
 */
export function errorText(error: Pick<SerializedError, 'code' | 'message' | 'param' | 'local'>): string {
  if (error.local) return t('error.notSent', { message: error.message });
  const key = `error.${error.code}` as MessageKey;
  if (!(key in en)) return error.message;
  return t(key, { message: error.message, param: error.param ?? '?' });
}

/** "3 h 12 min" style durations for countdowns. */
export function formatDuration(ms: number): string {
  const totalMin = Math.max(0, Math.ceil(ms / 60_000));
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (current === 'zh_CN') return h > 0 ? `${h} 小时 ${m} 分钟` : `${m} 分钟`;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

export function formatDate(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString(current === 'zh_CN' ? 'zh-CN' : 'en', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(current === 'zh_CN' ? 'zh-CN' : 'en', {
    hour: '2-digit',
    minute: '2-digit',
  });
}
