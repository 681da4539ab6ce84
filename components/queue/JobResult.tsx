import type { Job } from '../../lib/db/job-record';
import { t } from '../../lib/i18n';
import { httpsHostOf, isSoraMediaUrl, safePreviewSrc } from '../../lib/sora/media-hosts';

/** Thumbnails of a finished job, each a link to the full result (opened by the browser, never buffered). */
export function JobResult({ job, prompt }: { job: Job; prompt: string }) {
  const generations = job.result?.generations ?? [];
  if (job.state !== 'done' || generations.length === 0) return null;
  return (
    <div class="job-results">
      {generations.map((g) => {
        const thumb = safePreviewSrc(g.thumbnailUrl ?? (job.kind === 'image' ? g.url : undefined));
        // A result off Sora's media host is neither linked nor previewed.
        if (!isSoraMediaUrl(g.url)) {
          return (
            <span key={g.generationId} class="muted small" data-testid="job-result-hidden">
              {t('history.previewHidden', { host: httpsHostOf(g.url) ?? '?' })}
            </span>
          );
        }
        return (
          <a
            key={g.generationId}
            class="job-result"
            href={g.url}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={t('job.resultOf', { prompt })}
            data-testid="job-result"
          >
            {thumb ? (
              <img src={thumb} alt="" loading="lazy" width={64} height={36} />
            ) : (
              <span aria-hidden="true">▶</span>
            )}
          </a>
        );
      })}
    </div>
  );
}
