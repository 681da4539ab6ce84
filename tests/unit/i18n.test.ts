import { describe, expect, it, vi } from 'vitest';
import { detectLocale, errorText, loadLocale, type MessageKey, setLocale, t } from '../../lib/i18n';
import { sidePanelEn } from '../../lib/i18n/en';
import { popupEn } from '../../lib/i18n/popup.en';
import { popupZhCN } from '../../lib/i18n/popup.zh_CN';
import { sidePanelZhCN } from '../../lib/i18n/zh_CN';
import { SORA_ERROR_CODES } from '../../lib/sora/errors';
import enManifest from '../../public/_locales/en/messages.json';
import zhManifest from '../../public/_locales/zh_CN/messages.json';

// `{name}` and the number of a plural block, `{name, plural, …}`: a Chinese string may use the plain form.
const placeholders = (s: string) =>
  [...new Set([...s.matchAll(/\{(\w+)(?:\}|,\s*plural,)/g)].map((m) => m[1]))].sort();

describe('UI strings', () => {
  const parts: Array<[string, Record<string, string>, Record<string, string>]> = [
    ['popup', popupEn, popupZhCN],
    ['side panel', sidePanelEn, sidePanelZhCN],
  ];

  it.each(parts)(
    'has every %s key in both languages, none empty, with the same placeholders',
    (_, en, zh_CN) => {
      expect(Object.keys(zh_CN).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(en)) {
        const zh = zh_CN[key] ?? '';
        expect(text.trim(), key).not.toBe('');
        expect(zh.trim(), key).not.toBe('');
        expect(placeholders(zh), key).toEqual(placeholders(text));
      }
    },
  );

  it('keeps each key in one part only', () => {
    expect(Object.keys(sidePanelEn).filter((key) => key in popupEn)).toEqual([]);
  });

  it('has a readable sentence for every error code in the popup part (errors show everywhere)', () => {
    for (const code of SORA_ERROR_CODES) expect(Object.keys(popupEn)).toContain(`error.${code}`);
  });

  it('has the manifest name and description in both languages', () => {
    expect(Object.keys(zhManifest).sort()).toEqual(Object.keys(enManifest).sort());
  });

  it('follows the browser language and honours an override', async () => {
    expect(detectLocale(['zh-CN', 'en'])).toBe('zh_CN');
    expect(detectLocale(['zh-TW'])).toBe('zh_CN');
    expect(detectLocale(['de-DE'])).toBe('en');
    setLocale('en');
    await loadLocale('zh_CN');
    expect(t('auth.logIn')).toBe('登录 Sora');
    expect(t('nav.account'), 'the side panel part is loaded too').toBe('账户');
    expect(errorText({ code: 'unsupported_country', message: 'x', param: 'KP' })).toContain('KP');
    setLocale('en');
    expect(t('account.videosLeftCount', { count: 3 })).toBe('3 left');
  });

  it('starts loading the browser language before the setting is read, without switching to it', async () => {
    vi.resetModules();
    vi.stubGlobal('navigator', { languages: ['zh-CN'] });
    try {
      const fresh = await import('../../lib/i18n');
      expect(fresh.isLocaleLoaded('auto')).toBe(false);
      fresh.preloadBrowserLocale();
      await vi.waitFor(() => expect(fresh.isLocaleLoaded('auto')).toBe(true));
      expect(fresh.getLocale()).toBe('en');
      expect(fresh.t('nav.account')).toBe('Account');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('picks plural forms by the language’s plural rules', async () => {
    setLocale('en');
    expect(t('history.count', { count: 1 })).toBe('1 item');
    expect(t('history.count', { count: 0 })).toBe('0 items');
    expect(t('history.count', { count: 2 })).toBe('2 items');
    expect(t('create.summary.video', { count: 1 })).toBe('1 video will be queued');
    expect(t('create.summary.expanded', { prompts: 1, count: 3 })).toBe(
      'Variables turn 1 prompt into 3 jobs.',
    );
    expect(t('storyboard.saved.meta', { count: 1, length: '10 s', when: 'today' })).toBe(
      '1 shot · 10 s · today',
    );
    expect(t('history.countFiltered', { count: 1, total: 1 })).toBe('1 of 1 item');
    await loadLocale('zh_CN');
    expect(t('history.count', { count: 1 })).toBe('1 条');
    expect(t('storyboard.saved.meta', { count: 1, length: '10 秒', when: '今天' })).toContain('1 个镜头');
    setLocale('en');
  });

  const COUNTS = ['count', 'max', 'total', 'added', 'actual', 'prompts', 'extra', 'n'];
  // A count in front of a plural noun must go through a plural block ("1 shots" was shown before).
  it.each(parts)('has no %s string that shows a number before a fixed plural noun', (_, en, zh_CN) => {
    const nouns =
      /\{(?:count|max|total|added|actual|prompts|extra|n)\} (?:new )?(?:items|shots|videos|images|jobs|prompts|characters|remixes)\b/;
    for (const [key, text] of Object.entries(en)) {
      expect(text, key).not.toMatch(nouns);
      expect(text, key).not.toMatch(/\w\(s\)/);
      for (const n of [1, 2]) {
        const params = Object.fromEntries(
          placeholders(text).map((name) => [name as string, COUNTS.includes(name as string) ? n : 'X']),
        );
        expect(t(key as MessageKey, params), key).not.toMatch(
          /\b1 (?:items|shots|videos|images|jobs|prompts|characters|remixes)\b/,
        );
      }
    }
    expect(Object.keys(zh_CN).length).toBeGreaterThan(0);
  });
});
