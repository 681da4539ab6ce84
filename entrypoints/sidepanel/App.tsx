import { useEffect, useState } from 'preact/hooks';
import { afterPaint } from '../../components/panel/afterPaint';
import { PanelTabs } from '../../components/panel/PanelTabs';
import { useViewRequests } from '../../components/panel/useViewRequests';
import { useViews } from '../../components/panel/useViews';
import { FIRST_VIEW, VIEWS, type View } from '../../components/panel/views';
import { ServiceBanner } from '../../components/ServiceBanner';
import { t } from '../../lib/i18n';
import { useAccount } from '../../lib/stores/account';
import { useIntent } from '../../lib/stores/intent';
import { useJobs } from '../../lib/stores/jobs';

// The database's notices open IndexedDB before they can say anything: their code follows the first paint.
const StorageNotice = afterPaint(() =>
  import('../../components/StorageNotice').then(({ StorageNotice }) => StorageNotice),
);

export function App() {
  const start = useAccount((s) => s.start);
  const startJobs = useJobs((s) => s.start);
  const [view, setView] = useState<View>(FIRST_VIEW);
  // Views stay mounted once opened, so a half-written batch survives a look at the queue.
  const [visited, setVisited] = useState<ReadonlySet<View>>(() => new Set([FIRST_VIEW]));
  const views = useViews();
  // "Open in storyboard" and "Make a character from this video" ask for their views through their stores.
  const followRequests = useViewRequests((next) => show(next));
  useEffect(() => start(), [start]);
  useEffect(() => startJobs(), [startJobs]);
  const show = (next: View) => {
    views.request(next);
    if (next !== FIRST_VIEW) followRequests();
    setView(next);
    setVisited((v) => (v.has(next) ? v : new Set([...v, next])));
  };
  // "Remix this" from a Sora page: follow stored intents and bring the Create view forward for each.
  const startIntent = useIntent((s) => s.start);
  const remixIntent = useIntent((s) => s.intent);
  useEffect(() => startIntent(), [startIntent]);
  useEffect(() => {
    if (remixIntent) setView('create');
  }, [remixIntent]);
  return (
    <div class="panel">
      <PanelTabs view={view} onSelect={show} />
      <main class="panel-main">
        <ServiceBanner />
        <StorageNotice />
        {VIEWS.filter((v) => visited.has(v.id)).map((v) => {
          const Component = views.loaded[v.id];
          return (
            <div
              key={v.id}
              class="panel-body"
              role="tabpanel"
              id={`view-${v.id}`}
              aria-labelledby={`tab-${v.id}`}
              aria-busy={!Component && !views.failed.has(v.id)}
              hidden={view !== v.id}
            >
              {Component ? (
                <Component show={show} />
              ) : views.failed.has(v.id) ? (
                <p role="alert">{t('nav.loadFailed')}</p>
              ) : null}
            </div>
          );
        })}
      </main>
    </div>
  );
}
