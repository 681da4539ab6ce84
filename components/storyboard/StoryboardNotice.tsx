import { t } from '../../lib/i18n';
import { useStoryboard } from '../../lib/stores/storyboard';
import { ErrorNotice } from '../ErrorNotice';
import { parseErrorText } from './PasteDialog';

/** What the last action did (or why it failed), with a way to dismiss it. */
export function StoryboardNotice({ onShowQueue }: { onShowQueue(): void }) {
  const notice = useStoryboard((s) => s.notice);
  const dismiss = useStoryboard((s) => s.dismissNotice);
  if (!notice) return null;
  if (notice.kind === 'error') return <ErrorNotice error={notice.error} />;
  if (notice.kind === 'openFailed') {
    return (
      <div class="notice notice-error" role="alert" data-testid="sb-notice" data-kind={notice.kind}>
        <p>{t('storyboard.notice.openFailed', { reason: parseErrorText(notice.error) })}</p>
        <button type="button" class="btn" onClick={dismiss}>
          {t('storyboard.notice.dismiss')}
        </button>
      </div>
    );
  }
  const lines: string[] = [];
  if (notice.kind === 'queued') lines.push(t('storyboard.notice.queued'));
  if (notice.kind === 'opened') lines.push(t('storyboard.notice.opened'));
  const kept = notice.kind === 'kept' ? notice.name : notice.kind === 'opened' ? notice.kept : null;
  if (kept) lines.push(t('storyboard.notice.kept', { name: kept }));
  return (
    <div class="notice notice-ok sb-notice" role="status" data-testid="sb-notice" data-kind={notice.kind}>
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      <div class="notice-actions">
        {notice.kind === 'queued' && (
          <button type="button" class="btn-link" onClick={onShowQueue}>
            {t('storyboard.notice.openQueue')}
          </button>
        )}
        <button type="button" class="btn-link" onClick={dismiss}>
          {t('storyboard.notice.dismiss')}
        </button>
      </div>
    </div>
  );
}
