/**
 * The UI's copy of the characters: hydrated by `characters.list`, kept live by `characters.changed`.
 * Records are kept by id and replaced only when newer, so a processing poll re-renders one card.
 */
import { create } from 'zustand';
import type { CharactersChanged } from '../characters/context';
import type { CreateCharacterRequest } from '../characters/create';
import type { FinishRequest } from '../characters/finish';
import { byNewest, type CharacterRecord, isAuto, type Visibility } from '../characters/model';
import { generationDurationSec, isCharacterSource } from '../characters/validate';
import type { HistoryItem } from '../db/history-record';
import { getDb } from '../db/schema';
import { getHistoryItems, queryHistory } from '../history/repo';
import { DEFAULT_FILTER } from '../history/search';
import { listen, send } from '../messaging/transport';
import { type SerializedError, toSerializedError } from '../sora/errors';

export interface CharactersState {
  records: Readonly<Record<string, CharacterRecord>>;
  /** Newest first. */
  ids: readonly string[];
  loaded: boolean;
  /** The last failed list request, for a notice. */
  error: SerializedError | null;
  start(): () => void;
  hydrate(): Promise<void>;
  applyChange(change: CharactersChanged): void;
  /** The actions resolve with the error (to show beside the control that asked), or null. */
  create(req: CreateCharacterRequest): Promise<SerializedError | null>;
  finish(id: string, req: FinishRequest): Promise<SerializedError | null>;
  retry(id: string): Promise<SerializedError | null>;
  remove(id: string): Promise<SerializedError | null>;
  setVisibility(id: string, visibility: Visibility): Promise<SerializedError | null>;
  /** "Make a character from this video" (History): the History item to preselect, once. */
  fromVideo: { historyId: string; seq: number } | null;
  /** Asks the Characters view to open "From a video you made" with this History item chosen. */
  requestFromVideo(historyId: string): void;
  /** Hands the waiting request over (once) and forgets it. */
  takeFromVideo(): string | null;
}

/** How often an open view re-reads the list while a character is in an automatic step. */
const RESYNC_MS = 15_000;

const newer = (incoming: CharacterRecord, held: CharacterRecord | undefined) =>
  !held || incoming.updatedAt >= held.updatedAt;

function sortedIds(records: Readonly<Record<string, CharacterRecord>>): string[] {
  return Object.values(records)
    .sort(byNewest)
    .map((r) => r.id);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * What events did while a list request was in flight: its answer must not bring back a removed record, nor
 * drop one added after the list was read.
 */
let inFlight: { removed: Set<string>; touched: Set<string> } | null = null;

export const useCharacters = create<CharactersState>((set, get) => {
  function merge(records: CharacterRecord[], removed: readonly string[]) {
    const current = get().records;
    let next: Record<string, CharacterRecord> | null = null;
    for (const r of records) {
      if (!newer(r, current[r.id])) continue;
      next ??= { ...current };
      next[r.id] = r;
    }
    for (const id of removed) {
      if (!(id in (next ?? current))) continue;
      next ??= { ...current };
      delete next[id];
    }
    if (!next) return;
    const ids = sortedIds(next);
    set({ records: next, ids: sameIds(ids, get().ids) ? get().ids : ids });
  }

  async function act(run: () => Promise<{ character: CharacterRecord | null }>, id?: string) {
    try {
      const { character } = await run();
      if (character) merge([character], []);
      else if (id) merge([], [id]);
      return null;
    } catch (e) {
      return toSerializedError(e);
    }
  }

  return {
    records: {},
    ids: [],
    loaded: false,
    error: null,
    start() {
      const stop = listen('characters.changed', (change) => get().applyChange(change));
      void get().hydrate();
      // An event can be missed (the worker stopped while it was being sent): while a character is in a step
      // the background runs by itself, the view reads the list again now and then, so a card never sticks.
      const resync = setInterval(() => {
        if (Object.values(get().records).some((r) => isAuto(r.state))) void get().hydrate();
      }, RESYNC_MS);
      return () => {
        stop();
        clearInterval(resync);
      };
    },
    async hydrate() {
      const seen = { removed: new Set<string>(), touched: new Set<string>() };
      inFlight = seen;
      try {
        const { characters } = await send('characters.list', {});
        const fresh = characters.filter((c) => !seen.removed.has(c.id));
        const listed = new Set(fresh.map((c) => c.id));
        const gone = Object.keys(get().records).filter((id) => !listed.has(id) && !seen.touched.has(id));
        merge(fresh, gone);
        set({ loaded: true, error: null });
      } catch (e) {
        set({ loaded: true, error: toSerializedError(e) });
      } finally {
        if (inFlight === seen) inFlight = null;
      }
    },
    applyChange(change) {
      for (const id of change.removed) inFlight?.removed.add(id);
      for (const c of change.characters) inFlight?.touched.add(c.id);
      merge(change.characters, change.removed);
    },
    create: (req) => act(() => send('characters.create', req)),
    finish: (id, req) => act(() => send('characters.finish', { id, ...req })),
    retry: (id) => act(() => send('characters.retry', { id })),
    remove: (id) => act(() => send('characters.remove', { id }), id),
    setVisibility: (id, visibility) => act(() => send('characters.setVisibility', { id, visibility })),
    fromVideo: null,
    requestFromVideo(historyId) {
      set({ fromVideo: { historyId, seq: (get().fromVideo?.seq ?? 0) + 1 } });
    },
    takeFromVideo() {
      const request = get().fromVideo;
      if (request) set({ fromVideo: null });
      return request?.historyId ?? null;
    },
  };
});

/** Ready characters, for pickers such as `@mentions`. */
export function readyCharacters(state: Pick<CharactersState, 'records' | 'ids'>): CharacterRecord[] {
  return state.ids
    .map((id) => state.records[id])
    .filter((r): r is CharacterRecord => r !== undefined && r.state === 'ready' && r.characterId !== null);
}

/** A finished video from History that a character can be made from. */
export interface SourceVideo {
  /** The History item's id, which is the generation id (`gen_…`). */
  id: string;
  title: string;
  thumbnailUrl: string | null;
  durationSec: number;
  createdAt: number;
}

function toSourceVideo(item: HistoryItem): SourceVideo {
  return {
    id: item.id,
    title: (item.title || item.prompt).replace(/\s+/g, ' ').trim(),
    thumbnailUrl: item.thumbnailUrl || null,
    durationSec: generationDurationSec(item) ?? 0,
    createdAt: item.createdAt,
  };
}

/** How many videos the picker lists at once (a search narrows further). */
export const SOURCE_VIDEO_LIMIT = 30;

/**
 * Finished videos from History matching `query` (History's own search: words, or a `gen_…` id), newest
 * first, for "From a video you made".
 */
export async function findSourceVideos(query: string, limit = SOURCE_VIDEO_LIMIT): Promise<SourceVideo[]> {
  const db = await getDb();
  const items = await queryHistory(db, { ...DEFAULT_FILTER, query, status: 'ready' });
  const out: SourceVideo[] = [];
  for (const item of items) {
    if (out.length >= limit) break;
    if (isCharacterSource(item)) out.push(toSourceVideo(item));
  }
  return out;
}

/** One History item as a source video, or null when it is not one (gone, an image, unfinished). */
export async function getSourceVideo(historyId: string): Promise<SourceVideo | null> {
  const [item] = await getHistoryItems(await getDb(), [historyId]);
  return item && isCharacterSource(item) ? toSourceVideo(item) : null;
}
