/**
 * History and downloads in the background: "Import from Sora", fresh media URLs, and the publish-and-
 * download jobs (./media.ts). Pages read history straight from IndexedDB; every write to it happens here.
 */

import { browser } from 'wxt/browser';
import type { HistoryItem } from '../db/history-record';
import { getDb } from '../db/schema';
import {
  AUTO_EXPORT_ALARM,
  AUTO_EXPORT_CHECK_MINUTES,
  autoExportDue,
  runAutoExport,
} from '../history/auto-export';
import { importFromSora } from '../history/import';
import { deleteHistoryItems, mergeHistoryItems } from '../history/repo';
import { createResolver } from '../history/resolve';
import { createHistorySoraPort } from '../history/sora-port';
import { textFileUrl } from '../media/sidecar';
import { emit, type PartialHandlers } from '../messaging/transport';
import { loadSettings, onSettingsChanged, saveSettings } from '../settings';
import { SoraError } from '../sora/errors';
import type { SoraHttp } from '../sora/http';
import { normalizeHost } from '../sora/media-hosts';
import type { PatienceWaits } from '../util/patience';
import { autoExportAtItem } from '../util/storage-items';
import { defineFeature } from './feature';
import { createMediaBackground } from './media';

export function createHistoryBackground(http: SoraHttp, waits: () => Promise<PatienceWaits>) {
  const sora = createHistorySoraPort(http);
  const itemsChanged = (items: HistoryItem[]) => {
    if (items.length > 0) void emit('history.changed', { items, removed: [] });
  };
  const resolver = createResolver({ db: getDb, sora, onItems: itemsChanged });
  const media = createMediaBackground({ sora, resolver, onItemsChanged: itemsChanged, waits });
  /** One import at a time: a second click joins the running one. */
  let importing: ReturnType<typeof importFromSora> | null = null;

  const handlers = {
    'history.importFromSora': async ({ full }) => {
      importing ??= (async () =>
        importFromSora(await getDb(), sora, {
          full: full === true,
          onPage: (items, progress) => {
            itemsChanged(items);
            void emit('history.importProgress', progress);
          },
        }))().finally(() => {
        importing = null;
      });
      return importing;
    },
    'history.resolve': async ({ id }) => ({ item: await resolver.resolve(id) }),
    // The background is history's one writer: every open page hears of a change, whichever page asked.
    'history.delete': async ({ ids }) => {
      const removed = await deleteHistoryItems(await getDb(), ids, Date.now());
      if (removed.length > 0) void emit('history.changed', { items: [], removed });
      return { removed };
    },
    'history.importItems': async ({ items }) => {
      const { added, updated } = await mergeHistoryItems(await getDb(), items, Date.now());
      itemsChanged([...added, ...updated]);
      return { added, updated };
    },
    'media.download': async ({ ids, mode }) => ({ jobs: await media.worker.enqueue(ids, mode) }),
    'media.list': async () => ({ jobs: await media.worker.list() }),
    'media.cancel': async ({ ids }) => ({ jobs: await media.worker.cancel(ids) }),
    'media.clearFinished': async () => ({ removed: await media.worker.clearFinished() }),
    'media.share': ({ id }) => media.worker.share(id),
    'media.unpublish': async ({ id }) => ({ item: await media.worker.unpublishItem(id) }),
    'media.confirmHost': async ({ host }) => {
      const clean = normalizeHost(host);
      if (clean === null) throw new SoraError('bad_request', 'Not a host name.', { local: true });
      const { trustedMediaHosts } = await loadSettings();
      if (!trustedMediaHosts.includes(clean))
        await saveSettings({ trustedMediaHosts: [...trustedMediaHosts, clean] });
      return { jobs: await media.worker.hostConfirmed(clean) };
    },
    'media.publishAgain': async ({ ids }) => ({ jobs: await media.worker.publishAgain(ids) }),
    'posts.list': async () => ({ posts: await media.worker.listPosts() }),
    'posts.delete': async ({ id }) => ({ posts: await media.worker.deleteRecordedPost(id) }),
  } satisfies PartialHandlers;

  return { handlers, media };
}

/** The weekly History copy: its alarm exists while the setting is on. */
function createAutoExport() {
  const sync = async () => {
    const { autoExport } = await loadSettings();
    if (!autoExport) {
      await browser.alarms.clear(AUTO_EXPORT_ALARM);
      return;
    }
    if (!(await browser.alarms.get(AUTO_EXPORT_ALARM)))
      await browser.alarms.create(AUTO_EXPORT_ALARM, {
        periodInMinutes: AUTO_EXPORT_CHECK_MINUTES,
        delayInMinutes: 1,
      });
  };
  const exportIfDue = async () => {
    const settings = await loadSettings();
    if (!settings.autoExport) return;
    const last = await autoExportAtItem.getValue();
    if (!autoExportDue(typeof last === 'number' ? last : null, Date.now())) return;
    await runAutoExport(
      {
        db: getDb,
        now: Date.now,
        save: async (filename, text) => {
          await browser.downloads.download({
            url: textFileUrl(text, 'application/json'),
            filename,
            conflictAction: 'uniquify',
            saveAs: false,
          });
        },
      },
      settings.downloadFolder,
    );
    await autoExportAtItem.setValue(Date.now());
  };
  return {
    onAlarm: () =>
      void exportIfDue().catch((e: unknown) =>
        console.warn('history export', e instanceof Error ? e.message : e),
      ),
    start(): void {
      onSettingsChanged(() => void sync().catch(() => {}));
      void sync().catch(() => {});
    },
  };
}

/**
 * History, downloads and the weekly copy. Downloads have no `wake`: they go on at each worker start, on
 * download events and on their alarm, and the requests that change them start the work themselves.
 */
export const historyFeature = defineFeature((ctx) => {
  const { handlers, media } = createHistoryBackground(ctx.http, ctx.services.waits);
  const autoExport = createAutoExport();
  return {
    handlers,
    events: ['history.changed', 'history.importProgress', 'media.changed', 'posts.changed'],
    alarms: { ...media.alarms, [AUTO_EXPORT_ALARM]: autoExport.onAlarm },
    start() {
      media.register();
      autoExport.start();
    },
  };
});
