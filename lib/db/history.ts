/**
 * Finished generations, newest first. The job engine writes one item per generation when a job completes;
 * the History feature builds on these records (search, filters, downloads).
 */
import type { HistoryItem } from './history-record';
import type { CompanionDb } from './schema';

export async function putHistoryItems(db: CompanionDb, items: readonly HistoryItem[]): Promise<void> {
  const tx = db.transaction('history', 'readwrite');
  await Promise.all([...items.map((item) => tx.store.put(item)), tx.done]);
}

export function getHistoryItem(db: CompanionDb, id: string): Promise<HistoryItem | undefined> {
  return db.get('history', id);
}

export function getHistoryByTask(db: CompanionDb, taskId: string): Promise<HistoryItem[]> {
  return db.getAllFromIndex('history', 'by-task', taskId);
}

/** The extensions made of a video (through the 'by-kind' index: only extensions are read). */
export async function getExtensionsOf(db: CompanionDb, generationId: string): Promise<HistoryItem[]> {
  const all = await db.getAllFromIndex('history', 'by-kind', 'extend');
  return all
    .filter((i) => i.status !== 'deleted' && i.extendedFrom?.generationId === generationId)
    .sort((a, b) => b.createdAt - a.createdAt);
}

export function countHistory(db: CompanionDb): Promise<number> {
  return db.count('history');
}

/** Newest first; `before` (epoch ms, exclusive) pages further back. */
export async function listHistory(
  db: CompanionDb,
  opts: { limit: number; before?: number },
): Promise<HistoryItem[]> {
  const range = opts.before === undefined ? undefined : IDBKeyRange.upperBound(opts.before, true);
  const out: HistoryItem[] = [];
  let cursor = await db.transaction('history').store.index('by-created').openCursor(range, 'prev');
  while (cursor && out.length < opts.limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}
