import { useShallow } from 'zustand/react/shallow';
import { t } from '../../lib/i18n/popup';
import { isActive, useJobs } from '../../lib/stores/jobs';
import { JobHead } from './JobHead';
import { JobProgress } from './JobProgress';
import { jobStateText, shortPrompt } from './jobText';
import './queue.css';

const SHOWN = 5;

function RunningJob({ id }: { id: string }) {
  const job = useJobs((s) => s.jobs[id]);
  if (!job) return null;
  const prompt = job.request.prompt;
  return (
    <li class="job job-mini" data-testid="running-job" data-state={job.state}>
      <JobHead job={job} />
      <div class="job-status">
        <span class="job-state">{jobStateText(job)}</span>
        <JobProgress job={job} label={t('job.progressOf', { prompt: shortPrompt(prompt) })} />
      </div>
    </li>
  );
}

/** The popup's short list: what is running now, the first few with progress, then "+N more". */
export function RunningJobs() {
  const ids = useJobs(useShallow((s) => s.ids.filter((id) => isActive(s.jobs[id]?.state ?? 'queued'))));
  if (ids.length === 0) return null;
  return (
    <section class="card running" aria-labelledby="running-title" data-testid="running-jobs">
      <h2 id="running-title">{t('popup.running')}</h2>
      <ul class="job-list">
        {ids.slice(0, SHOWN).map((id) => (
          <RunningJob key={id} id={id} />
        ))}
      </ul>
      {ids.length > SHOWN && (
        <p class="muted small" data-testid="running-more">
          {t('popup.more', { count: ids.length - SHOWN })}
        </p>
      )}
    </section>
  );
}
