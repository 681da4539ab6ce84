import './queue.css';
import { useShallow } from 'zustand/react/shallow';
import { t } from '../../lib/i18n';
import { summarize, useJobs } from '../../lib/stores/jobs';
import { ErrorNotice } from '../ErrorNotice';
import { JobRow } from './JobRow';
import { PauseBanner } from './PauseBanner';

/** The counts the summary line shows, in its order. */
const GROUPS = ['running', 'queued', 'done', 'failed'] as const;

function QueueSummary() {
  const counts = useJobs(useShallow((s) => summarize(s.jobs)));
  return (
    <p class="queue-summary" aria-live="polite" data-testid="queue-summary">
      {GROUPS.map((group) => (
        <span key={group} data-testid={`count-${group}`} data-count={counts[group]}>
          {t(`queue.summary.${group}`, { count: counts[group] })}
        </span>
      ))}
    </p>
  );
}

function QueueToolbar() {
  const paused = useJobs((s) => s.status?.pause != null);
  const hasFinished = useJobs((s) =>
    s.ids.some((id) => ['done', 'failed', 'canceled'].includes(s.jobs[id]?.state ?? '')),
  );
  const { pause, resume, clearFinished } = useJobs(
    useShallow((s) => ({ pause: s.pause, resume: s.resume, clearFinished: s.clearFinished })),
  );
  return (
    <div class="queue-toolbar">
      {paused ? (
        <button type="button" class="btn" onClick={() => void resume()}>
          {t('queue.resume')}
        </button>
      ) : (
        <button type="button" class="btn" onClick={() => void pause()}>
          {t('queue.pause')}
        </button>
      )}
      <button type="button" class="btn" disabled={!hasFinished} onClick={() => void clearFinished()}>
        {t('queue.clearFinished')}
      </button>
    </div>
  );
}

function JobList() {
  const ids = useJobs((s) => s.ids);
  const loaded = useJobs((s) => s.loaded);
  if (!loaded) return <p class="muted">{t('common.loading')}</p>;
  if (ids.length === 0) return <p class="muted">{t('queue.empty')}</p>;
  return (
    <ol class="job-list" aria-label={t('queue.list')}>
      {ids.map((id) => (
        <JobRow key={id} id={id} />
      ))}
    </ol>
  );
}

export function QueueView() {
  const error = useJobs((s) => s.error);
  const hydrate = useJobs((s) => s.hydrate);
  return (
    <section class="queue" aria-label={t('nav.queue')}>
      <PauseBanner />
      <QueueSummary />
      <QueueToolbar />
      {error && <ErrorNotice error={error} onRetry={() => void hydrate()} />}
      <JobList />
    </section>
  );
}
