import { useEffect, useState } from 'preact/hooks';
import { QuotaCard } from '../../components/QuotaCard';
import { type MessageKey, t } from '../../lib/i18n';
import { useAccount } from '../../lib/stores/account';

type View = 'account';
const VIEWS: ReadonlyArray<{ id: View; label: MessageKey }> = [{ id: 'account', label: 'nav.account' }];

function AccountView() {
  const { snapshot, refreshing, refresh } = useAccount();
  return <QuotaCard snapshot={snapshot} refreshing={refreshing} onRefresh={() => void refresh()} />;
}

export function App() {
  const start = useAccount((s) => s.start);
  const [view, setView] = useState<View>('account');
  useEffect(() => start(), [start]);
  return (
    <div class="panel">
      <div class="panel-nav" role="tablist" aria-label={t('nav.label')}>
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            id={`tab-${v.id}`}
            aria-selected={view === v.id}
            aria-controls={`view-${v.id}`}
            onClick={() => setView(v.id)}
          >
            {t(v.label)}
          </button>
        ))}
      </div>
      <main class="panel-body" role="tabpanel" id={`view-${view}`} aria-labelledby={`tab-${view}`}>
        {view === 'account' && <AccountView />}
      </main>
    </div>
  );
}
