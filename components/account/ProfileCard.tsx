import type { AccountSnapshot } from '../../lib/account/snapshot';
import { formatDate, formatDuration, formatTime, t } from '../../lib/i18n';
import { useNow } from '../useNow';

/** Who is logged in and what the subscription is; the videos-left figure stays in QuotaCard. */
export function ProfileCard({ snapshot }: { snapshot: AccountSnapshot }) {
  const now = useNow(30_000);
  const { plan, quota } = snapshot;
  const resetsAt = quota?.resetsAt;
  return (
    <section class="card" aria-labelledby="profile-title" data-testid="profile">
      <h2 id="profile-title">{t('accountView.profile')}</h2>
      <dl class="details">
        <dt>{t('accountView.name')}</dt>
        <dd data-testid="profile-name">{snapshot.name || t('accountView.notSet')}</dd>
        <dt>{t('accountView.username')}</dt>
        <dd data-testid="profile-username">{snapshot.username || t('accountView.notSet')}</dd>
        <dt>{t('accountView.email')}</dt>
        <dd data-testid="profile-email">{snapshot.email || t('accountView.notSet')}</dd>
        <dt>{t('accountView.subscription')}</dt>
        <dd data-testid="profile-plan">{plan ? plan.title : t('account.planFree')}</dd>
        {plan?.endsAt !== undefined && (
          <>
            <dt>{t('accountView.periodEnds')}</dt>
            <dd data-testid="profile-plan-ends">{formatDate(plan.endsAt)}</dd>
          </>
        )}
        {resetsAt !== undefined && resetsAt > now && (
          <>
            <dt>{t('accountView.allowanceResets')}</dt>
            <dd data-testid="profile-resets">
              {t('accountView.resetsAt', {
                time: formatDuration(resetsAt - now),
                clock: formatTime(resetsAt),
              })}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
