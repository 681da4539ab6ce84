import { memo } from 'preact/compat';
import type { StoryboardRequest } from '../../lib/db/job-record';
import { t } from '../../lib/i18n';
import { isFinal, isWaiting } from '../../lib/jobs/states';
import { useJobs } from '../../lib/stores/jobs';
import { openInStoryboard } from '../../lib/stores/storyboard';
import { JobHead } from './JobHead';
import { JobProgress } from './JobProgress';
import { JobResult } from './JobResult';
import { jobErrorText, jobStateText, shortPrompt } from './jobText';

/**
 * One job. It selects its own record, so a progress event re-renders this row only; memo keeps the list's
 * re-render (a job added or removed) from touching the other rows.
 */
export const JobRow = memo(function JobRow({ id }: { id: string }) {
  const job = useJobs((s) => s.jobs[id]);
  if (!job) return null;
  // Actions never change: read them when clicked instead of subscribing each row to them.
  const { cancel, retry, move, sendAgain } = useJobs.getState();
  const mayExist = job.state === 'submitting' && job.awaitingUser === true;
  const prompt = job.request.prompt;
  const name = shortPrompt(prompt);
  const error = job.lastError;
  return (
    <li
      class="job"
      data-testid="job-row"
      data-state={job.state}
      data-kind={job.kind}
      data-job-id={job.id}
      data-may-exist={mayExist ? 'true' : undefined}
    >
      <JobHead job={job} />
      {job.request.kind === 'extend' && (
        <p class="job-note muted small" data-testid="job-extends">
          {t('job.extensionOf', {
            source: shortPrompt(job.request.sourceLabel ?? '') || job.request.sourceGenerationId,
            seconds: job.request.extensionSeconds,
          })}
        </p>
      )}
      <div class="job-status">
        <span class="job-state" data-testid="job-state">
          {jobStateText(job)}
        </span>
        <JobProgress job={job} label={t('job.progressOf', { prompt: name })} />
      </div>
      {error && job.state === 'failed' && (
        <p class="job-error" data-testid="job-error" data-error-code={error.code}>
          {jobErrorText(error)}
        </p>
      )}
      {mayExist && (
        <p class="job-note small" data-testid="job-may-exist">
          {t('job.mayExist.note')}
        </p>
      )}
      {/* Sora not answering is said once, by the banner at the top, not again on every row. */}
      {error &&
        !isFinal(job.state) &&
        job.attempts > 0 &&
        !mayExist &&
        error.code !== 'service_unavailable' && (
          <p class="job-note muted small">{t('job.retrying', { error: jobErrorText(error) })}</p>
        )}
      <JobResult job={job} prompt={name} />
      <div class="job-actions">
        {isWaiting(job.state) && (
          <>
            <button
              type="button"
              class="btn btn-icon"
              aria-label={t('job.moveUpOf', { prompt: name })}
              title={t('job.moveUpOf', { prompt: name })}
              onClick={() => void move(job.id, 'up')}
            >
              <span aria-hidden="true">↑</span>
            </button>
            <button
              type="button"
              class="btn btn-icon"
              aria-label={t('job.moveDownOf', { prompt: name })}
              title={t('job.moveDownOf', { prompt: name })}
              onClick={() => void move(job.id, 'down')}
            >
              <span aria-hidden="true">↓</span>
            </button>
          </>
        )}
        {mayExist && (
          <>
            <button
              type="button"
              class="btn btn-primary"
              aria-label={t('job.sendAgainOf', { prompt: name })}
              onClick={() => void sendAgain(job.id)}
            >
              {t('job.sendAgain')}
            </button>
            <button
              type="button"
              class="btn"
              aria-label={t('job.dropOf', { prompt: name })}
              onClick={() => void cancel(job.id)}
            >
              {t('job.drop')}
            </button>
          </>
        )}
        {!isFinal(job.state) && !mayExist && (
          <button
            type="button"
            class="btn"
            aria-label={t('job.cancelOf', { prompt: name })}
            onClick={() => void cancel(job.id)}
          >
            {t('job.cancel')}
          </button>
        )}
        {(job.state === 'failed' || job.state === 'canceled') && (
          <button
            type="button"
            class="btn"
            aria-label={t('job.retryOf', { prompt: name })}
            onClick={() => void retry(job.id)}
          >
            {t('job.retry')}
          </button>
        )}
        {job.state === 'done' && job.request.kind === 'storyboard' && (
          <OpenInStoryboard request={job.request} fallbackName={name} />
        )}
      </div>
    </li>
  );
});

/** A finished storyboard back in the editor, with the format it was made with. */
function OpenInStoryboard({
  request: r,
  fallbackName,
}: {
  request: StoryboardRequest;
  fallbackName: string;
}) {
  const { orientation, model, size, styleId } = r;
  return (
    <button
      type="button"
      class="btn"
      aria-label={t('storyboard.openInOf', { prompt: r.title ?? fallbackName })}
      onClick={() => void openInStoryboard(r.prompt, r.nFrames, { orientation, model, size, styleId })}
    >
      {t('storyboard.openIn')}
    </button>
  );
}
