/**
 * A cached copy of the search index in IndexedDB (`historyIndex` store), so the History view loads 50,000
 * entries with a handful of large reads instead of 50,000 record reads (which take seconds). Columnar:
 * each chunk keeps one string per text column and typed arrays for the rest, which the browser copies in
 * and out nearly for free.
 *
 * It is a cache, never the truth. Whoever writes history (the engine included, which knows nothing of it)
 * stamps `createdAt` or `updatedAt`, both indexed: loading reads the snapshot, then the items stamped since
 * it was made (with a margin for clock steps), and checks the total against the store. Anything off, and
 * the index is rebuilt from the items themselves. Only a page that has just loaded writes a snapshot.
 */

import type { SnapshotChunk, SnapshotMeta } from '../db/history-index';
import type { FileSource, HistoryItem, HistoryOrientation, HistoryStatus } from '../db/history-record';
import type { JobKind } from '../db/job-record';
import type { CompanionDb } from '../db/schema';
import { historyChunks } from './repo';
import { applyToIndex, compareEntries, type IndexEntry, SEPARATOR, toEntry } from './search';

/** 2: flags carry the file source (older snapshots are rebuilt from the items). */
export const SNAPSHOT_VERSION = 2;
const CHUNK = 10_000;
/** Items stamped this long before the snapshot are read again: a clock step must not hide a change. */
export const SNAPSHOT_MARGIN_MS = 5 * 60_000;

const KINDS: readonly JobKind[] = ['video', 'remix', 'storyboard', 'image', 'extend'];
const STATUSES: readonly HistoryStatus[] = ['ready', 'violation', 'failed', 'deleted'];
const ORIENTATIONS: readonly (HistoryOrientation | null)[] = [null, 'landscape', 'portrait', 'square'];
const FILE_SOURCES: readonly (FileSource | null)[] = [null, 'post_attachment', 'parse_service', 'original'];

export function encodeChunk(id: string, entries: readonly IndexEntry[]): SnapshotChunk {
  const n = entries.length;
  const chunk: SnapshotChunk = {
    id,
    ids: entries.map((e) => e.id).join(SEPARATOR),
    shown: entries.map((e) => e.shown).join(SEPARATOR),
    texts: entries.map((e) => e.text).join(SEPARATOR),
    created: new Float64Array(n),
    kinds: new Uint8Array(n),
    statuses: new Uint8Array(n),
    orientations: new Uint8Array(n),
    flags: new Uint8Array(n),
  };
  entries.forEach((e, i) => {
    chunk.created[i] = e.createdAt;
    chunk.kinds[i] = Math.max(0, KINDS.indexOf(e.kind));
    chunk.statuses[i] = Math.max(0, STATUSES.indexOf(e.status));
    chunk.orientations[i] = Math.max(0, ORIENTATIONS.indexOf(e.orientation));
    chunk.flags[i] =
      (e.downloaded ? 1 : 0) |
      (e.clean ? 2 : 0) |
      (Math.max(0, FILE_SOURCES.indexOf(e.fileSource)) << 2) |
      (e.fellBack ? 16 : 0);
  });
  return chunk;
}

export function decodeChunk(chunk: SnapshotChunk, out: IndexEntry[]): void {
  const n = chunk.created.length;
  if (n === 0) return;
  const ids = chunk.ids.split(SEPARATOR);
  const shown = chunk.shown.split(SEPARATOR);
  const texts = chunk.texts.split(SEPARATOR);
  if (ids.length !== n || shown.length !== n || texts.length !== n)
    throw new Error('snapshot chunk is damaged');
  for (let i = 0; i < n; i++) {
    const flags = chunk.flags[i] as number;
    out.push({
      id: ids[i] as string,
      createdAt: chunk.created[i] as number,
      kind: KINDS[chunk.kinds[i] as number] ?? 'video',
      status: STATUSES[chunk.statuses[i] as number] ?? 'ready',
      orientation: ORIENTATIONS[chunk.orientations[i] as number] ?? null,
      downloaded: (flags & 1) !== 0,
      clean: (flags & 2) !== 0,
      fileSource: FILE_SOURCES[(flags >> 2) & 3] ?? null,
      fellBack: (flags & 16) !== 0,
      shown: shown[i] as string,
      text: texts[i] as string,
    });
  }
}

export interface LoadedIndex {
  /** Newest first, deleted items left out. */
  entries: IndexEntry[];
  tombstones: string[];
  /** When the state was read (the `asOf` of a snapshot written from it). */
  asOf: number;
  /** How it was loaded: from the snapshot (plus `changed` items), or rebuilt from every item. */
  from: 'snapshot' | 'items';
  changed: number;
}

/** The whole index from the items themselves (first run, or when the snapshot cannot be trusted). */
export async function rebuildIndex(
  db: CompanionDb,
  now: number,
  onChunk?: () => Promise<void>,
): Promise<LoadedIndex> {
  const entries: IndexEntry[] = [];
  const tombstones: string[] = [];
  for await (const chunk of historyChunks(db, 2500)) {
    for (const item of chunk) {
      if (item.status === 'deleted') tombstones.push(item.id);
      else entries.push(toEntry(item));
    }
    await onChunk?.();
  }
  entries.sort(compareEntries);
  return { entries, tombstones, asOf: now, from: 'items', changed: entries.length };
}

async function readSnapshot(db: CompanionDb): Promise<{ meta: SnapshotMeta; entries: IndexEntry[] } | null> {
  const records = await db.getAll('historyIndex');
  const meta = records.find((r): r is SnapshotMeta => r.id === 'meta');
  if (!meta || meta.version !== SNAPSHOT_VERSION) return null;
  const entries: IndexEntry[] = [];
  for (let i = 0; i < meta.chunks; i++) {
    const chunk = records.find((r) => r.id === `chunk-${i}`) as SnapshotChunk | undefined;
    if (!chunk) return null;
    decodeChunk(chunk, entries);
  }
  return entries.length === meta.entries ? { meta, entries } : null;
}

/** Items written since `since` (new ones by creation time, changed ones by update time). */
async function changedSince(db: CompanionDb, since: number): Promise<HistoryItem[]> {
  const tx = db.transaction('history');
  const range = IDBKeyRange.lowerBound(since);
  const [created, updated] = await Promise.all([
    tx.store.index('by-created').getAll(range),
    tx.store.index('by-updated').getAll(range),
  ]);
  await tx.done;
  const byId = new Map<string, HistoryItem>();
  for (const item of [...created, ...updated]) byId.set(item.id, item);
  return [...byId.values()];
}

/** The index: the snapshot brought up to date when it can be trusted, else rebuilt from the items. */
export async function loadIndex(
  db: CompanionDb,
  now: number,
  onChunk?: () => Promise<void>,
): Promise<LoadedIndex> {
  let snapshot: Awaited<ReturnType<typeof readSnapshot>> = null;
  try {
    snapshot = await readSnapshot(db);
  } catch {
    snapshot = null;
  }
  if (snapshot) {
    const changed = await changedSince(db, snapshot.meta.asOf - SNAPSHOT_MARGIN_MS);
    const gone = changed.filter((i) => i.status === 'deleted').map((i) => i.id);
    const entries = applyToIndex(
      snapshot.entries,
      changed.filter((i) => i.status !== 'deleted').map(toEntry),
      gone,
    );
    const revived = new Set(changed.filter((c) => c.status !== 'deleted').map((c) => c.id));
    const tombstones = [...new Set([...snapshot.meta.tombstones, ...gone])].filter((id) => !revived.has(id));
    const known = new Set(entries.map((e) => e.id));
    for (const id of tombstones) known.add(id);
    if (known.size === (await db.count('history'))) {
      return { entries, tombstones, asOf: now, from: 'snapshot', changed: changed.length };
    }
  }
  return rebuildIndex(db, now, onChunk);
}

/** Replaces the snapshot with `index` (one transaction: a reader sees the old one or the new one). */
export async function writeSnapshot(
  db: CompanionDb,
  index: Pick<LoadedIndex, 'entries' | 'tombstones' | 'asOf'>,
) {
  const chunks: SnapshotChunk[] = [];
  for (let i = 0; i * CHUNK < index.entries.length; i++) {
    chunks.push(encodeChunk(`chunk-${i}`, index.entries.slice(i * CHUNK, (i + 1) * CHUNK)));
  }
  const meta: SnapshotMeta = {
    id: 'meta',
    version: SNAPSHOT_VERSION,
    asOf: index.asOf,
    chunks: chunks.length,
    entries: index.entries.length,
    tombstones: index.tombstones,
  };
  const tx = db.transaction('historyIndex', 'readwrite');
  await tx.store.clear();
  await Promise.all([...chunks.map((c) => tx.store.put(c)), tx.store.put(meta), tx.done]);
}
