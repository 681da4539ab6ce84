/**
 * The storage items (lib/util/storage-items.ts) keep the areas and keys earlier builds wrote, so an update
 * finds people's settings, device id and caches where they were; the access token's item is storage.session
 * only; defining the items reads nothing (the popup's first paint pays only for what it asks); and content
 * scripts, which must not reach storage.session, never load the module.
 */
import { readdirSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSessionStore } from '../../lib/auth';
import * as items from '../../lib/util/storage-items';
import { loadedBy } from './harness/import-graph';
import { ROOT } from './harness/imports';

/** Every key the extension has ever stored, in its area. Changing one loses people's data on update. */
const EXPECTED: Record<string, string> = {
  settingsItem: 'local:settings',
  authSessionItem: 'session:auth.session',
  deviceIdItem: 'local:device.id',
  accountSnapshotItem: 'local:account.snapshot',
  serviceStatusItem: 'local:service.status',
  storageStateItem: 'session:storage.state',
  remixIntentItem: 'session:ui.intent',
  autoExportAtItem: 'local:history.autoExportAt',
};

/** Every exported item, by export name (the module's other export is the `item` function). */
const defined = Object.entries(items).flatMap(([name, value]) =>
  typeof value === 'object' && 'key' in value ? [[name, `${value.area}:${value.key}`] as const] : [],
);

describe('storage items', () => {
  beforeEach(() => fakeBrowser.reset());

  it('are exactly the keys earlier builds stored, each in its area, each once', () => {
    expect(Object.fromEntries(defined)).toEqual(EXPECTED);
    expect(new Set(defined.map(([, where]) => where)).size).toBe(defined.length);
  });

  it('read what an earlier build wrote under the raw key, and write it back there', async () => {
    await fakeBrowser.storage.local.set({ settings: { language: 'zh_CN' } });
    expect(await items.settingsItem.getValue()).toEqual({ language: 'zh_CN' });
    await items.settingsItem.setValue({ language: 'en' });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ settings: { language: 'en' } });
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('keep the access token in storage.session, never storage.local', async () => {
    expect(items.authSessionItem.area).toBe('session');
    await createSessionStore().set({ accessToken: 'AT', expiresAt: 1, fetchedAt: 0 });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({
      'auth.session': { accessToken: 'AT', expiresAt: 1, fetchedAt: 0 },
    });
    await createSessionStore().remove();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('give the fallback for a missing key, and remove the key when set to null (as WXT items do)', async () => {
    const lastCopy = items.item<number | null>('local', 'history.autoExportAt', null);
    expect(await lastCopy.getValue()).toBeNull();
    await lastCopy.setValue(5);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ 'history.autoExportAt': 5 });
    await lastCopy.setValue(null);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('watch their own key in their own area only, until unwatched', async () => {
    const seen: [unknown, unknown][] = [];
    const unwatch = items.storageStateItem.watch((value, old) => seen.push([value, old]));
    await fakeBrowser.storage.local.set({ 'storage.state': { refusedAt: 1 } });
    await fakeBrowser.storage.session.set({ 'ui.intent': { view: 'create' } });
    await items.storageStateItem.setValue({ refusedAt: 2 });
    await items.storageStateItem.removeValue();
    unwatch();
    await items.storageStateItem.setValue({ refusedAt: 3 });
    expect(seen).toEqual([
      [{ refusedAt: 2 }, null],
      [null, { refusedAt: 2 }],
    ]);
  });

  it('read nothing when the module is loaded: only a caller asking reads', async () => {
    const local = vi.spyOn(fakeBrowser.storage.local, 'get');
    const session = vi.spyOn(fakeBrowser.storage.session, 'get');
    vi.resetModules();
    const fresh = await import('../../lib/util/storage-items');
    expect(local).not.toHaveBeenCalled();
    // By the time a caller's read is answered, a read made by defining an item would have run too.
    await fresh.settingsItem.getValue();
    expect(local.mock.calls).toEqual([['settings']]);
    expect(session).not.toHaveBeenCalled();
    local.mockRestore();
    session.mockRestore();
  });

  it('are loaded by the popup (the check below looks at the right module)', () => {
    expect(loadedBy('entrypoints/popup/main.tsx').chain('lib/util/storage-items.ts')).not.toBe('');
  });

  const contentScripts = readdirSync(`${ROOT}/entrypoints`).filter((name) => /content/.test(name));

  it('content scripts exist to check', () => {
    expect(contentScripts).toEqual(expect.arrayContaining(['sora.content.ts', 'sora-sentinel.content.ts']));
  });

  it.each(contentScripts)('are not loaded by the content script %s', (name) => {
    expect(loadedBy(`entrypoints/${name}`).chain('lib/util/storage-items.ts'), 'imported through').toBe('');
  });
});
