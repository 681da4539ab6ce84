import { useEffect } from 'preact/hooks';
import { formatDate, formatTime, t } from '../lib/i18n/popup';
import type { ServiceSeen } from '../lib/sora/errors';
import { useAccount } from '../lib/stores/account';
import { useServiceStatus } from '../lib/stores/service';

/** "Today" shows the time only; older moments get their date too. */
function when(at: number, now: number): string {
  return new Date(at).toDateString() === new Date(now).toDateString()
    ? formatTime(at)
    : `${formatDate(at)} ${formatTime(at)}`;
}

function seenText(seen: ServiceSeen): string {
  const call = seen.what ?? 'sora.chatgpt.com';
  const status = seen.status === undefined ? '?' : String(seen.status);
  switch (seen.kind) {
    case 'html':
      return t('service.seen.html', { type: seen.contentType ?? 'text/html', status, call });
    case 'redirect':
      return seen.host
        ? t('service.seen.redirect', { host: seen.host, call })
        : t('service.seen.redirectHidden', { call });
    case 'unreachable':
      return t('service.seen.unreachable', { call });
    default:
      return t('service.seen.status', { status, call });
  }
}

/**
 * The one state for "sora.chatgpt.com answers with something that is not the Sora app" (NOTES.md
 * "Service status"), in the popup and the side panel: the sentence, what was seen, since when and when Sora
 * last answered. Distinct from logged out, offline, Cloudflare and a missing item, which keep their own
 * texts. "Check again" reads the account, which updates the record either way.
 */
export function ServiceBanner() {
  const status = useServiceStatus((s) => s.status);
  const start = useServiceStatus((s) => s.start);
  const refreshing = useAccount((s) => s.refreshing);
  const refresh = useAccount((s) => s.refresh);
  useEffect(() => start(), [start]);
  if (status?.state !== 'not_answering') return null;
  const now = Date.now();
  return (
    <section
      class="notice notice-warn service-banner"
      role="status"
      data-testid="service-status"
      data-seen={status.seen?.kind}
    >
      <p>
        <strong>{t('service.title')}</strong>
      </p>
      {status.seen && <p data-testid="service-seen">{seenText(status.seen)}</p>}
      <p class="small" data-testid="service-when">
        {status.since !== undefined && `${t('service.since', { time: when(status.since, now) })} `}
        {status.lastAnsweredAt !== undefined
          ? t('service.lastAnswered', { time: when(status.lastAnsweredAt, now) })
          : t('service.neverAnswered')}
      </p>
      <p class="small muted">{t('service.context')}</p>
      <div class="notice-actions">
        <button type="button" class="btn" onClick={() => void refresh()} disabled={refreshing}>
          {t('service.checkAgain')}
        </button>
      </div>
    </section>
  );
}
