import { memo } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import type { HistoryItem } from '../../lib/db/history-record';
import { previewImageOf } from '../../lib/history/fields';
import type { IndexEntry } from '../../lib/history/search';
import { getLocale, type MessageKey, t } from '../../lib/i18n';
import { httpsHostOf, safePreviewSrc } from '../../lib/sora/media-hosts';
import { fileSourceKey } from './fileSource';

export const ROW_HEIGHT = 64;

export const KIND_LABEL: Record<HistoryItem['kind'], MessageKey> = {
  video: 'job.kind.video',
  remix: 'job.kind.remix',
  storyboard: 'job.kind.storyboard',
  image: 'job.kind.image',
  extend: 'job.kind.extend',
};

export const ORIENTATION_LABEL: Record<NonNullable<HistoryItem['orientation']>, MessageKey> = {
  landscape: 'history.orientation.landscape',
  portrait: 'history.orientation.portrait',
  square: 'history.orientation.square',
};

/**
 * One formatter per language, made once: `toLocaleDateString` with options builds a new one on every
 * call, which profiling showed to be most of the cost of rendering a screen of rows.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function when(epochMs: number): string {
  const locale = getLocale() === 'zh_CN' ? 'zh-CN' : 'en';
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(locale, f);
  }
  return f.format(epochMs);
}

/** One line of facts: kind · date time · orientation · status · downloaded · which file. */
export function metaLine(e: IndexEntry): string {
  const parts = [t(KIND_LABEL[e.kind]), when(e.createdAt)];
  if (e.orientation) parts.push(t(ORIENTATION_LABEL[e.orientation]));
  if (e.status === 'violation') parts.push(t('history.status.violation'));
  if (e.status === 'failed') parts.push(t('history.status.failed'));
  if (e.downloaded) {
    parts.push(t('history.downloaded'));
    const source = fileSourceKey(e.fileSource, e.fellBack, e.kind);
    if (source) parts.push(t(source));
  }
  return parts.join(' · ');
}

interface RowProps {
  index: number;
  count: number;
  top: number;
  entry: IndexEntry;
  /** The full record, once read (for the thumbnail). */
  item: HistoryItem | undefined;
  selected: boolean;
  active: boolean;
  onOpen(id: string, index: number): void;
  onCheck(id: string, index: number, range: boolean): void;
  onBrokenMedia(id: string): void;
}

/**
 * A row of the History list (an option of the listbox: no focusable children, the keyboard works on the
 * list). The thumbnail loads lazily; one that fails (expired signature) asks for fresh URLs once.
 */
export const HistoryRow = memo(function HistoryRow(props: RowProps) {
  const { index, top, entry, item, selected, active } = props;
  const id = entry.id;
  const stored = item ? previewImageOf(item) : undefined;
  // A picture off Sora's media host is never loaded; the glyph says why on hover.
  const thumb = safePreviewSrc(stored);
  const hidden = stored !== undefined && thumb === undefined;
  // The picture comes a frame after the text: a screen of new rows (a search, a jump) paints at once, and
  // rows scrolled past quickly never start a picture at all.
  const [showThumb, setShowThumb] = useState(false);
  useEffect(() => {
    const frame = requestAnimationFrame(() => setShowThumb(true));
    return () => cancelAnimationFrame(frame);
  }, []);
  const noUrl = item !== undefined && item.status === 'ready' && !item.url;
  // Items imported from a file carry no URL yet: ask for one as they come into view.
  useEffect(() => {
    if (noUrl) props.onBrokenMedia(id);
  }, [noUrl, id, props.onBrokenMedia]);
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: options of a listbox using aria-activedescendant are not focusable themselves.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keyboard (Enter opens, Space selects).
    <div
      role="option"
      id={`history-opt-${index}`}
      class="hrow"
      data-testid="history-row"
      data-id={id}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={props.count}
      data-active={active}
      style={{ transform: `translateY(${top}px)`, height: `${ROW_HEIGHT}px` }}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('.hrow-check')) return;
        props.onOpen(id, index);
      }}
    >
      <span
        class="hrow-check"
        aria-hidden="true"
        data-testid="history-check"
        onClick={(e) => {
          e.stopPropagation();
          props.onCheck(id, index, e.shiftKey);
        }}
      >
        {selected ? '☑' : '☐'}
      </span>
      <span class="hrow-thumb" aria-hidden="true">
        {thumb && showThumb ? (
          <img
            src={thumb}
            alt=""
            loading="lazy"
            decoding="async"
            referrerpolicy="no-referrer"
            onError={() => props.onBrokenMedia(id)}
          />
        ) : (
          <span
            class="hrow-glyph"
            title={hidden ? t('history.previewHidden', { host: httpsHostOf(stored) ?? '?' }) : undefined}
          >
            {entry.kind === 'image' ? '▣' : '▶'}
          </span>
        )}
      </span>
      <span class="hrow-text">
        <span class="hrow-prompt" dir="auto">
          {entry.shown || t('history.noPrompt')}
        </span>
        <span class="hrow-meta">{metaLine(entry)}</span>
      </span>
    </div>
  );
});
