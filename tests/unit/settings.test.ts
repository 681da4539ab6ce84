import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { languageOf, onLanguageChanged } from '../../lib/language-setting';
import { DEFAULT_SETTINGS, loadSettings, normalizeSettings, saveSettings } from '../../lib/settings';

beforeEach(() => fakeBrowser.reset());

describe('settings', () => {
  it('starts from the defaults', async () => {
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps every field when several saves are in flight at once', async () => {
    await Promise.all([
      saveSettings({ notifications: false }),
      saveSettings({ keepPublished: true }),
      saveSettings({ sidecar: 'json' }),
    ]);
    expect(await loadSettings()).toMatchObject({
      notifications: false,
      keepPublished: true,
      sidecar: 'json',
    });
  });

  it('falls back to the default for a stored value that no longer validates, field by field', async () => {
    await fakeBrowser.storage.local.set({ settings: { concurrency: 99, notifications: false } });
    expect(await loadSettings()).toMatchObject({ concurrency: 3, notifications: false });
  });

  it('reads the language the popup uses exactly as the full settings do, without the schema', () => {
    const stored = [
      undefined,
      null,
      'zh_CN',
      {},
      { language: 'zh_CN' },
      { language: 'en' },
      { language: 'fr' },
    ];
    for (const raw of stored)
      expect(languageOf(raw), JSON.stringify(raw)).toBe(normalizeSettings(raw).language);
  });

  it('tells the popup when the language is saved elsewhere', async () => {
    const heard: string[] = [];
    const stop = onLanguageChanged((language) => heard.push(language));
    await saveSettings({ language: 'zh_CN' });
    await saveSettings({ language: 'en' });
    stop();
    await saveSettings({ language: 'auto' });
    expect(heard).toEqual(['zh_CN', 'en']);
  });
});
