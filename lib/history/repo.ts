/**
 * History records in IndexedDB, beyond the engine's plain writes: merges without duplicates, patches,
 * tombstones, chunked reads for the search index, and indexed queries. Used by the background and, for
 * reads and local edits, directly by the History view (same origin, no message round trip).
 */
import { unwrap } from 'idb';
import type { HistoryItem } from '../db/history-record';
import type { CompanionDb } from '../db/schema';
import { mergeItem } from './merge';
import { compileFilter, type HistoryFilter, isDefaultFilter, toEntry } from './search';

export interface MergeResult {
  /** New items, and stored ones that changed, as written. */
  added: HistoryItem[];
  updated: HistoryItem[];
  /** Already there unchanged, or deleted by the user. */
  skipped: number;
}

/** Writes items keyed by generation id: new ones are added, known ones merged, deleted ones left alone. */
export async function mergeHistoryItems(
  db: CompanionDb,
  incoming: readonly HistoryItem[],
  now: number,
): Promise<MergeResult> {
  const added = new Map<string, HistoryItem>();
  const updated = new Map<string, HistoryItem>();
  let skipped = 0;
  if (incoming.length === 0) return { added: [], updated: [], skipped };
  const tx = db.transaction('history', 'readwrite');
  for (const fresh of incoming) {
    const stored = added.get(fresh.id) ?? updated.get(fresh.id) ?? (await tx.store.get(fresh.id));
    if (!stored) {
      const item = { ...fresh, updatedAt: now };
      await tx.store.put(item);
      added.set(item.id, item);
      continue;
    }
    const merged = mergeItem(stored, fresh, now);
    if (merged === null) {
      skipped++;
      continue;
    }
    await tx.store.put(merged);
    (added.has(merged.id) ? added : updated).set(merged.id, merged);
  }
  await tx.done;
  return { added: [...added.values()], updated: [...updated.values()], skipped };
}

/** Changes some fields of one item (in one transaction with the read). `undefined` when it is gone. */
export async function patchHistoryItem(
  db: CompanionDb,
  id: string,
  patch: Partial<Omit<HistoryItem, 'id'>>,
  now: number,
): Promise<HistoryItem | undefined> {
  const tx = db.transaction('history', 'readwrite');
  const stored = await tx.store.get(id);
  if (!stored || stored.status === 'deleted') {
    await tx.done;
    return undefined;
  }
  const next: HistoryItem = { ...stored, ...patch, id, updatedAt: now };
  await tx.store.put(next);
  await tx.done;
  return next;
}

/**
 * Removes items from history. A small tombstone stays, so a later "Import from Sora" does not bring them
 * back; prompts and URLs go.
 */
export async function deleteHistoryItems(
  db: CompanionDb,
  ids: readonly string[],
  now: number,
): Promise<string[]> {
  const tx = db.transaction('history', 'readwrite');
  const removed: string[] = [];
  for (const id of ids) {
    const stored = await tx.store.get(id);
    if (!stored || stored.status === 'deleted') continue;
    await tx.store.put({
      id,
      taskId: stored.taskId,
      jobId: null,
      kind: stored.kind,
      prompt: '',
      params: {},
      url: '',
      createdAt: stored.createdAt,
      status: 'deleted',
      updatedAt: now,
    });
    removed.push(id);
  }
  await tx.done;
  return removed;
}

/** Items by id, in the order asked (`undefined` for unknown ids). One read transaction. */
export async function getHistoryItems(
  db: CompanionDb,
  ids: readonly string[],
): Promise<(HistoryItem | undefined)[]> {
  const tx = db.transaction('history');
  const out = await Promise.all(ids.map((id) => tx.store.get(id)));
  await tx.done;
  return out;
}

/** `IDBIndex.getAllRecords` (newer browsers): the newest N records in one request instead of N cursor steps. */
type GetAllRecords = (options: {
  direction?: IDBCursorDirection;
  count?: number;
}) => IDBRequest<{ value: HistoryItem }[]>;

/** The newest visible items (deleted ones skipped): what the History view paints first. */
export async function newestHistoryItems(db: CompanionDb, limit: number): Promise<HistoryItem[]> {
  const index = db.transaction('history').store.index('by-created');
  const raw = unwrap(index) as IDBIndex & { getAllRecords?: GetAllRecords };
  if (typeof raw.getAllRecords === 'function') {
    // A few extra cover tombstones among the newest.
    const request = raw.getAllRecords({ direction: 'prev', count: limit + 20 });
    const records = await new Promise<{ value: HistoryItem }[]>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const items = records.map((r) => r.value).filter((i) => i.status !== 'deleted');
    if (items.length >= limit || records.length < limit + 20) return items.slice(0, limit);
  }
  const out: HistoryItem[] = [];
  let cursor = await db.transaction('history').store.index('by-created').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    if (cursor.value.status !== 'deleted') out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/**
 * Every item, in chunks of `size` in key order (exact paging: ids are unique, times are not). Each chunk
 * is one short read, so the page stays responsive while 50,000 items load.
 */
export async function* historyChunks(db: CompanionDb, size = 2000): AsyncGenerator<HistoryItem[]> {
  let after: string | undefined;
  for (;;) {
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const chunk = await db.getAll('history', range, size);
    if (chunk.length === 0) return;
    yield chunk;
    if (chunk.length < size) return;
    after = chunk[chunk.length - 1]?.id;
  }
}

/**
 * Visible items matching a filter, newest first, at most `limit`. Narrows with an index where the filter
 * allows (downloaded items, one kind, a date range), then checks the rest per item.
 */
export async function queryHistory(
  db: CompanionDb,
  filter: HistoryFilter,
  limit = Number.POSITIVE_INFINITY,
): Promise<HistoryItem[]> {
  const test = compileFilter(filter);
  const keep = (item: HistoryItem) => item.status !== 'deleted' && test(toEntry(item));
  let candidates: HistoryItem[];
  if (filter.downloaded === 'yes') {
    candidates = await db.getAllFromIndex('history', 'by-downloaded');
  } else if (filter.kinds.length === 1 && filter.kinds[0] !== undefined) {
    candidates = await db.getAllFromIndex('history', 'by-kind', filter.kinds[0]);
  } else if (filter.from !== null || filter.to !== null) {
    const lower = filter.from ?? Number.NEGATIVE_INFINITY;
    const upper = filter.to ?? Number.POSITIVE_INFINITY;
    candidates = await db.getAllFromIndex('history', 'by-created', IDBKeyRange.bound(lower, upper));
  } else if (isDefaultFilter(filter) && Number.isFinite(limit)) {
    return newestHistoryItems(db, limit);
  } else {
    candidates = await db.getAll('history');
  }
  return candidates
    .filter(keep)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .slice(0, limit);
}
