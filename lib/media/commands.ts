/**
 * What the user asks of the download jobs: a new batch, cancel, publish again, a confirmed host. Each only
 * changes the stored jobs (through the state machine); ./worker.ts wakes the steps afterwards.
 */
import type { DownloadJob, DownloadMode } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import { isPublishable } from '../history/fields';
import { randomId } from '../util/id';
import type { MediaContext } from './context';
import { newDownloadJob } from './model';
import { addJobs, applyEvent, openJobs, readItem, readJob } from './repo';

export async function enqueueDownloads(
  ctx: MediaContext,
  itemIds: readonly string[],
  mode: DownloadMode,
): Promise<DownloadJob[]> {
  const settings = await ctx.deps.settings();
  const batchId = randomId('dlb');
  const t = ctx.now();
  // Refused or failed generations have no file: they are left out (and numbering skips them).
  const items = (await Promise.all(itemIds.map((id) => readItem(ctx, id)))).filter(
    (it): it is HistoryItem => it !== undefined && it.status === 'ready',
  );
  const jobs = items.map((it, i) =>
    newDownloadJob({
      id: randomId('dl'),
      itemId: it.id,
      batchId,
      index: i + 1,
      total: items.length,
      // Images are never posts: they always take the file as Sora serves it.
      mode: isPublishable(it) ? mode : 'original',
      keepPublished: settings.keepPublished,
      sidecar: settings.sidecar,
      now: t,
    }),
  );
  await addJobs(ctx, jobs);
  return jobs;
}

/** Cancels the jobs (a running browser download too); the ones that changed. */
export async function cancelDownloads(ctx: MediaContext, ids: readonly string[]): Promise<DownloadJob[]> {
  const out: DownloadJob[] = [];
  for (const id of ids) {
    const before = await readJob(ctx, id);
    const next = await applyEvent(ctx, id, { type: 'cancel' });
    if (!next) continue;
    out.push(next);
    if (before?.state === 'downloading' && before.downloadId !== null) {
      await ctx.deps.downloads.cancel(before.downloadId).catch(() => {});
    }
  }
  return out;
}

/**
 * The user confirmed a parse-service host (already saved in settings): the jobs waiting on it go on now
 * instead of at their next look.
 */
export async function wakeJobsOnHost(ctx: MediaContext, host: string): Promise<DownloadJob[]> {
  const woken: DownloadJob[] = [];
  for (const job of await openJobs(ctx)) {
    if (job.lastError?.code !== 'host_unconfirmed' || job.lastError.host !== host) continue;
    const { at: _at, ...error } = job.lastError;
    const next = await applyEvent(ctx, job.id, { type: 'wait', delayMs: 0, error });
    if (next) woken.push(next);
  }
  return woken;
}

/** The user chose to publish again the downloads that could not tell whether their publish went out. */
export async function publishAgain(ctx: MediaContext, ids: readonly string[]): Promise<DownloadJob[]> {
  const out: DownloadJob[] = [];
  for (const id of ids) {
    const next = await applyEvent(ctx, id, { type: 'publishAgain' });
    if (next) out.push(next);
  }
  return out;
}
