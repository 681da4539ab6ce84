/**
 * The History view's search index: one compact entry per item (id, time, kind, status, orientation,
 * downloaded, the prompt to show and its lowercased text to search), newest first, kept in memory (and
 * cached in IndexedDB by ./snapshot.ts so it loads in one read). Search is a substring match, which works
 * for every script (Chinese has no spaces to tokenize on): one `indexOf` pass over all texts joined into
 * one string finds the candidates for the longest word, the other words and filters are checked on those
 * only. docs/PERFORMANCE.md has the figures.
 */
import type { FileSource, HistoryItem, HistoryOrientation, HistoryStatus } from '../db/history-record';
import type { JobKind } from '../db/job-record';
import { orientationOf } from './fields';

export interface IndexEntry {
  id: string;
  createdAt: number;
  kind: JobKind;
  status: HistoryStatus;
  orientation: HistoryOrientation | null;
  downloaded: boolean;
  /** The last download was the watermark-free file (a file other than the draft's own). */
  clean: boolean;
  /** Where the last download came from; null when not recorded (not downloaded, or an older version). */
  fileSource: FileSource | null;
  /** The last download was asked for clean and is the watermarked original. */
  fellBack: boolean;
  /** What the row shows (the title of a storyboard, else the prompt), cut to {@link SHOWN_CHARS}. */
  shown: string;
  /** Prompt and title, lowercased, whole: what search looks in. */
  text: string;
}

/** Characters of a prompt a row can show (two lines); longer storyboards are cut for memory's sake. */
export const SHOWN_CHARS = 240;
/** Joins texts into one searchable string; removed from the texts themselves. */
export const SEPARATOR = '\u0001';

export type StatusFilter = 'all' | 'ready' | 'violation' | 'failed';
export type OrientationFilter = 'all' | HistoryOrientation;
export type DownloadedFilter = 'all' | 'yes' | 'no';

export interface HistoryFilter {
  /** Words that must all appear (any order), or a generation id. */
  query: string;
  /** Empty: every kind. */
  kinds: JobKind[];
  status: StatusFilter;
  orientation: OrientationFilter;
  /** Epoch ms, inclusive; null: open. */
  from: number | null;
  to: number | null;
  downloaded: DownloadedFilter;
}

export const DEFAULT_FILTER: HistoryFilter = {
  query: '',
  kinds: [],
  status: 'all',
  orientation: 'all',
  from: null,
  to: null,
  downloaded: 'all',
};

export const isDefaultFilter = (f: HistoryFilter): boolean =>
  f.query.trim() === '' &&
  f.kinds.length === 0 &&
  f.status === 'all' &&
  f.orientation === 'all' &&
  f.from === null &&
  f.to === null &&
  f.downloaded === 'all';

export function toEntry(item: HistoryItem): IndexEntry {
  const title = item.title ? ` ${item.title}` : '';
  const shown = item.kind === 'storyboard' && item.title ? item.title : item.prompt;
  return {
    id: item.id,
    createdAt: item.createdAt,
    kind: item.kind,
    status: item.status,
    orientation: orientationOf(item) ?? null,
    downloaded: item.downloadedAt !== undefined,
    // Only a source checked against the draft's own file counts (older records were not checked).
    clean: item.downloadedSource === 'post_attachment' || item.downloadedSource === 'parse_service',
    fileSource: item.downloadedAt !== undefined ? (item.downloadedSource ?? null) : null,
    fellBack: item.downloadedAt !== undefined && item.downloadedFellBack === true,
    shown: shown.slice(0, SHOWN_CHARS).replaceAll(SEPARATOR, ' '),
    text: `${item.prompt}${title}`.toLowerCase().replaceAll(SEPARATOR, ' '),
  };
}

/** Newest first; equal times by id, so the order is stable. */
export const compareEntries = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The query's words, lowercased, longest first (the longest is usually the rarest). */
export function queryTerms(query: string): string[] {
  const raw = query.trim().toLowerCase();
  return raw === '' ? [] : [...new Set(raw.split(/\s+/))].sort((a, b) => b.length - a.length);
}

/** Everything but the words: kind, status, orientation, dates, downloaded. */
function compileFacets(f: HistoryFilter): (e: IndexEntry) => boolean {
  const kinds = f.kinds.length === 0 ? null : new Set<string>(f.kinds);
  const from = f.from ?? Number.NEGATIVE_INFINITY;
  const to = f.to ?? Number.POSITIVE_INFINITY;
  return (e) =>
    e.status !== 'deleted' &&
    (kinds === null || kinds.has(e.kind)) &&
    (f.status === 'all' || e.status === f.status) &&
    (f.orientation === 'all' || e.orientation === f.orientation) &&
    e.createdAt >= from &&
    e.createdAt <= to &&
    (f.downloaded === 'all' || e.downloaded === (f.downloaded === 'yes'));
}

/** The filter as one predicate (the query is split and lowercased once, not per entry). */
export function compileFilter(f: HistoryFilter): (e: IndexEntry) => boolean {
  const raw = f.query.trim().toLowerCase();
  const terms = queryTerms(raw);
  const idQuery = /^gen_[a-z0-9]+$/.test(raw) ? raw : null;
  const kinds = f.kinds.length === 0 ? null : new Set<string>(f.kinds);
  const from = f.from ?? Number.NEGATIVE_INFINITY;
  const to = f.to ?? Number.POSITIVE_INFINITY;
  return (e) => {
    if (e.status === 'deleted') return false;
    if (kinds !== null && !kinds.has(e.kind)) return false;
    if (f.status !== 'all' && e.status !== f.status) return false;
    if (f.orientation !== 'all' && e.orientation !== f.orientation) return false;
    if (e.createdAt < from || e.createdAt > to) return false;
    if (f.downloaded !== 'all' && e.downloaded !== (f.downloaded === 'yes')) return false;
    if (idQuery !== null && e.id.toLowerCase() === idQuery) return true;
    for (const term of terms) if (!e.text.includes(term)) return false;
    return true;
  };
}

/** The entries that match, in the entries' order (newest first). The plain scan. */
export function searchEntries(entries: readonly IndexEntry[], f: HistoryFilter): IndexEntry[] {
  const test = compileFilter(f);
  const out: IndexEntry[] = [];
  for (const e of entries) if (test(e)) out.push(e);
  return out;
}

interface Haystack {
  text: string;
  /** Where each entry's text starts in `text`. */
  starts: Int32Array;
}

function buildHaystack(entries: readonly IndexEntry[]): Haystack {
  const starts = new Int32Array(entries.length);
  let at = 0;
  for (let i = 0; i < entries.length; i++) {
    starts[i] = at;
    at += (entries[i] as IndexEntry).text.length + 1;
  }
  return { text: entries.map((e) => e.text).join(SEPARATOR), starts };
}

/** The entry whose text holds position `pos` (binary search over the starts). */
function entryAt(h: Haystack, pos: number): number {
  let lo = 0;
  let hi = h.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((h.starts[mid] as number) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A search function that keeps the joined texts of the last entries array it saw (rebuilt only when the
 * entries change, not per keystroke). Same answers as {@link searchEntries}, much faster on long lists.
 */
export function createSearch(): ((entries: readonly IndexEntry[], f: HistoryFilter) => IndexEntry[]) & {
  /** Joins the texts ahead of time (when the page is idle), so the first keystroke does not pay for it. */
  prepare(entries: readonly IndexEntry[]): void;
} {
  let seen: readonly IndexEntry[] | null = null;
  let hay: Haystack | null = null;
  const prepare = (entries: readonly IndexEntry[]): Haystack => {
    if (seen !== entries || hay === null) {
      seen = entries;
      hay = buildHaystack(entries);
    }
    return hay;
  };
  const search = (entries: readonly IndexEntry[], f: HistoryFilter): IndexEntry[] => {
    const terms = queryTerms(f.query);
    if (terms.length === 0 || /^gen_[a-z0-9]+$/i.test(f.query.trim())) return searchEntries(entries, f);
    const hay = prepare(entries);
    const facets = compileFacets(f);
    const [first, ...rest] = terms as [string, ...string[]];
    const out: IndexEntry[] = [];
    let pos = hay.text.indexOf(first);
    while (pos >= 0) {
      const i = entryAt(hay, pos);
      const e = entries[i] as IndexEntry;
      if (facets(e) && rest.every((t) => e.text.includes(t))) out.push(e);
      const next = i + 1 < hay.starts.length ? (hay.starts[i + 1] as number) : hay.text.length;
      pos = hay.text.indexOf(first, next);
    }
    return out;
  };
  return Object.assign(search, { prepare: (entries: readonly IndexEntry[]) => void prepare(entries) });
}

/** Position where `e` belongs in a newest-first array (binary search). */
function insertionPoint(sorted: readonly IndexEntry[], e: IndexEntry): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(sorted[mid] as IndexEntry, e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A new newest-first array with `items` added or replaced and `removed` ids taken out. Copy-on-write, so a
 * store can hand the old array to components still rendering it.
 */
export function applyToIndex(
  sorted: readonly IndexEntry[],
  upserts: readonly IndexEntry[],
  removed: readonly string[] = [],
): IndexEntry[] {
  const drop = new Set<string>([...removed, ...upserts.map((u) => u.id)]);
  const out = drop.size === 0 ? [...sorted] : sorted.filter((e) => !drop.has(e.id));
  for (const e of upserts) {
    if (e.status === 'deleted') continue;
    out.splice(insertionPoint(out, e), 0, e);
  }
  return out;
}

/** Builds a sorted index from items in any order (deleted ones left out). */
export function buildIndex(items: Iterable<HistoryItem>): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const item of items) if (item.status !== 'deleted') out.push(toEntry(item));
  return out.sort(compareEntries);
}
