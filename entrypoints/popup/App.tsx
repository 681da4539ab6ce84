import { useEffect } from 'preact/hooks';
import { openSidePanel, prepareSidePanel } from '../../components/openSidePanel';
import { QuotaCard } from '../../components/QuotaCard';
import { t } from '../../lib/i18n';
import { useAccount } from '../../lib/stores/account';

export function App() {
  const { snapshot, refreshing, start, refresh } = useAccount();
  useEffect(() => start(), [start]);
  useEffect(prepareSidePanel, []);
  return (
    <main class="popup">
      <header class="popup-header">
        <h1>{t('app.name')}</h1>
      </header>
      <QuotaCard snapshot={snapshot} refreshing={refreshing} onRefresh={() => void refresh()} />
      <footer class="popup-footer">
        <button type="button" class="btn" onClick={() => void openSidePanel().then(() => window.close())}>
          {t('popup.openSidePanel')}
        </button>
      </footer>
    </main>
  );
}
