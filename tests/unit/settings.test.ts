import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from '../../lib/settings';

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
});
