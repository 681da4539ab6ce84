/**
 * Saved storyboards and the autosaved draft, in the `storyboards` store (keyPath `id`, index `by-updated`).
 *
 * One store holds both kinds: the saved boards the user named and the single working draft (id
 * `DRAFT_ID`, `kind: 'draft'`), which remembers which saved board it was opened from. Keeping the draft
 * beside the boards lets "open", "save" and "keep the previous draft" be one transaction each. Records are
 * revived on every read (lib/storyboard/revive.ts), so an old or damaged record never breaks the editor.
 *
 * The start image is stored as a Blob inside the record, not in the `files` store: files there belong to
 * jobs and are deleted with them, while a storyboard's picture must live as long as the storyboard.
 */

import type { CompanionDb, StoredRecord } from '../db/schema';
import { randomId } from '../util/id';
import { type MentionCandidate, toMentionCandidates } from './mentions';
import type { Storyboard } from './model';
import { reviveStoryboard } from './revive';
import { normalizeOptions, type StoryboardOptions } from './submit';

export const DRAFT_ID = 'draft';

/** A picked start image, kept with the board until it is replaced or removed. */
export interface StoryboardImage {
  blob: Blob;
  name: string;
  type: string;
  size: number;
}

/** Everything the editor edits: what is saved, restored and sent. */
export interface StoryboardContent {
  name: string;
  storyboard: Storyboard;
  options: StoryboardOptions;
  startImage: StoryboardImage | null;
}

export interface SavedStoryboard extends StoryboardContent {
  id: string;
  kind: 'saved';
  createdAt: number;
  updatedAt: number;
}

export interface StoryboardDraftRecord extends StoryboardContent {
  id: typeof DRAFT_ID;
  kind: 'draft';
  /** The saved board this draft was opened from or last saved as; null for a board never saved. */
  savedId: string | null;
  updatedAt: number;
}

function reviveImage(value: unknown): StoryboardImage | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!(v.blob instanceof Blob)) return null;
  return {
    blob: v.blob,
    name: typeof v.name === 'string' ? v.name : '',
    type: typeof v.type === 'string' ? v.type : v.blob.type,
    size: typeof v.size === 'number' ? v.size : v.blob.size,
  };
}

/** The editable content of any stored record, or null when it holds no storyboard at all. */
export function reviveContent(record: Record<string, unknown>): StoryboardContent | null {
  const storyboard = reviveStoryboard(record.storyboard);
  if (!storyboard) return null;
  return {
    name: typeof record.name === 'string' ? record.name : '',
    storyboard,
    options: normalizeOptions(record.options),
    startImage: reviveImage(record.startImage),
  };
}

function reviveSaved(record: StoredRecord | undefined): SavedStoryboard | null {
  if (record?.kind !== 'saved') return null;
  const content = reviveContent(record);
  if (!content) return null;
  const updatedAt = typeof record.updatedAt === 'number' ? record.updatedAt : 0;
  return {
    ...content,
    id: record.id,
    kind: 'saved',
    createdAt: typeof record.createdAt === 'number' ? record.createdAt : updatedAt,
    updatedAt,
  };
}

function content(c: StoryboardContent): StoryboardContent {
  // Only these fields are written: a caller's extra state (UI flags) never ends up in the database.
  return { name: c.name, storyboard: c.storyboard, options: c.options, startImage: c.startImage };
}

/** Saved storyboards, most recently changed first. */
export async function listStoryboards(db: CompanionDb): Promise<SavedStoryboard[]> {
  const out: SavedStoryboard[] = [];
  let cursor = await db.transaction('storyboards').store.index('by-updated').openCursor(null, 'prev');
  while (cursor) {
    const saved = reviveSaved(cursor.value);
    if (saved) out.push(saved);
    cursor = await cursor.continue();
  }
  return out;
}

export async function getStoryboard(db: CompanionDb, id: string): Promise<SavedStoryboard | null> {
  if (id === DRAFT_ID) return null;
  return reviveSaved(await db.get('storyboards', id));
}

/**
 * Saves `c` as board `id` (kept creation time), or as a new board when `id` is absent or unknown.
 * Returns the stored record.
 */
export async function saveStoryboard(
  db: CompanionDb,
  c: StoryboardContent,
  options: { id?: string | null; now?: number } = {},
): Promise<SavedStoryboard> {
  const now = options.now ?? Date.now();
  const tx = db.transaction('storyboards', 'readwrite');
  const existing = options.id ? reviveSaved(await tx.store.get(options.id)) : null;
  const record: SavedStoryboard = {
    ...content(c),
    id: existing?.id ?? randomId('sb'),
    kind: 'saved',
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await tx.store.put(record as unknown as StoredRecord);
  await tx.done;
  return record;
}

/** Renames a board; null when it does not exist. */
export async function renameStoryboard(
  db: CompanionDb,
  id: string,
  name: string,
  now = Date.now(),
): Promise<SavedStoryboard | null> {
  const tx = db.transaction('storyboards', 'readwrite');
  const existing = reviveSaved(await tx.store.get(id));
  if (!existing) {
    await tx.done;
    return null;
  }
  const record: SavedStoryboard = { ...existing, name, updatedAt: now };
  await tx.store.put(record as unknown as StoredRecord);
  await tx.done;
  return record;
}

/** A copy of a board under a new id and `name` (new shot ids too, so two open copies never share keys). */
export async function duplicateStoryboard(
  db: CompanionDb,
  id: string,
  name: string,
  now = Date.now(),
): Promise<SavedStoryboard | null> {
  const source = await getStoryboard(db, id);
  if (!source) return null;
  const storyboard: Storyboard = {
    ...source.storyboard,
    shots: source.storyboard.shots.map((shot) => ({ ...shot, id: randomId('shot') })),
  };
  return saveStoryboard(db, { ...source, name, storyboard }, { now });
}

export async function deleteStoryboard(db: CompanionDb, id: string): Promise<void> {
  if (id === DRAFT_ID) return;
  await db.delete('storyboards', id);
}

/** The autosaved working draft, or null when there is none (first use) or it is unreadable. */
export async function getDraft(db: CompanionDb): Promise<StoryboardDraftRecord | null> {
  const record = await db.get('storyboards', DRAFT_ID);
  if (record?.kind !== 'draft') return null;
  const c = reviveContent(record);
  if (!c) return null;
  return {
    ...c,
    id: DRAFT_ID,
    kind: 'draft',
    savedId: typeof record.savedId === 'string' ? record.savedId : null,
    updatedAt: typeof record.updatedAt === 'number' ? record.updatedAt : 0,
  };
}

export async function putDraft(
  db: CompanionDb,
  draft: StoryboardContent & { savedId: string | null },
  now = Date.now(),
): Promise<void> {
  const record: StoryboardDraftRecord = {
    ...content(draft),
    id: DRAFT_ID,
    kind: 'draft',
    savedId: draft.savedId,
    updatedAt: now,
  };
  await db.put('storyboards', record as unknown as StoredRecord);
}

/**
 * The user's characters as `@mention` suggestions. The `characters` store belongs to lib/characters; only
 * `username` / `displayName` are read, defensively, so a change of its other fields does not matter here.
 */
export async function listMentionCandidates(db: CompanionDb): Promise<MentionCandidate[]> {
  return toMentionCandidates(await db.getAll('characters'));
}
