/**
 * The History view's state. History is read straight from IndexedDB (same origin as the background): the
 * newest rows first, then the whole search index in chunks (lib/history/search). Events keep it live:
 * `history.changed` (import, fresh URLs, downloads), `jobs.changed` (the engine finished a job) and
 * `media.changed` (download jobs). Every change to history goes through `send` (the background is its one
 * writer, so every open page hears of it); the page writes only its own cache of the search index.
 */
import { create, type StoreApi } from 'zustand';
import { formatBytes } from '../create/messages';
import type { DownloadJob, DownloadMode } from '../db/download-record';
import { getExtensionsOf, getHistoryByTask, getHistoryItem } from '../db/history';
import type { HistoryItem } from '../db/history-record';
import { getDb } from '../db/schema';
import { extendInput, rerunInput } from '../history/actions';
import {
  exportCsv,
  exportJson,
  ImportFileError,
  MAX_HISTORY_FILE_BYTES,
  parseHistoryFile,
} from '../history/exchange';
import type { ImportProgress, ImportSummary } from '../history/import';
import { getHistoryItems, newestHistoryItems, queryHistory } from '../history/repo';
import {
  applyToIndex,
  createSearch,
  DEFAULT_FILTER,
  type HistoryFilter,
  type IndexEntry,
  toEntry,
} from '../history/search';
import { loadIndex, writeSnapshot } from '../history/snapshot';
import { type MessageKey, t } from '../i18n';
import { listen, send } from '../messaging/transport';
import type { RemixIntent } from '../remix/intent';
import { type SerializedError, toSerializedError } from '../sora/errors';
import { remixIntentItem } from '../util/storage-items';

/** Rows painted from the first read, before the whole index is loaded. */
export const FIRST_PAGE = 40;
/** Full items kept for rendering; beyond this the cache starts over with what is on screen. */
const ITEM_CACHE_MAX = 3000;

export interface HistoryNotice {
  key: MessageKey;
  params?: Record<string, string | number>;
  tone: 'ok' | 'warn' | 'error';
}

export interface HistoryState {
  /** Newest first. Only the first page until `indexReady`. */
  entries: readonly IndexEntry[];
  indexReady: boolean;
  filter: HistoryFilter;
  /** Entries matching the filter, newest first. */
  results: readonly IndexEntry[];
  /** Full records of rows that were on screen. */
  items: Readonly<Record<string, HistoryItem>>;
  selection: ReadonlySet<string>;
  /** Last row clicked, for shift-click ranges. */
  anchor: string | null;
  importing: ImportProgress | null;
  lastImport: ImportSummary | null;
  downloads: Readonly<Record<string, DownloadJob>>;
  notice: HistoryNotice | null;
  error: SerializedError | null;
  /** Reads history and follows the events; returns the unsubscribe. */
  start(): () => void;
  setFilter(patch: Partial<HistoryFilter>): void;
  resetFilter(): void;
  /** Loads the full records of rows about to be shown. */
  ensureItems(ids: readonly string[]): void;
  toggle(id: string): void;
  selectRange(id: string): void;
  selectAll(): void;
  clearSelection(): void;
  importFromSora(full?: boolean): Promise<void>;
  download(ids: readonly string[], mode: DownloadMode): Promise<void>;
  cancelDownloads(ids: readonly string[]): Promise<void>;
  /** Allows a parse service's download host (remembered in settings); downloads waiting on it go on. */
  confirmHost(host: string): Promise<void>;
  /** Downloads that could not tell whether their publish went out: the user chose to publish again. */
  publishAgain(ids: readonly string[]): Promise<void>;
  clearDownloads(): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  /** Asks the background for fresh URLs (once per item and page life). */
  requestResolve(id: string): void;
  rerun(id: string): Promise<void>;
  remix(id: string): Promise<boolean>;
  /** Queues an extension of a video; resolves with the refusal to show in the form, or null when queued. */
  extend(id: string, seconds: 10 | 15, prompt: string): Promise<SerializedError | null>;
  /** Opens an item's record for the dialog (reads it when not on screen yet); false when it is not in history. */
  loadItem(id: string): Promise<boolean>;
  /** The ids of the extensions made of a video, newest first. */
  extensionsOf(id: string): Promise<string[]>;
  share(id: string): Promise<string | null>;
  unpublish(id: string): Promise<void>;
  exportFile(
    format: 'json' | 'csv',
    onlySelected: boolean,
  ): Promise<{ name: string; text: string; type: string }>;
  importFile(file: File): Promise<void>;
  setNotice(notice: HistoryNotice | null): void;
  dismissError(): void;
}

/** Resolve requests already made in this page's life: a broken URL is asked about once. */
const resolveAsked = new Set<string>();
/** Ids whose records are being read for rendering. */
const loading = new Set<string>();

type SetState = StoreApi<HistoryState>['setState'];
type GetState = StoreApi<HistoryState>['getState'];

/** What the slices share: the search over the index and the one way every change reaches the rows. */
interface HistoryKit {
  recompute: ReturnType<typeof createSearch>;
  /** Adds or replaces items everywhere they are shown. */
  upsert(items: readonly HistoryItem[], removed?: readonly string[]): void;
  /** Reads the whole search index (events arriving meanwhile are applied once it is complete). */
  loadWholeIndex(): Promise<void>;
  /** Runs an action; its failure becomes the view's `error`. */
  act<T>(run: () => Promise<T>): Promise<T | undefined>;
}

export const useHistory = create<HistoryState>((set, get) => {
  const kit: HistoryKit = {
    ...createIndexKeeper(set, get),
    async act(run) {
      try {
        return await run();
      } catch (e) {
        set({ error: toSerializedError(e) });
        return undefined;
      }
    },
  };
  return {
    entries: [],
    indexReady: false,
    filter: DEFAULT_FILTER,
    results: [],
    items: {},
    selection: new Set(),
    anchor: null,
    importing: null,
    lastImport: null,
    downloads: {},
    notice: null,
    error: null,
    ...readSlice(set, get, kit),
    ...selectionSlice(set, get),
    ...downloadsSlice(set, get, kit),
    ...itemSlice(set, get, kit),
    ...exchangeSlice(set, get, kit),
  };
});

/** The index the rows are drawn from, and the updates to it. */
function createIndexKeeper(set: SetState, get: GetState): Omit<HistoryKit, 'act'> {
  /** Events that arrive while the index is still loading, applied once it is complete. */
  let pending: { upserts: IndexEntry[]; removed: string[] } | null = null;
  const recompute = createSearch();

  function upsert(items: readonly HistoryItem[], removed: readonly string[] = []): void {
    if (items.length === 0 && removed.length === 0) return;
    const s = get();
    const upserts = items.map(toEntry);
    if (pending) {
      pending.upserts.push(...upserts);
      pending.removed.push(...removed);
    }
    const entries = applyToIndex(s.entries, upserts, removed);
    const cache = { ...s.items };
    for (const item of items) {
      if (item.status === 'deleted') delete cache[item.id];
      else cache[item.id] = item;
    }
    for (const id of removed) delete cache[id];
    let selection = s.selection;
    const gone = [...removed, ...items.filter((i) => i.status === 'deleted').map((i) => i.id)];
    if (gone.some((id) => selection.has(id))) {
      selection = new Set([...selection].filter((id) => !gone.includes(id)));
    }
    set({ entries, items: cache, results: recompute(entries, s.filter), selection });
  }

  async function loadWholeIndex(): Promise<void> {
    const db = await getDb();
    pending = { upserts: [], removed: [] };
    const asOf = Date.now();
    // Between chunks of a rebuild, the page paints and handles input.
    const index = await loadIndex(db, asOf, () => new Promise((r) => setTimeout(r, 0)));
    const late = pending;
    pending = null;
    const entries = applyToIndex(index.entries, late.upserts, late.removed);
    set({ entries, indexReady: true, results: recompute(entries, get().filter) });
    const idle = (globalThis as { requestIdleCallback?: (fn: () => void) => void }).requestIdleCallback;
    const later = (fn: () => void) => (idle ? idle(fn) : setTimeout(fn, 200));
    later(() => recompute.prepare(get().entries));
    if (index.changed > 0) {
      // Next time the index loads in a few reads. Written when the page is idle: it is only a cache.
      later(() => void writeSnapshot(db, index).catch((e: unknown) => console.warn('history snapshot', e)));
    }
  }

  return { recompute, upsert, loadWholeIndex };
}

type ReadActions =
  | 'start'
  | 'setFilter'
  | 'resetFilter'
  | 'ensureItems'
  | 'requestResolve'
  | 'loadItem'
  | 'extensionsOf';

/** Reading history: the first page, the whole index, the events, the filter, the records on screen. */
function readSlice(set: SetState, get: GetState, kit: HistoryKit): Pick<HistoryState, ReadActions> {
  const { recompute, upsert } = kit;
  let ensureQueue: string[] = [];
  let ensureScheduled = false;

  function flushEnsure(): void {
    ensureScheduled = false;
    const ids = ensureQueue.filter((id) => !(id in get().items) && !loading.has(id));
    ensureQueue = [];
    if (ids.length === 0) return;
    for (const id of ids) loading.add(id);
    void (async () => {
      try {
        const found = (await getHistoryItems(await getDb(), ids)).filter((i): i is HistoryItem => !!i);
        const current = get().items;
        const base = Object.keys(current).length + found.length > ITEM_CACHE_MAX ? {} : { ...current };
        for (const item of found) base[item.id] = item;
        set({ items: base });
      } finally {
        for (const id of ids) loading.delete(id);
      }
    })();
  }

  return {
    start() {
      const stops = [
        listen('history.changed', ({ items, removed }) => upsert(items, removed)),
        listen('history.importProgress', (progress) => set({ importing: progress })),
        listen('media.changed', ({ jobs, removed }) => {
          const downloads = { ...get().downloads };
          for (const job of jobs) downloads[job.id] = job;
          for (const id of removed) delete downloads[id];
          set({ downloads });
        }),
        listen('jobs.changed', ({ jobs }) => {
          const done = jobs.filter((j) => j.state === 'done' && j.taskId !== null);
          if (done.length === 0) return;
          void (async () => {
            const db = await getDb();
            const lists = await Promise.all(done.map((j) => getHistoryByTask(db, j.taskId as string)));
            upsert(lists.flat());
          })();
        }),
      ];
      void (async () => {
        try {
          const db = await getDb();
          const first = await newestHistoryItems(db, FIRST_PAGE);
          const items: Record<string, HistoryItem> = {};
          for (const item of first) items[item.id] = item;
          const entries = first.map(toEntry);
          set({ entries, items, results: recompute(entries, get().filter) });
          await kit.loadWholeIndex();
        } catch (e) {
          set({ error: toSerializedError(e), indexReady: true });
        }
      })();
      void send('media.list', {})
        .then(({ jobs }) => set({ downloads: Object.fromEntries(jobs.map((j) => [j.id, j])) }))
        .catch(() => {});
      return () => {
        for (const stop of stops) stop();
      };
    },

    setFilter(patch) {
      const filter = { ...get().filter, ...patch };
      const started = performance.now();
      const results = recompute(get().entries, filter);
      // Named so the benchmark can tell the search itself from rendering (tests/bench/history.ts).
      performance.measure('history.search', { start: started });
      set({ filter, results });
    },
    resetFilter() {
      set({ filter: DEFAULT_FILTER, results: recompute(get().entries, DEFAULT_FILTER) });
    },

    ensureItems(ids) {
      ensureQueue.push(...ids);
      if (ensureScheduled) return;
      ensureScheduled = true;
      queueMicrotask(flushEnsure);
    },

    requestResolve(id) {
      if (resolveAsked.has(id)) return;
      resolveAsked.add(id);
      void send('history.resolve', { id })
        .then(({ item }) => {
          if (item) upsert([item]);
        })
        .catch(() => {});
    },

    async loadItem(id) {
      if (get().items[id]) return true;
      const item = await getHistoryItem(await getDb(), id);
      if (!item || item.status === 'deleted') return false;
      upsert([item]);
      return true;
    },

    async extensionsOf(id) {
      try {
        return (await getExtensionsOf(await getDb(), id)).map((i) => i.id);
      } catch {
        return [];
      }
    },
  };
}

type SelectionActions = 'toggle' | 'selectRange' | 'selectAll' | 'clearSelection';

function selectionSlice(set: SetState, get: GetState): Pick<HistoryState, SelectionActions> {
  return {
    toggle(id) {
      const selection = new Set(get().selection);
      if (selection.has(id)) selection.delete(id);
      else selection.add(id);
      set({ selection, anchor: id });
    },
    selectRange(id) {
      const { results, anchor } = get();
      const a = anchor === null ? -1 : results.findIndex((e) => e.id === anchor);
      const b = results.findIndex((e) => e.id === id);
      if (a < 0 || b < 0) return get().toggle(id);
      const selection = new Set(get().selection);
      for (let i = Math.min(a, b); i <= Math.max(a, b); i++) selection.add((results[i] as IndexEntry).id);
      set({ selection, anchor: id });
    },
    selectAll() {
      set({ selection: new Set(get().results.map((e) => e.id)) });
    },
    clearSelection() {
      set({ selection: new Set(), anchor: null });
    },
  };
}

type DownloadActions = 'download' | 'cancelDownloads' | 'confirmHost' | 'publishAgain' | 'clearDownloads';

/** Downloads, asked of the media worker in the background. */
function downloadsSlice(set: SetState, get: GetState, kit: HistoryKit): Pick<HistoryState, DownloadActions> {
  const { act } = kit;
  return {
    async download(ids, mode) {
      if (ids.length === 0) return;
      // The downloads panel names each file by its prompt.
      get().ensureItems(ids);
      const res = await act(() => send('media.download', { ids: [...ids], mode }));
      if (!res) return;
      const downloads = { ...get().downloads };
      for (const job of res.jobs) downloads[job.id] = job;
      set({ downloads });
    },
    async cancelDownloads(ids) {
      await act(() => send('media.cancel', { ids: [...ids] }));
    },
    async confirmHost(host) {
      await act(() => send('media.confirmHost', { host }));
    },
    async publishAgain(ids) {
      await act(() => send('media.publishAgain', { ids: [...ids] }));
    },
    async clearDownloads() {
      await act(async () => {
        await send('media.clearFinished', {});
        const downloads = Object.fromEntries(
          Object.entries(get().downloads).filter(
            ([, j]) => !['done', 'no_clean', 'failed', 'canceled'].includes(j.state),
          ),
        );
        set({ downloads });
      });
    },
  };
}

type ItemActions = 'remove' | 'rerun' | 'extend' | 'remix' | 'share' | 'unpublish';

/** What is done with items: delete, run again, extend, remix, share, unpublish. */
function itemSlice(set: SetState, get: GetState, kit: HistoryKit): Pick<HistoryState, ItemActions> {
  const { act, upsert } = kit;
  return {
    async remove(ids) {
      await act(async () => {
        const { removed } = await send('history.delete', { ids: [...ids] });
        upsert([], removed);
        set({ notice: { key: 'history.deleted', params: { count: removed.length }, tone: 'ok' } });
      });
    },

    async rerun(id) {
      const item = get().items[id];
      const again = item ? rerunInput(item) : null;
      if (!again) return;
      const res = await act(() => send('jobs.enqueue', { inputs: [again.input] }));
      if (res) {
        set({
          notice: {
            key: again.withoutStartImage ? 'history.rerun.noImage' : 'history.rerun.queued',
            tone: again.withoutStartImage ? 'warn' : 'ok',
          },
        });
      }
    },

    async extend(id, seconds, prompt) {
      const item = get().items[id];
      if (!item) return null;
      try {
        await send('jobs.enqueue', { inputs: [extendInput(item, seconds, prompt)] });
      } catch (e) {
        return toSerializedError(e);
      }
      set({ notice: { key: 'history.extend.queued', tone: 'ok' } });
      return null;
    },

    async remix(id) {
      const item = get().items[id];
      if (!item) return false;
      const shared = await act(() => send('media.share', { id }));
      if (!shared) return false;
      const intent: RemixIntent = {
        view: 'create',
        remixTarget: shared.postId,
        createdAt: Date.now(),
        ...(item.thumbnailUrl?.startsWith('https:') ? { thumbnail: item.thumbnailUrl } : {}),
        ...(item.prompt ? { prompt: item.prompt.slice(0, 10_000) } : {}),
      };
      // The same hand-over the "Remix this" menu uses: the Create view picks it up and comes forward.
      await remixIntentItem.setValue(intent);
      return true;
    },

    async share(id) {
      const res = await act(() => send('media.share', { id }));
      return res?.url ?? null;
    },
    async unpublish(id) {
      const res = await act(() => send('media.unpublish', { id }));
      if (res?.item) upsert([res.item]);
    },
  };
}

type ExchangeActions = 'importFromSora' | 'exportFile' | 'importFile' | 'setNotice' | 'dismissError';

/** Import from Sora, export and import files; the notices they leave. */
function exchangeSlice(set: SetState, get: GetState, kit: HistoryKit): Pick<HistoryState, ExchangeActions> {
  const { act, upsert } = kit;
  return {
    async importFromSora(full = false) {
      set({ importing: { pages: 0, added: 0, updated: 0 }, error: null });
      const summary = await act(() => send('history.importFromSora', { full }));
      set({ importing: null, ...(summary ? { lastImport: summary } : {}) });
      if (summary) {
        set({ notice: { key: 'history.import.done', params: { added: summary.added }, tone: 'ok' } });
      }
    },

    async exportFile(format, onlySelected) {
      const db = await getDb();
      const { selection, filter } = get();
      const items = onlySelected
        ? (await getHistoryItems(db, [...selection])).filter((i): i is HistoryItem => !!i)
        : await queryHistory(db, filter);
      items.sort((a, b) => b.createdAt - a.createdAt);
      const date = new Date().toISOString().slice(0, 10);
      return format === 'json'
        ? { name: `sora-history-${date}.json`, text: exportJson(items), type: 'application/json' }
        : { name: `sora-history-${date}.csv`, text: exportCsv(items), type: 'text/csv' };
    },

    async importFile(file) {
      await act(async () => {
        const refuse = (reason: string) =>
          set({ notice: { key: 'history.fileImport.bad', params: { reason }, tone: 'error' } });
        if (file.size > MAX_HISTORY_FILE_BYTES) {
          const sizes = { size: formatBytes(file.size), max: formatBytes(MAX_HISTORY_FILE_BYTES) };
          refuse(t('history.fileImport.reason.tooBig', sizes));
          return;
        }
        let items: HistoryItem[];
        try {
          items = parseHistoryFile(await file.text());
        } catch (e) {
          if (!(e instanceof ImportFileError)) throw e;
          refuse(t(e.key, e.params));
          return;
        }
        const result = await send('history.importItems', { items });
        upsert([...result.added, ...result.updated]);
        set({
          notice: {
            key: 'history.fileImport.done',
            params: { added: result.added.length, skipped: items.length - result.added.length },
            tone: 'ok',
          },
        });
      });
    },

    setNotice(notice) {
      set({ notice });
    },
    dismissError() {
      set({ error: null });
    },
  };
}
