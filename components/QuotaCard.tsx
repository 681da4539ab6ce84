import type { AccountSnapshot } from '../lib/account/snapshot';
import { formatDate, formatDuration, formatTime, t } from '../lib/i18n/popup';
import { ErrorNotice } from './ErrorNotice';
import { openSora } from './openSora';
import { useNow } from './useNow';

interface Props {
  snapshot: AccountSnapshot | null;
  refreshing: boolean;
  onRefresh: () => void;
}

/** Account, plan and videos left, with every honest state: loading, logged out, error, stale. */
export function QuotaCard({ snapshot, refreshing, onRefresh }: Props) {
  const now = useNow(1000);
  if (!snapshot) {
    return (
      <section class="card" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </section>
    );
  }
  if (snapshot.status === 'logged_out') {
    return (
      <section class="card" aria-labelledby="logged-out-title" data-state="logged-out">
        <h2 id="logged-out-title">{t('auth.loggedOutTitle')}</h2>
        <p class="muted">{t('auth.loggedOutBody')}</p>
        <button type="button" class="btn btn-primary" onClick={() => openSora()}>
          {t('auth.logIn')}
        </button>
      </section>
    );
  }
  const { quota, plan, error } = snapshot;
  const limited = quota?.rateLimitReached || quota?.remaining === 0;
  return (
    <section class="card" aria-label={t('account.videosLeft')} data-state={snapshot.status}>
      {snapshot.email && (
        <p class="account-line">
          <span data-testid="email">{t('account.signedInAs', { email: snapshot.email })}</span>
        </p>
      )}
      {snapshot.status === 'ok' && (
        <dl class="figures">
          <div>
            <dt>{t('account.plan')}</dt>
            <dd data-testid="plan">
              {plan ? plan.title : t('account.planFree')}
              {plan?.endsAt && (
                <span class="muted small">
                  {' '}
                  · {t('account.planRenews', { date: formatDate(plan.endsAt) })}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('account.videosLeft')}</dt>
            <dd data-testid="videos-left" class={limited ? 'big warn' : 'big'}>
              {quota ? quota.remaining : '—'}
            </dd>
          </div>
        </dl>
      )}
      {limited && quota && (
        <p class="notice notice-warn" role="status" data-testid="reset-countdown">
          <strong>{t('account.limitReached')}</strong>{' '}
          {quota.resetsAt && quota.resetsAt > now
            ? t('account.resetsIn', { time: formatDuration(quota.resetsAt - now) })
            : t('account.resetsSoon')}
        </p>
      )}
      {/* Sora not answering is said once, by the ServiceBanner above the card. */}
      {error && error.code !== 'service_unavailable' && <ErrorNotice error={error} onRetry={onRefresh} />}
      <div class="card-footer">
        <span class="muted small" aria-live="polite">
          {refreshing
            ? t('common.refreshing')
            : snapshot.fetchedAt
              ? t(error ? 'account.stale' : 'account.updated', { time: formatTime(snapshot.fetchedAt) })
              : ''}
        </span>
        <button
          type="button"
          class="btn btn-icon"
          onClick={onRefresh}
          disabled={refreshing}
          aria-label={t('common.refresh')}
          title={t('common.refresh')}
        >
          <span aria-hidden="true">↻</span>
        </button>
      </div>
    </section>
  );
}
