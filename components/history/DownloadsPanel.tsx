import { useState } from 'preact/hooks';
import type { DownloadJob, DownloadState } from '../../lib/db/download-record';
import { errorText, type MessageKey, t } from '../../lib/i18n';
import { fellBackToOriginal, fileSourceOf, isFinalDownload } from '../../lib/media/model';
import { postUrl } from '../../lib/sora/config';
import { useHistory } from '../../lib/stores/history';
import { ConfirmDialog } from '../storyboard/ConfirmDialog';
import { fileSourceKey } from './fileSource';

const STATE_LABEL: Record<DownloadState, MessageKey> = {
  queued: 'history.dl.queued',
  publishing: 'history.dl.publishing',
  resolving: 'history.dl.resolving',
  downloading: 'history.dl.downloading',
  unpublishing: 'history.dl.unpublishing',
  done: 'history.dl.done',
  no_clean: 'history.dl.noClean',
  failed: 'history.dl.failed',
  canceled: 'history.dl.canceled',
  unsure: 'history.dl.unsure',
};

const OWN_ERRORS: Partial<Record<string, MessageKey>> = {
  no_clean_source: 'history.err.noClean',
  download_failed: 'history.err.download',
  item_missing: 'history.err.itemMissing',
  parse_service: 'history.err.parseService',
  foreign_host: 'history.err.foreignHost',
  host_unconfirmed: 'history.err.hostUnconfirmed',
  publish_unsure: 'history.err.publishUnsure',
};

/** Our own codes in the user's language (with the detail), Sora's through the shared error texts. */
export function downloadErrorText(error: { code: string; message: string; host?: string }): string {
  const key = OWN_ERRORS[error.code];
  return key
    ? t(key, { message: error.message, host: error.host ?? '' })
    : errorText({ code: error.code as never, message: error.message });
}

/** Rows listed at most; the progress bar counts them all. */
const MAX_ROWS = 12;

function jobLine(job: DownloadJob): string {
  if (job.state === 'downloading' && job.totalBytes) {
    const pct = Math.round(((job.bytesReceived ?? 0) / job.totalBytes) * 100);
    return t('history.dl.downloadingPct', { pct });
  }
  return t(STATE_LABEL[job.state]);
}

/**
 * Download jobs: overall progress, which file each saved (and from where), what needs the user (no clean
 * file, a clean download that saved the watermarked original, failures, kept links), cancel.
 */
export function DownloadsPanel() {
  const downloads = useHistory((s) => s.downloads);
  const items = useHistory((s) => s.items);
  const { download, cancelDownloads, clearDownloads, confirmHost, publishAgain } = useHistory.getState();
  /** The host whose confirmation dialog is open. */
  const [asking, setAsking] = useState<string | null>(null);
  const jobs = Object.values(downloads).sort((a, b) => b.createdAt - a.createdAt || a.index - b.index);
  if (jobs.length === 0) return null;
  const finished = jobs.filter((j) => isFinalDownload(j.state)).length;
  const open = jobs.length - finished;
  const fellBack = jobs.filter((j) => j.state === 'done' && fellBackToOriginal(j)).length;
  const shown = jobs.slice(0, MAX_ROWS);
  const promptOf = (job: DownloadJob) => items[job.itemId]?.prompt || job.itemId;
  const sourceOf = (job: DownloadJob) => {
    const kind = items[job.itemId]?.kind ?? 'video';
    const key = fileSourceKey(fileSourceOf(job.source), fellBackToOriginal(job), kind);
    return key ? t(key) : null;
  };
  return (
    <section class="card hdownloads" aria-labelledby="hdl-title" data-testid="history-downloads">
      <div class="hdl-head">
        <h2 id="hdl-title">{t('history.dl.title')}</h2>
        <span class="muted small" aria-live="polite" data-testid="history-dl-count">
          {t('history.dl.progress', { done: finished, total: jobs.length })}
        </span>
      </div>
      <div
        class="hdl-bar"
        role="progressbar"
        aria-label={t('history.dl.title')}
        aria-valuemin={0}
        aria-valuemax={jobs.length}
        aria-valuenow={finished}
      >
        <span class="hdl-fill" style={{ width: `${(finished / jobs.length) * 100}%` }} />
      </div>
      {fellBack > 0 && (
        <p class="notice notice-warn" role="status" data-testid="history-dl-fellback">
          {t('history.dl.fellBackCount', { count: fellBack })}
        </p>
      )}
      <ul class="hdl-list">
        {shown.map((job) => (
          <li key={job.id} class="hdl-row" data-state={job.state} data-testid="history-dl-row">
            <span class="hdl-prompt" dir="auto">
              {promptOf(job)}
            </span>
            <span class="hdl-state">{jobLine(job)}</span>
            {job.state === 'done' && sourceOf(job) && (
              <span
                class="hdl-source small"
                data-fellback={fellBackToOriginal(job)}
                data-testid="history-dl-source"
              >
                {sourceOf(job)}
              </span>
            )}
            {/* An open job shows why it is waiting or retrying (logged out, daily limit…). */}
            {job.lastError && job.state !== 'done' && job.state !== 'canceled' && (
              <span class="hdl-error small">{downloadErrorText(job.lastError)}</span>
            )}
            {job.postLeftPublished && job.postId && (
              <span class="hdl-error small">{t('history.dl.postLeft', { url: postUrl(job.postId) })}</span>
            )}
            {job.postMaybeLeft && (
              <span class="hdl-error small" data-testid="history-dl-maybe-left">
                {t('history.dl.postMaybeLeft')}
              </span>
            )}
            <span class="hdl-actions">
              {!isFinalDownload(job.state) && (
                <button
                  type="button"
                  class="btn"
                  aria-label={t('history.dl.cancelOf', { prompt: promptOf(job).slice(0, 60) })}
                  onClick={() => void cancelDownloads([job.id])}
                >
                  {t('job.cancel')}
                </button>
              )}
              {job.state === 'unsure' && (
                <button
                  type="button"
                  class="btn"
                  data-testid="history-dl-publish-again"
                  aria-label={t('history.dl.publishAgainOf', { prompt: promptOf(job).slice(0, 60) })}
                  onClick={() => void publishAgain([job.id])}
                >
                  {t('history.dl.publishAgain')}
                </button>
              )}
              {job.state === 'no_clean' && (
                <button
                  type="button"
                  class="btn"
                  data-testid="history-dl-original"
                  onClick={() => void download([job.itemId], 'original')}
                >
                  {t('history.dl.takeOriginal')}
                </button>
              )}
              {job.lastError?.code === 'host_unconfirmed' &&
                job.lastError.host &&
                !isFinalDownload(job.state) && (
                  <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="history-dl-confirm-host"
                    onClick={() => setAsking(job.lastError?.host ?? null)}
                  >
                    {t('history.dl.confirmHost', { host: job.lastError.host })}
                  </button>
                )}
              {job.state === 'failed' && (
                <button type="button" class="btn" onClick={() => void download([job.itemId], job.mode)}>
                  {t('common.retry')}
                </button>
              )}
              {job.state === 'done' && job.keepPublished && job.postId && (
                <button
                  type="button"
                  class="btn"
                  onClick={() => void navigator.clipboard.writeText(postUrl(job.postId as string))}
                >
                  {t('history.copyShareLink')}
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
      {open === 0 && (
        <button type="button" class="btn" onClick={() => void clearDownloads()}>
          {t('queue.clearFinished')}
        </button>
      )}
      {asking !== null && (
        <ConfirmDialog
          title={t('history.dl.confirmHostTitle', { host: asking })}
          body={t('history.dl.confirmHostBody', { host: asking })}
          confirm={t('history.dl.confirmHostYes')}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const host = asking;
            setAsking(null);
            void confirmHost(host);
          }}
        />
      )}
    </section>
  );
}
