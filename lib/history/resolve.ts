/**
 * Fresh media URLs for stored items. Sora signs its media URLs for a few days; history keeps the ids and
 * reads the URLs again when one answers 403 / 404: from the kept post when there is one, from the recent
 * image tasks for images, else by paging through the drafts until the generation turns up.
 *
 * Requests that arrive together (a screen of expired thumbnails) are answered by ONE pass over the drafts.
 */
import type { HistoryItem } from '../db/history-record';
import type { CompanionDb } from '../db/schema';
import { SoraError } from '../sora/errors';
import { findAttachment, thumbnailUrl } from '../sora/media';
import { DRAFTS_PAGE_SIZE, IMAGE_TASKS_LIMIT } from './import';
import { itemFromDraft, itemsFromImageTask } from './items';
import { getHistoryItems, mergeHistoryItems, patchHistoryItem } from './repo';
import type { HistorySoraPort } from './sora-port';

/** Drafts pages read at most while looking for old generations (100 per page). */
export const RESOLVE_MAX_PAGES = 100;

export interface ResolveDeps {
  db: () => Promise<CompanionDb>;
  sora: HistorySoraPort;
  now?: () => number;
  maxPages?: number;
  /** Items whose URLs were refreshed. */
  onItems?(items: HistoryItem[]): void;
  /** How long a pass waits for more requests to join it (messages arrive one task apart). Default 30 ms. */
  batchDelayMs?: number;
}

/** Fresh URLs for `ids`: the refreshed item, or null when Sora no longer lists it (or it is not in history). */
export async function resolveItems(
  deps: ResolveDeps,
  ids: readonly string[],
): Promise<Map<string, HistoryItem | null>> {
  const db = await deps.db();
  const now = deps.now ?? Date.now;
  const out = new Map<string, HistoryItem | null>(ids.map((id) => [id, null]));
  const stored = await getHistoryItems(db, ids);
  const wanted = new Map<string, HistoryItem>();
  for (const item of stored) if (item && item.status !== 'deleted') wanted.set(item.id, item);
  const fresh: HistoryItem[] = [];

  // Kept posts: one read each.
  for (const item of [...wanted.values()]) {
    if (!item.postId) continue;
    try {
      const post = await deps.sora.getPost(item.postId);
      const att = findAttachment(post, item.id);
      if (att?.url) {
        const thumb = att ? thumbnailUrl(att) : undefined;
        fresh.push({ ...item, url: att.url, ...(thumb ? { thumbnailUrl: thumb } : {}), resolvedAt: now() });
        wanted.delete(item.id);
      }
    } catch (e) {
      if (!(e instanceof SoraError && e.code === 'not_found')) throw e;
      // Deleted on Sora: forget the link, look for the draft instead.
      await patchHistoryItem(db, item.id, { postId: undefined }, now());
    }
  }

  const images = [...wanted.values()].filter((i) => i.kind === 'image');
  if (images.length > 0) {
    const tasks = await deps.sora.listImageTasks(IMAGE_TASKS_LIMIT);
    for (const item of tasks.flatMap((t) => itemsFromImageTask(t, now()))) {
      if (wanted.has(item.id)) {
        fresh.push(item);
        wanted.delete(item.id);
      }
    }
    for (const i of images) wanted.delete(i.id);
  }

  let cursor: string | undefined;
  for (let page = 0; wanted.size > 0 && page < (deps.maxPages ?? RESOLVE_MAX_PAGES); page++) {
    const res = await deps.sora.listDrafts(DRAFTS_PAGE_SIZE, cursor);
    for (const draft of res.items) {
      if (!wanted.has(draft.id)) continue;
      const item = itemFromDraft(draft, now());
      if (item) fresh.push(item);
      wanted.delete(draft.id);
    }
    if (res.cursor === null || res.items.length === 0 || res.cursor === cursor) break;
    cursor = res.cursor;
  }

  const merged = await mergeHistoryItems(db, fresh, now());
  const changed = [...merged.added, ...merged.updated];
  for (const item of changed) out.set(item.id, item);
  // Found but unchanged (Sora answered the same URL): the stored item is current.
  for (const item of fresh)
    if (out.get(item.id) === null) out.set(item.id, stored.find((s) => s?.id === item.id) ?? null);
  if (changed.length > 0) deps.onItems?.(changed);
  return out;
}

/** `resolve(id)` calls made while a pass runs wait for the next pass, which serves them all at once. */
export function createResolver(deps: ResolveDeps) {
  const waiting = new Map<string, ((item: HistoryItem | null, error?: unknown) => void)[]>();
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (waiting.size > 0) {
      const batch = new Map(waiting);
      waiting.clear();
      try {
        const results = await resolveItems(deps, [...batch.keys()]);
        for (const [id, settle] of batch) for (const s of settle) s(results.get(id) ?? null);
      } catch (e) {
        for (const settle of batch.values()) for (const s of settle) s(null, e);
      }
    }
  }

  const kick = () => {
    if (running) return;
    // A little later, so requests arriving together (a screen of expired thumbnails) share one pass.
    const delay = deps.batchDelayMs ?? 30;
    running = new Promise<void>((r) => setTimeout(r, delay)).then(drain).finally(() => {
      running = null;
      if (waiting.size > 0) kick();
    });
  };

  return {
    resolve(id: string): Promise<HistoryItem | null> {
      return new Promise((resolve, reject) => {
        const list = waiting.get(id) ?? [];
        list.push((item, error) => (error === undefined ? resolve(item) : reject(error)));
        waiting.set(id, list);
        kick();
      });
    },
  };
}

export type Resolver = ReturnType<typeof createResolver>;
