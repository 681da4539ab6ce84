/**
 * "Import from Sora": brings in what was made elsewhere (sora.com, another device) by paging through the
 * drafts (cursor) and reading the recent image tasks. Items are keyed by generation id, so an import run
 * twice, or over what the queue already recorded, adds nothing twice.
 *
 * After one complete import, later ones stop at the first page that brings nothing new: drafts come newest
 * first, so what is older than that page is already known. `full` pages to the end regardless.
 */
import type { HistoryItem } from '../db/history-record';
import type { CompanionDb } from '../db/schema';
import { itemFromDraft, itemsFromImageTask } from './items';
import { mergeHistoryItems } from './repo';
import type { HistorySoraPort } from './sora-port';

export const IMPORT_META_KEY = 'history.import';
export const DRAFTS_PAGE_SIZE = 100;
/** Sora's recent-tasks list has no cursor: this many image tasks is what can be reached. */
export const IMAGE_TASKS_LIMIT = 100;
/** A stop for a cursor that never ends (a backend bug must not page forever). */
export const MAX_DRAFT_PAGES = 1000;

export interface ImportState {
  /** Epoch ms of the last import that reached the end of the drafts. */
  completedAt: number | null;
}

export interface ImportProgress {
  pages: number;
  added: number;
  updated: number;
}

export interface ImportSummary extends ImportProgress {
  skipped: number;
  images: number;
  /** The drafts were read to their end (or to known ground). */
  complete: boolean;
}

export interface ImportOptions {
  full?: boolean;
  now?: () => number;
  pageSize?: number;
  /** After each page is written: the items it added or changed. */
  onPage?(items: HistoryItem[], progress: ImportProgress): void;
}

async function readState(db: CompanionDb): Promise<ImportState> {
  const raw = (await db.get('meta', IMPORT_META_KEY)) as Partial<ImportState> | undefined;
  return { completedAt: typeof raw?.completedAt === 'number' ? raw.completedAt : null };
}

export async function importFromSora(
  db: CompanionDb,
  sora: HistorySoraPort,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const now = opts.now ?? Date.now;
  const pageSize = opts.pageSize ?? DRAFTS_PAGE_SIZE;
  const state = await readState(db);
  const incremental = !opts.full && state.completedAt !== null;
  const summary: ImportSummary = { pages: 0, added: 0, updated: 0, skipped: 0, images: 0, complete: false };
  const report = (items: HistoryItem[]) =>
    opts.onPage?.(items, { pages: summary.pages, added: summary.added, updated: summary.updated });

  // Images first: one read, and usually the newest things.
  const tasks = await sora.listImageTasks(IMAGE_TASKS_LIMIT);
  const images = tasks.flatMap((t) => itemsFromImageTask(t, now()));
  const imageResult = await mergeHistoryItems(db, images, now());
  summary.images = imageResult.added.length;
  summary.added += imageResult.added.length;
  summary.updated += imageResult.updated.length;
  summary.skipped += imageResult.skipped;
  report([...imageResult.added, ...imageResult.updated]);

  let cursor: string | undefined;
  for (let page = 0; page < MAX_DRAFT_PAGES; page++) {
    const res = await sora.listDrafts(pageSize, cursor);
    summary.pages++;
    const items = res.items.flatMap((d) => itemFromDraft(d, now()) ?? []);
    const result = await mergeHistoryItems(db, items, now());
    summary.added += result.added.length;
    summary.updated += result.updated.length;
    summary.skipped += result.skipped;
    report([...result.added, ...result.updated]);
    const knownGround = incremental && result.added.length === 0 && res.items.length > 0;
    if (res.cursor === null || res.items.length === 0 || knownGround) {
      summary.complete = true;
      break;
    }
    if (res.cursor === cursor) break;
    cursor = res.cursor;
  }
  if (summary.complete) await db.put('meta', { completedAt: now() } satisfies ImportState, IMPORT_META_KEY);
  return summary;
}
