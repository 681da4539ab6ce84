import type { BatchPlan } from '../../lib/create/build';
import { issueText } from '../../lib/create/messages';
import type { Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';

function countLine(plan: BatchPlan): string {
  const { total, counts } = plan;
  if (total === 0) return t('create.summary.none');
  const kinds = (['video', 'image', 'remix'] as const).filter((k) => counts[k] > 0);
  if (kinds.length > 1) {
    const detail = kinds.map((k) => `${t(`job.kind.${k}`)} ${counts[k]}`).join(' · ');
    return t('create.summary.mixed', { count: total, detail });
  }
  const kind = kinds[0] ?? 'video';
  return t(`create.summary.${kind}`, { count: total });
}

interface Props {
  plan: BatchPlan;
  /** The first thing that stops the batch, if any. */
  blocker: Issue | null;
  busy: boolean;
  done: number | null;
  onShowQueue(): void;
}

/**
 * The live count, the button, and why it cannot be pressed yet. The button stays focusable when blocked
 * (aria-disabled) so keyboard and screen-reader users reach the reason.
 */
export function SubmitBar({ plan, blocker, busy, done, onShowQueue }: Props) {
  const blocked = blocker !== null || busy;
  return (
    <div class="submit-bar">
      <p class="create-summary" data-testid="create-summary" aria-live="polite">
        {countLine(plan)}
        {plan.total > plan.prompts && plan.prompts > 0 && (
          <span class="muted small" data-testid="create-expansion">
            {' '}
            {t('create.summary.expanded', { prompts: plan.prompts, count: plan.total })}
          </span>
        )}
      </p>
      <button
        type="submit"
        class="btn btn-primary"
        aria-disabled={blocked ? 'true' : undefined}
        aria-describedby={blocker ? 'create-blocked' : undefined}
      >
        {busy ? t('create.submitting') : t('create.submit')}
      </button>
      {blocker && (
        <p id="create-blocked" class="muted small" data-testid="create-blocked">
          {t('create.blocked', { reason: issueText(blocker) })}
        </p>
      )}
      {done !== null && (
        <div class="notice notice-ok create-done" role="status" data-testid="create-done">
          <p>{t('create.done', { count: done })}</p>
          <button type="button" class="btn-link" onClick={onShowQueue}>
            {t('create.openQueue')}
          </button>
        </div>
      )}
    </div>
  );
}
