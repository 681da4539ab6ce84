import { useCallback, useState } from 'preact/hooks';
import type { IndexEntry } from '../../lib/history/search';
import { t } from '../../lib/i18n';
import { useHistory } from '../../lib/stores/history';
import { HistoryRow, ROW_HEIGHT } from './HistoryRow';
import { VirtualList } from './VirtualList';

/**
 * The History list: a multi-select listbox over the filtered results, virtualised. Keyboard: arrows,
 * Home / End, Page Up / Down move; Space selects (Shift+Space a range); Enter opens; Ctrl+A selects all;
 * Escape clears the selection.
 */
export function HistoryList({ onOpen }: { onOpen(id: string): void }) {
  const results = useHistory((s) => s.results);
  const items = useHistory((s) => s.items);
  const selection = useHistory((s) => s.selection);
  const ensureItems = useHistory((s) => s.ensureItems);
  const requestResolve = useHistory((s) => s.requestResolve);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const index = Math.min(active, Math.max(0, results.length - 1));

  const onRange = useCallback(
    (start: number, end: number) => {
      ensureItems(results.slice(start, end).map((e) => e.id));
    },
    [results, ensureItems],
  );

  const open = useCallback(
    (id: string, i: number) => {
      setActive(i);
      onOpen(id);
    },
    [onOpen],
  );
  const check = useCallback((id: string, i: number, range: boolean) => {
    setActive(i);
    const s = useHistory.getState();
    if (range) s.selectRange(id);
    else s.toggle(id);
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const s = useHistory.getState();
    const last = results.length - 1;
    const page = 8;
    const move = (to: number) => {
      e.preventDefault();
      setActive(Math.max(0, Math.min(last, to)));
    };
    const id = results[index]?.id;
    switch (e.key) {
      case 'ArrowDown':
        return move(index + 1);
      case 'ArrowUp':
        return move(index - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(last);
      case 'PageDown':
        return move(index + page);
      case 'PageUp':
        return move(index - page);
      case ' ':
        if (!id) return;
        e.preventDefault();
        if (e.shiftKey) s.selectRange(id);
        else s.toggle(id);
        return;
      case 'Enter':
        if (!id) return;
        e.preventDefault();
        onOpen(id);
        return;
      case 'Escape':
        if (s.selection.size > 0) {
          e.preventDefault();
          s.clearSelection();
        }
        return;
      default:
        if ((e.key === 'a' || e.key === 'A') && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          s.selectAll();
        }
    }
  };

  return (
    <VirtualList
      class="hlist"
      data-focused={focused}
      role="listbox"
      aria-multiselectable="true"
      aria-label={t('history.list')}
      aria-activedescendant={results.length > 0 ? `history-opt-${index}` : undefined}
      tabIndex={0}
      data-testid="history-list"
      count={results.length}
      rowHeight={ROW_HEIGHT}
      scrollToIndex={index}
      onRange={onRange}
      onKeyDown={onKeyDown}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      renderRow={(i, top) => {
        const entry = results[i] as IndexEntry;
        return (
          <HistoryRow
            key={entry.id}
            index={i}
            count={results.length}
            top={top}
            entry={entry}
            item={items[entry.id]}
            selected={selection.has(entry.id)}
            active={i === index}
            onOpen={open}
            onCheck={check}
            onBrokenMedia={requestResolve}
          />
        );
      }}
    />
  );
}
