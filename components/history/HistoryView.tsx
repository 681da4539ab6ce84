import { useEffect, useState } from 'preact/hooks';
import { isExtendable } from '../../lib/history/actions';
import { isDefaultFilter } from '../../lib/history/search';
import { t } from '../../lib/i18n';
import { useHistory } from '../../lib/stores/history';
import { ErrorNotice } from '../ErrorNotice';
import { shortPrompt } from '../queue/jobText';
import { DownloadsPanel } from './DownloadsPanel';
import { Filters } from './Filters';
import { HistoryList } from './HistoryList';
import { ItemDialog } from './ItemDialog';
import { PostsOnline } from './PostsOnline';
import { ToolsPanel } from './ToolsPanel';
import './history.css';

/** `onExtend`: one finished video is selected and the user wants to continue it. */
function SelectionBar({ onExtend }: { onExtend(id: string): void }) {
  const selection = useHistory((s) => s.selection);
  const results = useHistory((s) => s.results);
  const only = selection.size === 1 ? [...selection][0] : undefined;
  const single = useHistory((s) => (only === undefined ? undefined : s.items[only]));
  const { download, remove, clearSelection, selectAll } = useHistory.getState();
  if (selection.size === 0) return null;
  // Downloads follow the list's order (newest first), so {index} numbers files as they are shown.
  const ordered = () => results.filter((e) => selection.has(e.id)).map((e) => e.id);
  return (
    <section class="hselection" aria-label={t('history.selection')} data-testid="history-selection">
      <span aria-live="polite">{t('history.selected', { count: selection.size })}</span>
      <button
        type="button"
        class="btn btn-primary"
        data-testid="history-bulk-download"
        onClick={() => void download(ordered(), 'clean')}
      >
        {t('history.downloadSelected')}
      </button>
      {single && isExtendable(single) && (
        <button
          type="button"
          class="btn"
          data-testid="history-bulk-extend"
          aria-label={t('history.extendOf', {
            prompt: shortPrompt(single.title || single.prompt) || single.id,
          })}
          onClick={() => onExtend(single.id)}
        >
          {t('history.extend')}
        </button>
      )}
      <button
        type="button"
        class="btn hbtn-danger"
        onClick={() => {
          if (confirm(t('history.deleteConfirm', { count: selection.size }))) void remove([...selection]);
        }}
      >
        {t('history.delete')}
      </button>
      {selection.size < results.length && (
        <button type="button" class="btn" onClick={selectAll}>
          {t('history.selectAll', { count: results.length })}
        </button>
      )}
      <button type="button" class="btn" onClick={clearSelection}>
        {t('history.clearSelection')}
      </button>
    </section>
  );
}

function ImportButton() {
  const importing = useHistory((s) => s.importing);
  const importFromSora = useHistory((s) => s.importFromSora);
  return (
    <button
      type="button"
      class="btn"
      data-testid="history-import"
      disabled={importing !== null}
      aria-busy={importing !== null}
      onClick={() => void importFromSora()}
    >
      {importing ? t('history.importing', { added: importing.added }) : t('history.importFromSora')}
    </button>
  );
}

/**
 * The side panel's History view: search, filters, a virtualised list of everything made (with the
 * extension or imported from Sora), multi-select with bulk download, and per-item actions in a dialog.
 */
export function HistoryView({ onShowCreate }: { onShowCreate?: () => void } = {}) {
  const start = useHistory((s) => s.start);
  useEffect(() => start(), [start]);
  const filter = useHistory((s) => s.filter);
  const setFilter = useHistory((s) => s.setFilter);
  const results = useHistory((s) => s.results);
  const total = useHistory((s) => s.entries.length);
  const ready = useHistory((s) => s.indexReady);
  const notice = useHistory((s) => s.notice);
  const error = useHistory((s) => s.error);
  const [showFilters, setShowFilters] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  /** The dialog opens with its Extend form showing (the selection bar's Extend). */
  const [extendOnOpen, setExtendOnOpen] = useState(false);
  const open = (id: string | null, extend = false) => {
    setExtendOnOpen(extend);
    setOpenId(id);
  };
  const filtered = !isDefaultFilter(filter);

  return (
    <div class="history" data-testid="history-view">
      <div class="htoolbar">
        <input
          class="input hsearch"
          type="search"
          placeholder={t('history.searchPlaceholder')}
          aria-label={t('history.search')}
          data-testid="history-search"
          value={filter.query}
          onInput={(e) => setFilter({ query: e.currentTarget.value })}
        />
        <button
          type="button"
          class="btn"
          aria-expanded={showFilters}
          aria-controls="history-filters"
          onClick={() => setShowFilters((v) => !v)}
        >
          {filtered ? t('history.filtersOn') : t('history.filters')}
        </button>
        <ImportButton />
      </div>
      {showFilters && (
        <div id="history-filters">
          <Filters />
        </div>
      )}
      {notice && (
        <div class={`notice notice-${notice.tone}`} role="status" data-testid="history-notice">
          <p>{t(notice.key, notice.params)}</p>
          <button type="button" class="btn" onClick={() => useHistory.getState().setNotice(null)}>
            {t('history.dismiss')}
          </button>
        </div>
      )}
      {error && (
        <div>
          <ErrorNotice error={error} />
          <button type="button" class="btn" onClick={() => useHistory.getState().dismissError()}>
            {t('history.dismiss')}
          </button>
        </div>
      )}
      <ToolsPanel />
      <DownloadsPanel />
      <PostsOnline />
      <SelectionBar onExtend={(id) => open(id, true)} />
      <p class="muted small hcount" aria-live="polite" data-testid="history-count">
        {!ready && total > 0
          ? t('history.loading')
          : filtered
            ? t('history.countFiltered', { count: results.length, total })
            : t('history.count', { count: total })}
      </p>
      {ready && total === 0 ? (
        <div class="card hempty" data-testid="history-empty">
          <p>{t('history.empty')}</p>
        </div>
      ) : (
        <HistoryList onOpen={(id) => open(id)} />
      )}
      {openId && (
        <ItemDialog
          key={openId}
          id={openId}
          startExtending={extendOnOpen}
          onClose={() => open(null)}
          onOpenItem={(id) => open(id)}
          onRemixed={() => {
            open(null);
            onShowCreate?.();
          }}
        />
      )}
    </div>
  );
}
