/**
 * Connects the publish-and-download worker (lib/media) to the browser: the downloads API, the HEAD check of
 * media URLs, the parse service, and the wake-ups (download events, a 30-second alarm while jobs are open,
 * and every service-worker start, which resumes whatever was in progress).
 */

import { browser } from 'wxt/browser';
import type { DownloadJob } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import { getDb } from '../db/schema';
import type { Resolver } from '../history/resolve';
import type { HistorySoraPort } from '../history/sora-port';
import type { DownloadItemLike, DownloadsApi, UrlCheck } from '../media/context';
import { askParseService } from '../media/parse-service';
import { createMediaWorker } from '../media/worker';
import { emit } from '../messaging/transport';
import { loadSettings } from '../settings';
import { isSoraMediaUrl } from '../sora/media-hosts';
import type { PatienceWaits } from '../util/patience';
import { persistedWorker } from './backstop';
import { mediaWaits } from './patience';

export const MEDIA_ALARM = 'media.downloads';
const HEAD_TIMEOUT_MS = 15_000;

/** One HEAD request: enough to learn that a signed URL expired, without reading the file. */
export async function checkMediaUrl(url: string): Promise<UrlCheck> {
  // Never a request to a host that is not Sora's media host (the worker checks too; this is the fetch).
  if (!isSoraMediaUrl(url)) return 'unknown';
  try {
    const res = await fetch(url, {
      method: 'HEAD',
      credentials: 'omit',
      signal: AbortSignal.timeout(HEAD_TIMEOUT_MS),
    });
    if (res.ok) return 'ok';
    return res.status === 403 || res.status === 404 || res.status === 410 ? 'dead' : 'unknown';
  } catch {
    return 'unknown';
  }
}

function browserDownloads(): DownloadsApi {
  return {
    download: (opts) => browser.downloads.download(opts),
    search: async (query) => (await browser.downloads.search(query)) as DownloadItemLike[],
    cancel: (id) => browser.downloads.cancel(id),
  };
}

export function createMediaBackground(deps: {
  sora: HistorySoraPort;
  resolver: Resolver;
  onItemsChanged(items: HistoryItem[]): void;
  waits: () => Promise<PatienceWaits>;
}) {
  const worker = createMediaWorker({
    db: getDb,
    sora: deps.sora,
    downloads: browserDownloads(),
    resolveItem: (id) => deps.resolver.resolve(id),
    checkUrl: checkMediaUrl,
    askParseService: (base, shareUrl) => askParseService((input, init) => fetch(input, init), base, shareUrl),
    settings: loadSettings,
    waits: mediaWaits(deps.waits),
    onJobsChanged: (jobs: DownloadJob[], removed: string[]) => {
      void emit('media.changed', { jobs, removed });
      runner.changed();
    },
    onItemsChanged: deps.onItemsChanged,
    onPostsChanged: (posts) => void emit('posts.changed', { posts }),
  });

  const runner = persistedWorker(MEDIA_ALARM, {
    label: 'downloads',
    tick: () => worker.tick(),
    // A download waiting for the user's decision (`unsure`) needs no wake-ups.
    isOpen: async () => (await worker.openJobs()).some((j) => j.state !== 'unsure'),
  });
  const { wake } = runner;

  return {
    worker,
    wake,
    alarms: runner.alarms,
    /** Registers the listeners (its alarm, MEDIA_ALARM, is the feature's); call synchronously in main(). */
    register(): void {
      browser.downloads.onChanged.addListener(wake);
      // Every start of the service worker continues what a stopped one left.
      wake();
    },
  };
}
