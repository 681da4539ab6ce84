/** The settings checks of the Settings form and the settings store over storage.local (fake browser). */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  isValidDownloadFolder,
  isValidParseServiceUrl,
  parseConcurrency,
} from '../../components/settings/validate';
import { getLocale, loadLocale, setLocale } from '../../lib/i18n';
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from '../../lib/settings';
import { useSettings } from '../../lib/stores/settings';
import { settingsItem } from '../../lib/util/storage-items';

describe('settings checks', () => {
  it('takes a whole concurrency from 1 to 10 only', () => {
    expect(parseConcurrency('3')).toBe(3);
    expect(parseConcurrency(' 10 ')).toBe(10);
    for (const bad of ['0', '11', '2.5', '-1', '', 'three', '1e1'])
      expect(parseConcurrency(bad), bad).toBeUndefined();
  });

  it('takes an empty parse service URL or an https:// one', () => {
    expect(isValidParseServiceUrl('')).toBe(true);
    expect(isValidParseServiceUrl('  ')).toBe(true);
    expect(isValidParseServiceUrl('https://parse.example.com')).toBe(true);
    expect(isValidParseServiceUrl('https://10.0.0.2:8443/api')).toBe(true);
    for (const bad of [
      'http://parse.example.com',
      'parse.example.com',
      'ftp://x',
      'https://',
      'javascript:alert(1)',
    ]) {
      expect(isValidParseServiceUrl(bad), bad).toBe(false);
    }
  });

  it('takes a relative download folder the downloads API will accept', () => {
    for (const ok of ['', 'Sora', 'Sora/2025', 'Sora videos/', '视频'])
      expect(isValidDownloadFolder(ok), ok).toBe(true);
    for (const bad of [
      '/abs',
      '\\abs',
      'C:\\Sora',
      '../up',
      'a/../b',
      'a//b',
      'a/./b',
      'what?',
      'a|b',
      'x\u0001',
    ]) {
      expect(isValidDownloadFolder(bad), bad).toBe(false);
    }
  });
});

describe('settings store', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    useSettings.setState({ settings: null, saving: false, savedAt: null, error: null });
  });

  it('loads the stored settings (defaults when none) and saves a patch', async () => {
    const stop = useSettings.getState().start();
    await expect.poll(() => useSettings.getState().settings).toEqual(DEFAULT_SETTINGS);
    await useSettings.getState().save({ concurrency: 2, language: 'zh_CN', sidecar: 'json' });
    expect(useSettings.getState().settings).toMatchObject({
      concurrency: 2,
      language: 'zh_CN',
      sidecar: 'json',
    });
    expect(useSettings.getState().savedAt).not.toBeNull();
    expect(await loadSettings()).toMatchObject({ concurrency: 2, language: 'zh_CN', sidecar: 'json' });
    stop();
  });

  it('follows changes made by another page', async () => {
    const stop = useSettings.getState().start();
    await expect.poll(() => useSettings.getState().settings).not.toBeNull();
    await saveSettings({ keepPublished: true });
    await expect.poll(() => useSettings.getState().settings?.keepPublished).toBe(true);
    stop();
  });

  it('falls back to defaults for stored values that no longer validate', async () => {
    await fakeBrowser.storage.local.set({
      [settingsItem.key]: { concurrency: 99, language: 'fr', notifications: false },
    });
    const stop = useSettings.getState().start();
    await expect
      .poll(() => useSettings.getState().settings)
      .toMatchObject({ concurrency: 3, language: 'auto', notifications: false });
    stop();
  });
});

describe('language setting', () => {
  it('auto follows the browser language; an explicit choice wins', async () => {
    expect(await loadLocale('zh_CN')).toBe('zh_CN');
    expect(getLocale()).toBe('zh_CN');
    expect(setLocale('en')).toBe('en');
    expect(['en', 'zh_CN']).toContain(setLocale('auto'));
  });
});
