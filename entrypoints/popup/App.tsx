import { useEffect } from 'preact/hooks';
import { QuickPrompt } from '../../components/create/QuickPrompt';
import { openSidePanel, prepareSidePanel } from '../../components/openSidePanel';
import { QuotaCard } from '../../components/QuotaCard';
import { RunningJobs } from '../../components/queue/RunningJobs';
import { ServiceBanner } from '../../components/ServiceBanner';
import { t } from '../../lib/i18n/popup';
import { useAccount } from '../../lib/stores/account';
import { ACTIVE_STATES, useJobs } from '../../lib/stores/jobs';

export function App() {
  const { snapshot, refreshing, start, refresh } = useAccount();
  const startJobs = useJobs((s) => s.start);
  useEffect(() => start(), [start]);
  // Only what RunningJobs shows: a long finished queue is not read, copied and sent to the popup.
  useEffect(() => startJobs({ states: ACTIVE_STATES }), [startJobs]);
  useEffect(prepareSidePanel, []);
  return (
    <main class="popup">
      <header class="popup-header">
        <h1>{t('app.name')}</h1>
      </header>
      <ServiceBanner />
      <QuotaCard snapshot={snapshot} refreshing={refreshing} onRefresh={() => void refresh()} />
      <RunningJobs />
      {snapshot?.status !== 'logged_out' && <QuickPrompt />}
      <footer class="popup-footer">
        <button type="button" class="btn" onClick={() => void openSidePanel().then(() => window.close())}>
          {t('popup.openSidePanel')}
        </button>
      </footer>
    </main>
  );
}
