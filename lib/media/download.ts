/**
 * The `downloading` step: hand the URL to the browser's download manager under the templated name, follow
 * it, and once saved note it on the history item and save the sidecar. Files never pass through the
 * extension. `downloadRequestedAt` is stored before the browser is asked, so a stopped worker's download
 * is adopted rather than started twice.
 */
import type { DownloadJob } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import { buildFilename, extensionFromUrl, withExtension } from '../history/filename';
import { checkMediaUrl } from '../sora/media-hosts';
import type { DownloadItemLike, MediaContext } from './context';
import { errorOf, foreignHost } from './errors';
import { type DownloadEvent, fellBackToOriginal, fileSourceOf, isCleanSource, retryDelayMs } from './model';
import { applyEvent, patchItem, readItem } from './repo';
import { sidecarText, textFileUrl } from './sidecar';

/** Interruptions that mean the URL no longer works (expired signature, gone). */
const URL_ERRORS = ['SERVER_FORBIDDEN', 'SERVER_BAD_CONTENT', 'SERVER_UNAUTHORIZED', 'SERVER_FAILED'];

const basename = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** The step's event, or null when there is nothing to record (still running, or the job moved on). */
export async function downloadStep(ctx: MediaContext, job: DownloadJob): Promise<DownloadEvent | null> {
  const url = job.sourceUrl as string;
  let downloadId = job.downloadId;
  if (downloadId === null && job.downloadRequestedAt !== null) {
    // A former life asked the browser and stopped before saving the id: adopt that download.
    const since = job.downloadRequestedAt - 2000;
    const found = (await ctx.deps.downloads.search({ url })).find((d) => Date.parse(d.startTime) >= since);
    if (found) {
      downloadId = found.id;
      await applyEvent(ctx, job.id, { type: 'downloadStarted', downloadId });
    }
  }
  if (downloadId === null) {
    // The last gate before the browser requests the file (a job stored by an older build included).
    const confirmed = job.source === 'parse_service' ? (await ctx.deps.settings()).trustedMediaHosts : [];
    if (!checkMediaUrl(url, confirmed).ok) return foreignHost(url);
    const it = await readItem(ctx, job.itemId);
    if (!it)
      return {
        type: 'fail',
        error: { code: 'item_missing', message: 'The item is no longer in history.' },
      };
    const filename = await filenameFor(ctx, job, it);
    if ((await applyEvent(ctx, job.id, { type: 'downloadRequested', filename })) === null) return null;
    try {
      downloadId = await ctx.deps.downloads.download({
        url,
        filename,
        conflictAction: 'uniquify',
        saveAs: false,
      });
    } catch (e) {
      return { type: 'fail', error: { code: 'download_failed', message: errorOf(e).message } };
    }
    const started = await applyEvent(ctx, job.id, { type: 'downloadStarted', downloadId });
    if (started === null) return null;
    job = started;
  }
  const [d] = await ctx.deps.downloads.search({ id: downloadId });
  if (!d)
    return {
      type: 'retry',
      delayMs: 0,
      error: { code: 'download_failed', message: 'The download disappeared.' },
    };
  if (d.state === 'complete') return finishDownload(ctx, job, d);
  if (d.state === 'interrupted') {
    const reason = d.error ?? 'interrupted';
    if (reason === 'USER_CANCELED') return { type: 'cancel' };
    if (URL_ERRORS.includes(reason))
      return { type: 'urlExpired', message: `The file URL stopped working (${reason}).` };
    return {
      type: 'retry',
      delayMs: retryDelayMs(job.attempts + 1, ctx.random),
      error: { code: 'download_failed', message: reason },
    };
  }
  const total = d.totalBytes > 0 ? d.totalBytes : null;
  await applyEvent(ctx, job.id, { type: 'progress', bytesReceived: d.bytesReceived, totalBytes: total });
  // Still running: `downloads.onChanged` (or the alarm) wakes the worker again.
  return null;
}

/** The relative path asked of the browser: the user's template and folder (lib/history/filename.ts). */
async function filenameFor(ctx: MediaContext, job: DownloadJob, it: HistoryItem): Promise<string> {
  const settings = await ctx.deps.settings();
  const fallback = it.kind === 'image' ? '.png' : '.mp4';
  const extension = extensionFromUrl(job.mode === 'original' ? (job.sourceUrl ?? it.url) : it.url, fallback);
  return buildFilename(
    {
      id: it.id,
      kind: it.kind,
      prompt: it.prompt,
      createdAt: it.createdAt,
      orientation: it.orientation ?? (it.params.orientation as string | undefined),
      index: job.index,
      total: job.total,
    },
    { template: settings.filenameTemplate, folder: settings.downloadFolder, extension },
  );
}

async function finishDownload(
  ctx: MediaContext,
  job: DownloadJob,
  d: DownloadItemLike,
): Promise<DownloadEvent> {
  const source = fileSourceOf(job.source);
  const fellBack = fellBackToOriginal(job);
  const savedAs = basename(d.filename || job.filename || '');
  await patchItem(ctx, job.itemId, {
    downloadedAt: ctx.now(),
    downloadedClean: isCleanSource(source),
    downloadedFile: savedAs,
    downloadedSource: source ?? undefined,
    downloadedFellBack: fellBack,
  });
  if (job.sidecar !== 'none' && job.filename) {
    const it = await readItem(ctx, job.itemId);
    const kept = job.postId && (job.postWasKept || job.keepPublished) ? job.postId : null;
    if (it) {
      const side = sidecarText(job.sidecar, it, { source, fellBack }, kept);
      await ctx.deps.downloads
        .download({
          url: (ctx.deps.textUrl ?? textFileUrl)(side.text, side.mime),
          filename: withExtension(job.filename, side.extension),
          conflictAction: 'uniquify',
          saveAs: false,
        })
        .catch((e: unknown) => console.warn('sidecar not saved', e instanceof Error ? e.message : e));
    }
  }
  return { type: 'downloaded', savedAs };
}
