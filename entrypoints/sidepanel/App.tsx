import { useEffect, useState } from 'preact/hooks';
import { AccountView } from '../../components/account/AccountView';
import { CharactersView } from '../../components/characters/CharactersView';
import { CreateView } from '../../components/create/CreateView';
import { HistoryView } from '../../components/history/HistoryView';
import { QueueView } from '../../components/queue/QueueView';
import { ServiceBanner } from '../../components/ServiceBanner';
import { StorageNotice } from '../../components/StorageNotice';
import { StoryboardView } from '../../components/storyboard/StoryboardView';
import { type MessageKey, t } from '../../lib/i18n';
import { OPEN_STATES } from '../../lib/jobs/model';
import { useAccount } from '../../lib/stores/account';
import { useCharacters } from '../../lib/stores/characters';
import { useIntent } from '../../lib/stores/intent';
import { useJobs } from '../../lib/stores/jobs';
import { useStoryboard } from '../../lib/stores/storyboard';

type View = 'create' | 'storyboard' | 'queue' | 'history' | 'characters' | 'account';
const VIEWS: ReadonlyArray<{ id: View; label: MessageKey }> = [
  { id: 'create', label: 'nav.create' },
  { id: 'storyboard', label: 'nav.storyboard' },
  { id: 'queue', label: 'nav.queue' },
  { id: 'history', label: 'nav.history' },
  { id: 'characters', label: 'nav.characters' },
  { id: 'account', label: 'nav.account' },
];

/** "Queue (3)" while jobs are open: selects a number, so progress events do not re-render the tabs. */
function TabLabel({ view, label }: { view: View; label: MessageKey }) {
  const open = useJobs((s) =>
    view === 'queue' ? Object.values(s.jobs).filter((j) => OPEN_STATES.includes(j.state)).length : 0,
  );
  return <>{view === 'queue' && open > 0 ? t('nav.queueCount', { count: open }) : t(label)}</>;
}

export function App() {
  const start = useAccount((s) => s.start);
  const startJobs = useJobs((s) => s.start);
  const [view, setView] = useState<View>('create');
  // Views stay mounted once opened, so a half-written batch survives a look at the queue.
  const [visited, setVisited] = useState<ReadonlySet<View>>(() => new Set(['create']));
  useEffect(() => start(), [start]);
  useEffect(() => startJobs(), [startJobs]);
  // "Remix this" from a Sora page: follow stored intents and bring the Create view forward for each.
  const startIntent = useIntent((s) => s.start);
  const remixIntent = useIntent((s) => s.intent);
  useEffect(() => startIntent(), [startIntent]);
  useEffect(() => {
    if (remixIntent) setView('create');
  }, [remixIntent]);
  const show = (next: View) => {
    setView(next);
    setVisited((v) => (v.has(next) ? v : new Set([...v, next])));
  };
  // "Open in storyboard" (Queue / History rows) asks for the Storyboard view through its store.
  const storyboardRequest = useStoryboard((s) => s.showRequest);
  useEffect(() => {
    if (storyboardRequest > 0) show('storyboard');
  }, [storyboardRequest]);
  // "Make a character from this video" (History) asks for the Characters view through its store.
  const fromVideo = useCharacters((s) => s.fromVideo);
  useEffect(() => {
    if (fromVideo) show('characters');
  }, [fromVideo]);
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
            tabIndex={view === v.id ? 0 : -1}
            onClick={() => show(v.id)}
            onKeyDown={(e) => {
              // Arrow keys move between tabs, as the tabs pattern expects.
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const i = VIEWS.findIndex((x) => x.id === v.id);
              const next = VIEWS[(i + (e.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length];
              if (!next) return;
              show(next.id);
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
          >
            <TabLabel view={v.id} label={v.label} />
          </button>
        ))}
      </div>
      <main class="panel-main">
        <ServiceBanner />
        <StorageNotice />
        {VIEWS.filter((v) => visited.has(v.id)).map((v) => (
          <div
            key={v.id}
            class="panel-body"
            role="tabpanel"
            id={`view-${v.id}`}
            aria-labelledby={`tab-${v.id}`}
            hidden={view !== v.id}
          >
            {v.id === 'create' && <CreateView onShowQueue={() => show('queue')} />}
            {v.id === 'storyboard' && <StoryboardView onShowQueue={() => show('queue')} />}
            {v.id === 'queue' && <QueueView />}
            {v.id === 'history' && <HistoryView onShowCreate={() => show('create')} />}
            {v.id === 'characters' && <CharactersView onShowCreate={() => show('create')} />}
            {v.id === 'account' && <AccountView />}
          </div>
        ))}
      </main>
    </div>
  );
}
