import type { Job } from '../../lib/db/job-record';

/**
 * The bar of an open job: the task's own progress while Sora reports it, indeterminate (no value) while
 * it is being sent, starting, or fetched.
 */
export function JobProgress({ job, label }: { job: Job; label: string }) {
  if (job.state === 'queued' || job.state === 'paused') return null;
  if (job.state === 'done') return <progress class="job-progress" value={1} max={1} aria-label={label} />;
  if (job.state === 'failed' || job.state === 'canceled') return null;
  const value = job.state === 'running' && job.progress !== null ? job.progress : undefined;
  return <progress class="job-progress" max={1} value={value} aria-label={label} />;
}
