/**
 * The language machinery shared by every surface: which language is in use, the string parts a page has
 * registered, loading them, and the lookup behind the typed `t()` of lib/i18n/popup.ts and lib/i18n/index.ts.
 *
 * Why not browser.i18n / @wxt-dev/i18n for UI text: the product lets the user override the browser's
 * language, which `browser.i18n.getMessage` cannot do. The manifest's own name and description still come
 * from public/_locales.
 *
 * Strings come in parts, one per surface: the popup's (which every page loads) and the side panel's. A part
 * is registered when the module that types its keys is evaluated, so a module that can call `t()` with a
 * key has, by import order, registered that key's part. English is bundled with its part (it is also the
 * fallback); Chinese is a separate chunk per part, loaded only when it is the language in use. Pages call
 * `loadLocale` before their first render; `setLocale` switches at once when every part is already there.
 */
export type Locale = 'en' | 'zh_CN';
export type LocaleSetting = Locale | 'auto';
export const LOCALES: readonly Locale[] = ['en', 'zh_CN'];

type Catalogue<K extends string = string> = Readonly<Record<K, string>>;

/** One surface's strings: English at hand, other languages loaded on demand. */
export interface StringsPart<K extends string> {
  en: Catalogue<K>;
  zh_CN: () => Promise<Catalogue<K>>;
}

interface Registered {
  part: StringsPart<string>;
  loaded: Set<Locale>;
}

const registered: Registered[] = [];
const dictionaries: Record<Locale, Record<string, string>> = { en: {}, zh_CN: {} };
let current: Locale = 'en';

function entryOf(part: StringsPart<string>): Registered {
  let entry = registered.find((r) => r.part === part);
  if (!entry) {
    entry = { part, loaded: new Set(['en']) };
    registered.push(entry);
    Object.assign(dictionaries.en, part.en);
  }
  return entry;
}

/** Makes a part's strings available to `t()`; English at once, other languages on `loadLocale`. */
export function registerStrings<K extends string>(part: StringsPart<K>): void {
  entryOf(part);
}

/**
 * Supplies a part's catalogue without a dynamic import. The background uses it: a service worker may not
 * call `import()`, so it bundles the catalogues it needs statically.
 */
export function provideCatalogue<K extends string>(
  part: StringsPart<K>,
  locale: Locale,
  catalogue: Catalogue<K>,
): void {
  const entry = entryOf(part);
  Object.assign(dictionaries[locale], catalogue);
  entry.loaded.add(locale);
}

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

const loading = new Map<Locale, Promise<void>>();

/** Loads every registered part in a language (once; calls while it loads share the one load). */
function load(locale: Locale): Promise<void> {
  const missing = registered.filter((r) => !r.loaded.has(locale));
  // English comes with each part.
  if (locale === 'en' || missing.length === 0) return Promise.resolve();
  let pending = loading.get(locale);
  if (!pending) {
    pending = Promise.all(missing.map((r) => r.part[locale]()))
      .then((catalogues) => {
        missing.forEach((r, i) => {
          Object.assign(dictionaries[locale], catalogues[i]);
          r.loaded.add(locale);
        });
      })
      .finally(() => loading.delete(locale));
    loading.set(locale, pending);
  }
  return pending;
}

/** Loads every registered part in the language the setting asks for (once) and switches to it. */
export async function loadLocale(setting: LocaleSetting): Promise<Locale> {
  const locale = resolve(setting);
  await load(locale);
  return apply(locale);
}

/**
 * Starts loading the browser's language without switching to it. A page calls it before it has read the
 * language setting: most users keep "auto", and their strings then arrive while the setting is read
 * instead of after it.
 */
export function preloadBrowserLocale(): void {
  void load(detectLocale()).catch(() => {});
}

/** Whether `loadLocale` would switch without loading anything. */
export function isLocaleLoaded(setting: LocaleSetting): boolean {
  const locale = resolve(setting);
  return registered.every((r) => r.loaded.has(locale));
}

/** Switches at once when the language is loaded; otherwise keeps the current language (see loadLocale). */
export function setLocale(setting: LocaleSetting): Locale {
  const locale = resolve(setting);
  return isLocaleLoaded(locale) ? apply(locale) : current;
}

export function getLocale(): Locale {
  return current;
}

/**
 * The lookup behind every typed `t()`. The key's type guarantees its part is registered; English stands in
 * for a language whose part is still loading.
 */
export function translate(key: string, params?: Record<string, string | number>): string {
  const text = dictionaries[current][key] ?? dictionaries.en[key] ?? key;
  if (!params) return text;
  return fill(text, params, current);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

function pluralCategory(n: number, locale: Locale): string {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale === 'zh_CN' ? 'zh-CN' : 'en');
    pluralRules.set(locale, rules);
  }
  return rules.select(n);
}

/**
 * Fills `{name}` placeholders and picks plural forms. A plural is written as in ICU MessageFormat, the
 * subset the catalogues need: `{count, plural, =0 {none} one {# shot} other {# shots}}`. The form is chosen
 * by the platform's plural rules for the language in use (`Intl.PluralRules`), an exact `=n` first, then
 * the category, then `other`; `#` is the number. English has "one" and "other"; Chinese has only "other",
 * so its strings need no plural block, but may have one.
 */
export function fill(
  text: string,
  params: Record<string, string | number>,
  locale: Locale = current,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const close = matchingBrace(text, open);
    if (close < 0) break;
    out += text.slice(i, open);
    const inner = text.slice(open + 1, close);
    const plural = /^(\w+),\s*plural,/.exec(inner);
    if (plural?.[1] && plural[1] in params) {
      out += pluralForm(inner.slice(plural[0].length), Number(params[plural[1]]), params, locale);
    } else if (/^\w+$/.test(inner) && inner in params) {
      out += String(params[inner]);
    } else {
      out += text.slice(open, close + 1);
    }
    i = close + 1;
  }
  return out + text.slice(i);
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function pluralForm(
  options: string,
  n: number,
  params: Record<string, string | number>,
  locale: Locale,
): string {
  const forms = new Map<string, string>();
  let i = 0;
  while (i < options.length) {
    const open = options.indexOf('{', i);
    if (open < 0) break;
    const close = matchingBrace(options, open);
    if (close < 0) break;
    forms.set(options.slice(i, open).trim(), options.slice(open + 1, close));
    i = close + 1;
  }
  const body = forms.get(`=${n}`) ?? forms.get(pluralCategory(n, locale)) ?? forms.get('other') ?? '';
  return fill(body.replaceAll('#', String(n)), params, locale);
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
