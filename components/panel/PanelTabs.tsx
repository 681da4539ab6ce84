import { type SidePanelKey, t } from '../../lib/i18n';
import { OPEN_STATES } from '../../lib/jobs/states';
import { useJobs } from '../../lib/stores/jobs';
import { VIEWS, type View } from './views';

/** "Queue (3)" while jobs are open: selects a number, so progress events do not re-render the tabs. */
function TabLabel({ view, label }: { view: View; label: SidePanelKey }) {
  const open = useJobs((s) =>
    view === 'queue' ? Object.values(s.jobs).filter((j) => OPEN_STATES.includes(j.state)).length : 0,
  );
  return <>{view === 'queue' && open > 0 ? t('nav.queueCount', { count: open }) : t(label)}</>;
}

/**
 * The side panel's sections as an ARIA tabs widget: one tab stop (the selected tab), Left / Right move and
 * select (wrapping), Home / End go to the first and last. Below 480 px the six tabs sit in two rows of
 * three instead of one scrolling row, so every section is visible and reachable at the panel's usual
 * 320-400 px width (docs/ARCHITECTURE.md, "Side panel navigation", says why not a "More" menu).
 */
export function PanelTabs({ view, onSelect }: { view: View; onSelect(view: View): void }) {
  const move = (from: View, key: string): View | undefined => {
    const i = VIEWS.findIndex((x) => x.id === from);
    const last = VIEWS.length - 1;
    const to =
      key === 'ArrowRight'
        ? (i + 1) % VIEWS.length
        : key === 'ArrowLeft'
          ? (i + last) % VIEWS.length
          : key === 'Home'
            ? 0
            : key === 'End'
              ? last
              : -1;
    return VIEWS[to]?.id;
  };
  return (
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
          onClick={() => onSelect(v.id)}
          onKeyDown={(e) => {
            const next = move(v.id, e.key);
            if (!next) return;
            e.preventDefault();
            onSelect(next);
            document.getElementById(`tab-${next}`)?.focus();
          }}
        >
          <TabLabel view={v.id} label={v.label} />
        </button>
      ))}
    </div>
  );
}
