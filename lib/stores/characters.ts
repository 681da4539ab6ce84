/**
 * The UI's copy of the characters: hydrated by `characters.list`, kept live by `characters.changed`.
 * Records are kept by id and replaced only when newer, so a processing poll re-renders one card.
 */
import { create } from 'zustand';
import type { CharactersChanged, CreateCharacterRequest, FinishRequest } from '../characters/flow';
import { byNewest, type CharacterRecord, isAuto, type Visibility } from '../characters/model';
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
  };
});

/** Ready characters, for pickers such as `@mentions`. */
export function readyCharacters(state: Pick<CharactersState, 'records' | 'ids'>): CharacterRecord[] {
  return state.ids
    .map((id) => state.records[id])
    .filter((r): r is CharacterRecord => r !== undefined && r.state === 'ready' && r.characterId !== null);
}
