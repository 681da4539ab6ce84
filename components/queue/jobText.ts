/** Jobs in words: kind, state, errors, countdowns. */

import type { JobError, JobKind, JobState } from '../../lib/db/job-record';
import { errorText, t } from '../../lib/i18n/popup';

export const kindText = (kind: JobKind): string => t(`job.kind.${kind}`);
export const stateText = (state: JobState): string => t(`job.state.${state}`);

/** A job's state in words, "may already be on Sora" included (a flag on `submitting`). */
export const jobStateText = (job: { state: JobState; awaitingUser?: boolean }): string =>
  job.state === 'submitting' && job.awaitingUser === true ? t('job.mayExist') : stateText(job.state);

/** Sora's codes through the shared catalogue; the three the engine decides itself have their own words. */
export function jobErrorText(error: Pick<JobError, 'code' | 'message' | 'param'>): string {
  switch (error.code) {
    case 'task_failed':
    case 'result_missing':
    case 'input_missing':
      return t(`job.error.${error.code}`, { message: error.message });
    default:
      return errorText({ code: error.code, message: error.message, param: error.param });
  }
}

/** A prompt short enough for a button's accessible name (the full text is in the row's title). */
export function shortPrompt(prompt: string, max = 48): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // Cut on a code point boundary: an emoji split in half would show as garbage.
  return `${Array.from(flat).slice(0, max).join('').trimEnd()}…`;
}

/** "2 h 5 min", "4 min 09 s", "12 s": seconds show once under an hour, so the countdown visibly moves. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('time.hm', { h, m });
  if (m > 0) return t('time.ms', { m, s: String(s).padStart(2, '0') });
  return t('time.s', { s });
}
