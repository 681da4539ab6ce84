import { t } from '../../lib/i18n';
import { estimatedCost } from '../../lib/sora/quota';
import { framesFor, type StoryboardLength } from '../../lib/storyboard';
import { controlFor, secs, type ViewIssue } from './issues';

interface Props {
  issues: readonly ViewIssue[];
  shotIds: readonly string[];
  lengthS: StoryboardLength;
  shotCount: number;
  busy: boolean;
  onSubmit(): void;
  /** Pressed while blocked: every problem should now show beside its field. */
  onBlocked(): void;
}

/**
 * The send button and why it cannot be pressed yet. It stays focusable while blocked (aria-disabled) so
 * keyboard and screen-reader users reach the reason; pressing it then moves focus to the first problem.
 */
export function SubmitBar({ issues, shotIds, lengthS, shotCount, busy, onSubmit, onBlocked }: Props) {
  const blocker = issues[0] ?? null;
  const blocked = blocker !== null || busy;
  return (
    <div class="submit-bar sb-submit">
      <p class="small" data-testid="sb-summary">
        {t('storyboard.submit.summary', {
          length: secs(lengthS),
          count: shotCount,
          cost: estimatedCost(framesFor(lengthS)),
        })}
      </p>
      <button
        type="button"
        class="btn btn-primary"
        data-testid="sb-submit"
        aria-disabled={blocked ? 'true' : undefined}
        aria-describedby={blocker ? 'sb-blocked' : undefined}
        onClick={() => {
          if (busy) return;
          if (blocker) {
            onBlocked();
            const id = controlFor(blocker, shotIds);
            if (id) document.getElementById(id)?.focus();
            return;
          }
          onSubmit();
        }}
      >
        {busy ? t('storyboard.submit.sending') : t('storyboard.submit.button')}
      </button>
      {blocker && (
        <p id="sb-blocked" class="muted small" data-testid="sb-blocked">
          {t('storyboard.submit.blocked', { reason: blocker.text })}
          {issues.length > 1 && ` ${t('storyboard.submit.more', { count: issues.length - 1 })}`}
        </p>
      )}
    </div>
  );
}
