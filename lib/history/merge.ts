/**
 * The merge rule that keeps one item per generation id whoever wrote it first: the engine's record keeps
 * its job, kind and settings; a fresh answer from Sora brings new signed URLs; a file brings what is
 * missing. An item the user deleted stays deleted.
 */
import type { HistoryItem } from '../db/history-record';
import { MEDIA_FIELD_KEYS } from '../db/media-fields';

/** Fields Sora's answer refreshes (signed URLs and what describes the file). */
const FRESH_FIELDS = ['url', ...MEDIA_FIELD_KEYS] as const;

/**
 * One item from a stored one and a fresh one with the same id. `null`: keep the stored item as it is
 * (it was deleted from history by the user, or nothing changed).
 */
export function mergeItem(stored: HistoryItem, fresh: HistoryItem, now: number): HistoryItem | null {
  if (stored.status === 'deleted') return null;
  const out: HistoryItem = { ...stored };
  let changed = false;
  for (const key of FRESH_FIELDS) {
    const value = fresh[key];
    if (value !== undefined && value !== '' && value !== stored[key]) {
      (out as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
  }
  // The draft's own files only grow: a file once seen as the draft's stays the watermarked original.
  const files = [...new Set([...(stored.draftFiles ?? []), ...(fresh.draftFiles ?? [])])];
  if (files.length > (stored.draftFiles?.length ?? 0)) {
    out.draftFiles = files;
    changed = true;
  }
  if (stored.prompt === '' && fresh.prompt !== '') {
    out.prompt = fresh.prompt;
    changed = true;
  }
  if (Object.keys(stored.params).length === 0 && Object.keys(fresh.params).length > 0) {
    out.params = fresh.params;
    changed = true;
  }
  for (const key of ['title', 'orientation', 'nFrames', 'reason'] as const) {
    if (stored[key] === undefined && fresh[key] !== undefined) {
      (out as unknown as Record<string, unknown>)[key] = fresh[key];
      changed = true;
    }
  }
  if (stored.status !== fresh.status && fresh.status !== 'deleted') {
    out.status = fresh.status;
    changed = true;
  }
  if (!stored.taskId && fresh.taskId) {
    out.taskId = fresh.taskId;
    changed = true;
  }
  if (!changed) return null;
  out.resolvedAt = fresh.resolvedAt ?? now;
  out.updatedAt = now;
  return out;
}
