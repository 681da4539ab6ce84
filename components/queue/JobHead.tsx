import type { Job } from '../../lib/db/job-record';
import { kindText } from './jobText';

/** A job's kind and its whole prompt (cut by CSS, whole in the tooltip): the queue's rows and the popup's list. */
export function JobHead({ job }: { job: Job }) {
  const prompt = job.request.prompt;
  return (
    <div class="job-head">
      <span class="job-kind" data-kind={job.kind}>
        {kindText(job.kind)}
      </span>
      <span class="job-prompt" title={prompt}>
        {prompt}
      </span>
    </div>
  );
}
