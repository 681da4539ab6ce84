/**
 * The checks one prompt gets before anything is sent. Kept apart from the batch code so the popup's quick
 * prompt can use it without the importers.
 */
import { isBlankText, MAX_PROMPT_CHARS } from '../jobs/limits';
import type { Issue, IssueAt } from './types';

export { MAX_PROMPT_CHARS };

/** The popup shows these too, so their keys are popup strings. */
export type PromptIssue = Issue<'create.error.promptEmpty' | 'create.error.promptTooLong'>;

/** Empty or too long; null when the prompt can be sent. Emoji and right-to-left text are kept as typed. */
export function promptIssue(prompt: string, at?: IssueAt): PromptIssue | null {
  const s = prompt.trim();
  const where = at ? { at } : {};
  if (isBlankText(s)) return { field: 'prompt', key: 'create.error.promptEmpty', ...where };
  // Counted like the background counts (UTF-16 units), so a prompt that passes here passes there too.
  if (s.length > MAX_PROMPT_CHARS) {
    return {
      field: 'prompt',
      key: 'create.error.promptTooLong',
      params: { length: s.length, max: MAX_PROMPT_CHARS },
      ...where,
    };
  }
  return null;
}
