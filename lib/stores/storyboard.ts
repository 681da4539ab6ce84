/**
 * The Storyboard editor's state: the working draft (autosaved to IndexedDB, debounced, so closing the side
 * panel loses nothing), the saved boards, character suggestions, and the actions on them.
 *
 * Rule: no action ever silently discards work. Whatever replaces the working draft (opening a saved board,
 * "New", "Paste storyboard", "Open in storyboard") first keeps a draft that has unsaved content as a saved
 * board of its own, and says so in `notice`.
 */
import { create, type StoreApi } from 'zustand';
import { deleteFile, putFile } from '../db/files';
import type { Job } from '../db/job-record';
import { type CompanionDb, getDb } from '../db/schema';
import { formatDate, formatTime, t } from '../i18n';
import type { JobInput } from '../jobs/input';
import { type SerializedError, toSerializedError } from '../sora/errors';
import {
  createStoryboard,
  DEFAULT_LENGTH_S,
  DEFAULT_STORYBOARD_OPTIONS,
  lengthForFrames,
  type MentionCandidate,
  type ParseError,
  parseAny,
  planIssues,
  type Storyboard,
  type StoryboardFormat,
  type StoryboardOptions,
  toStoryboardInput,
  validateStoryboard,
} from '../storyboard';
import {
  deleteStoryboard,
  duplicateStoryboard,
  getDraft,
  getStoryboard,
  listMentionCandidates,
  listStoryboards,
  putDraft,
  renameStoryboard,
  type SavedStoryboard,
  type StoryboardContent,
  type StoryboardImage,
  saveStoryboard,
} from '../storyboard/repo';
import { useJobs } from './jobs';

export type { StoryboardImage };

export interface StoryboardDraft extends StoryboardContent {
  /** The saved board this draft belongs to; null until it is saved. */
  savedId: string | null;
}

export interface SavedSummary {
  id: string;
  name: string;
  updatedAt: number;
  shotCount: number;
  lengthS: number;
}

/** idle: nothing to write · pending: waiting for the debounce · saving · saved · error (see autosaveError). */
export type AutosaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export type StoryboardNotice =
  | { kind: 'kept'; name: string }
  | { kind: 'opened'; format: StoryboardFormat; kept: string | null }
  | { kind: 'openFailed'; error: ParseError }
  | { kind: 'queued'; count: number }
  | { kind: 'error'; error: SerializedError };

export interface StoryboardState {
  ready: boolean;
  draft: StoryboardDraft;
  /** Fingerprint of the saved board `draft.savedId` as stored (see `isDirty`). */
  baseline: string | null;
  autosave: AutosaveState;
  autosaveError: SerializedError | null;
  saved: SavedSummary[];
  mentions: MentionCandidate[];
  notice: StoryboardNotice | null;
  submitting: boolean;
  /** Bumped whenever something asks the side panel to bring the Storyboard view forward. */
  showRequest: number;

  /** Reads the draft, the saved boards and the characters once; later calls share the first read. */
  load(): Promise<void>;
  /** `load()`, plus writing the draft out when the page is hidden or closed; returns the cleanup. */
  start(): () => void;
  edit(update: (sb: Storyboard) => Storyboard): void;
  setOptions(patch: Partial<StoryboardOptions>): void;
  setName(name: string): void;
  setStartImage(image: StoryboardImage | null): void;
  /** Writes a pending autosave now. */
  flush(): Promise<void>;
  save(): Promise<void>;
  newStoryboard(): Promise<void>;
  open(id: string): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  duplicate(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Replaces the board with parsed text; returns the parse error (nothing changes) or null. */
  paste(text: string): Promise<ParseError | null>;
  /** Replaces the board with a finished video's prompt and asks the panel to show the editor. */
  openPrompt(prompt: string, nFrames?: number | null, options?: Partial<StoryboardOptions>): Promise<boolean>;
  submit(isPro: boolean): Promise<Job[] | null>;
  refreshMentions(): Promise<void>;
  dismissNotice(): void;
}

export interface StoryboardStoreDeps {
  db?: () => Promise<CompanionDb>;
  /** Autosave delay after the last edit. */
  debounceMs?: number;
  now?: () => number;
  enqueue?: (inputs: JobInput[]) => Promise<Job[]>;
}

export const AUTOSAVE_DELAY_MS = 400;

/** What the user would lose: the content, not shot ids (a duplicate with new ids is the same board). */
export function fingerprint(c: StoryboardContent): string {
  return JSON.stringify([
    c.name,
    c.storyboard.lengthS,
    c.storyboard.instructions,
    c.storyboard.shots.map((s) => [s.durationS, s.scene]),
    c.options,
    c.startImage ? [c.startImage.name, c.startImage.size, c.startImage.type] : null,
  ]);
}

/** Nothing typed, named or picked yet: replacing it loses nothing. */
export function isBlank(c: StoryboardContent): boolean {
  return (
    c.name.trim() === '' &&
    c.storyboard.instructions.trim() === '' &&
    c.startImage === null &&
    c.storyboard.shots.every((s) => s.scene.trim() === '')
  );
}

/** Changes that are not in a saved board (for a never-saved board: any content at all). */
export function isDirty(state: Pick<StoryboardState, 'draft' | 'baseline'>): boolean {
  if (state.draft.savedId === null) return !isBlank(state.draft);
  return fingerprint(state.draft) !== state.baseline;
}

function freshDraft(options: StoryboardOptions = DEFAULT_STORYBOARD_OPTIONS, lengthS = DEFAULT_LENGTH_S) {
  return {
    name: '',
    storyboard: createStoryboard(lengthS),
    options,
    startImage: null,
    savedId: null,
  } satisfies StoryboardDraft;
}

function summary(s: SavedStoryboard): SavedSummary {
  return {
    id: s.id,
    name: s.name,
    updatedAt: s.updatedAt,
    shotCount: s.storyboard.shots.length,
    lengthS: s.storyboard.lengthS,
  };
}

type SetState = StoreApi<StoryboardState>['setState'];
type GetState = StoreApi<StoryboardState>['getState'];

/** What the slices of one store share: its dependencies and its autosave. */
interface StoryboardKit {
  openDb: () => Promise<CompanionDb>;
  now: () => number;
  enqueue: (inputs: JobInput[]) => Promise<Job[]>;
  /** Puts a change of the draft in the state and (re)starts the autosave's debounce. */
  changed(patch: Partial<StoryboardState>): void;
  /** Writes a pending autosave now (the `flush` action). */
  flush(): Promise<void>;
  fail(e: unknown): void;
}

export function createStoryboardStore(deps: StoryboardStoreDeps = {}) {
  const openDb = deps.db ?? getDb;
  const delay = deps.debounceMs ?? AUTOSAVE_DELAY_MS;
  const now = deps.now ?? Date.now;
  const enqueue = deps.enqueue ?? ((inputs: JobInput[]) => useJobs.getState().enqueue(inputs));

  return create<StoryboardState>((set, get) => {
    const kit: StoryboardKit = {
      openDb,
      now,
      enqueue,
      ...createAutosave(set, get, openDb, now, delay),
      fail: (e) => set({ notice: { kind: 'error', error: toSerializedError(e) } }),
    };
    return {
      ready: false,
      draft: freshDraft(),
      baseline: null,
      autosave: 'idle',
      autosaveError: null,
      saved: [],
      mentions: [],
      notice: null,
      submitting: false,
      showRequest: 0,
      ...draftSlice(set, get, kit),
      ...savedBoardsSlice(set, get, kit),
      ...replaceSlice(set, get, kit),
      ...submitSlice(set, get, kit),
    };
  });
}

/** The autosave of the working draft: debounced after each change, written in order. */
function createAutosave(
  set: SetState,
  get: GetState,
  openDb: () => Promise<CompanionDb>,
  now: () => number,
  delay: number,
): Pick<StoryboardKit, 'changed' | 'flush'> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Every change bumps `revision`; a write records the revision it wrote, so a slow write that finishes
  // after a newer edit does not claim the newer edit is saved.
  let revision = 0;
  let written = 0;
  // Writes run one after another: an older draft can never land after a newer one.
  let writes: Promise<void> = Promise.resolve();

  return {
    changed(patch) {
      revision += 1;
      set({ ...patch, autosave: 'pending' });
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void get().flush();
      }, delay);
    },

    flush() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      if (written === revision) return writes;
      const target = revision;
      const draft = get().draft;
      set({ autosave: 'saving' });
      writes = writes.then(async () => {
        try {
          await putDraft(await openDb(), draft, now());
          written = Math.max(written, target);
          if (written === revision) set({ autosave: 'saved', autosaveError: null });
        } catch (e) {
          set({ autosave: 'error', autosaveError: toSerializedError(e) });
        }
      });
      return writes;
    },
  };
}

type DraftActions = 'load' | 'start' | 'edit' | 'setOptions' | 'setName' | 'setStartImage' | 'flush';

/** The working draft: reading it, editing it. */
function draftSlice(set: SetState, get: GetState, kit: StoryboardKit): Pick<StoryboardState, DraftActions> {
  const { openDb } = kit;
  let loading: Promise<void> | null = null;
  const setDraft = (draft: StoryboardDraft) => kit.changed({ draft });

  return {
    load() {
      loading ??= (async () => {
        try {
          const db = await openDb();
          const [draft, saved, mentions] = await Promise.all([
            getDraft(db),
            listStoryboards(db),
            listMentionCandidates(db).catch(() => []),
          ]);
          let baseline: string | null = null;
          if (draft?.savedId) {
            const source = saved.find((s) => s.id === draft.savedId);
            baseline = source ? fingerprint(source) : null;
          }
          set({
            // The board the user was on; a saved board deleted meanwhile leaves its draft unsaved.
            draft: draft ? { ...draft, savedId: baseline === null ? null : draft.savedId } : get().draft,
            baseline,
            saved: saved.map(summary),
            mentions,
          });
        } catch (e) {
          kit.fail(e);
        } finally {
          set({ ready: true });
        }
      })();
      return loading;
    },

    start() {
      void get().load();
      // A closing page may not finish a write, but one started while it is being hidden usually does,
      // and the debounce is short enough that little is ever pending.
      const write = () => {
        if (get().autosave === 'pending') void get().flush();
      };
      const onVisibility = () => {
        if (document.visibilityState === 'hidden') write();
      };
      globalThis.addEventListener?.('pagehide', write);
      globalThis.document?.addEventListener('visibilitychange', onVisibility);
      return () => {
        globalThis.removeEventListener?.('pagehide', write);
        globalThis.document?.removeEventListener('visibilitychange', onVisibility);
      };
    },

    edit(update) {
      const { draft } = get();
      const storyboard = update(draft.storyboard);
      if (storyboard !== draft.storyboard) setDraft({ ...draft, storyboard });
    },

    setOptions(patch) {
      const { draft } = get();
      setDraft({ ...draft, options: { ...draft.options, ...patch } });
    },

    setName(name) {
      setDraft({ ...get().draft, name });
    },

    setStartImage(startImage) {
      setDraft({ ...get().draft, startImage });
    },

    flush: kit.flush,
  };
}

async function refreshList(set: SetState, db: CompanionDb) {
  set({ saved: (await listStoryboards(db)).map(summary) });
}

/** Keeps a draft with unsaved content as a saved board; returns its name, or null if nothing was kept. */
async function keepCurrent(get: GetState, kit: StoryboardKit, db: CompanionDb): Promise<string | null> {
  const { now } = kit;
  const state = get();
  if (!isDirty(state)) return null;
  const { draft } = state;
  const when = `${formatDate(now())} ${formatTime(now())}`;
  const name =
    draft.savedId !== null
      ? t('storyboard.keptChanges', { name: draft.name.trim() || t('storyboard.untitled') })
      : draft.name.trim() || t('storyboard.keptUntitled', { time: when });
  const record = await saveStoryboard(db, { ...draft, name }, { now: now() });
  return record.name;
}

/** Puts `draft` in the editor (after keeping the old one) and writes it out at once. */
async function replaceDraft(
  set: SetState,
  get: GetState,
  kit: StoryboardKit,
  draft: StoryboardDraft,
  baseline: string | null,
  notice?: (kept: string | null) => StoryboardNotice | null,
): Promise<void> {
  await get().load();
  const db = await kit.openDb();
  const kept = await keepCurrent(get, kit, db);
  kit.changed({ draft, baseline });
  const next = notice ? notice(kept) : kept ? { kind: 'kept' as const, name: kept } : null;
  set({ notice: next });
  await get().flush();
  if (kept) await refreshList(set, db);
}

type SavedBoardActions = 'save' | 'newStoryboard' | 'open' | 'rename' | 'duplicate' | 'remove';

/** The saved boards. */
function savedBoardsSlice(
  set: SetState,
  get: GetState,
  kit: StoryboardKit,
): Pick<StoryboardState, SavedBoardActions> {
  const { openDb, now, changed, fail } = kit;
  /** A change to the saved boards, then the list read again; a failure becomes the store's error. */
  const onSaved = async (change: (db: CompanionDb) => Promise<void>) => {
    try {
      const db = await openDb();
      await change(db);
      await refreshList(set, db);
    } catch (e) {
      fail(e);
    }
  };
  return {
    save: () =>
      onSaved(async (db) => {
        const { draft } = get();
        const name = draft.name.trim() || t('storyboard.untitled');
        const record = await saveStoryboard(db, { ...draft, name }, { id: draft.savedId, now: now() });
        changed({
          draft: { ...draft, name: record.name, savedId: record.id },
          baseline: fingerprint(record),
        });
        await get().flush();
      }),

    async newStoryboard() {
      try {
        const { draft } = get();
        await replaceDraft(set, get, kit, freshDraft(draft.options, draft.storyboard.lengthS), null);
      } catch (e) {
        fail(e);
      }
    },

    async open(id) {
      try {
        const state = get();
        if (state.draft.savedId === id && !isDirty(state)) return;
        const record = await getStoryboard(await openDb(), id);
        if (!record) {
          await refreshList(set, await openDb());
          return;
        }
        await replaceDraft(
          set,
          get,
          kit,
          {
            name: record.name,
            storyboard: record.storyboard,
            options: record.options,
            startImage: record.startImage,
            savedId: record.id,
          },
          fingerprint(record),
        );
      } catch (e) {
        fail(e);
      }
    },

    rename: (id, name) =>
      onSaved(async (db) => {
        const record = await renameStoryboard(db, id, name.trim(), now());
        const { draft } = get();
        if (record && draft.savedId === id) {
          changed({ draft: { ...draft, name: record.name }, baseline: fingerprint(record) });
        }
      }),

    duplicate: (id) =>
      onSaved(async (db) => {
        const source = await getStoryboard(db, id);
        if (source) {
          const name = t('storyboard.copyName', { name: source.name || t('storyboard.untitled') });
          await duplicateStoryboard(db, id, name, now());
        }
      }),

    remove: (id) =>
      onSaved(async (db) => {
        await deleteStoryboard(db, id);
        const { draft } = get();
        // The editor keeps its content; it just no longer belongs to a saved board.
        if (draft.savedId === id) changed({ draft: { ...draft, savedId: null }, baseline: null });
      }),
  };
}

/** A board from text: "Paste storyboard", "Open in storyboard". */
function replaceSlice(
  set: SetState,
  get: GetState,
  kit: StoryboardKit,
): Pick<StoryboardState, 'paste' | 'openPrompt'> {
  /** An unsaved board made from text, keeping the draft's options (with `options` over them); false on failure. */
  const fromText = async (
    storyboard: Storyboard,
    options: Partial<StoryboardOptions>,
    notice?: Parameters<typeof replaceDraft>[5],
  ): Promise<boolean> => {
    try {
      const { draft } = get();
      const next = { ...draft.options, ...options };
      const board = { name: '', storyboard, options: next, startImage: null, savedId: null };
      await replaceDraft(set, get, kit, board, null, notice);
      return true;
    } catch (e) {
      kit.fail(e);
      return false;
    }
  };
  return {
    async paste(text) {
      const parsed = parseAny(text);
      if (!parsed.ok) return parsed.error;
      await fromText(parsed.storyboard, {});
      return null;
    },

    async openPrompt(prompt, nFrames, options) {
      set({ showRequest: get().showRequest + 1 });
      await get().load();
      const parsed = parseAny(prompt, { lengthS: lengthForFrames(nFrames) });
      if (!parsed.ok) {
        set({ notice: { kind: 'openFailed', error: parsed.error } });
        return false;
      }
      return fromText(parsed.storyboard, options ?? {}, (kept) => ({
        kind: 'opened',
        format: parsed.format,
        kept,
      }));
    },
  };
}

/** Sending the board to the queue; character suggestions; the notice. */
function submitSlice(
  set: SetState,
  get: GetState,
  kit: StoryboardKit,
): Pick<StoryboardState, 'submit' | 'refreshMentions' | 'dismissNotice'> {
  const { openDb, now } = kit;
  return {
    async submit(isPro) {
      const { draft, submitting } = get();
      if (submitting) return null;
      const sb = draft.storyboard;
      // The view disables the button on any issue; this guard keeps a stray call from sending one.
      if (validateStoryboard(sb).length > 0 || planIssues(sb, draft.options, isPro).length > 0) return null;
      set({ submitting: true, notice: null });
      let fileId: string | null = null;
      try {
        const db = await openDb();
        if (draft.startImage) {
          fileId = await putFile(db, draft.startImage.blob, draft.startImage.name, now());
        }
        const input = toStoryboardInput(sb, draft.options, {
          name: draft.name,
          ...(fileId ? { startImage: { fileId } } : {}),
        });
        const jobs = await kit.enqueue([input]);
        fileId = null;
        set({ notice: { kind: 'queued', count: jobs.length } });
        return jobs;
      } catch (e) {
        kit.fail(e);
        return null;
      } finally {
        // Not queued: the stored picture would otherwise stay with no job to clear it.
        if (fileId) {
          const orphan = fileId;
          void openDb()
            .then((db) => deleteFile(db, orphan))
            .catch(() => {});
        }
        set({ submitting: false });
      }
    },

    async refreshMentions() {
      try {
        set({ mentions: await listMentionCandidates(await openDb()) });
      } catch {
        // Suggestions are a convenience: without them the user types the name.
      }
    },

    dismissNotice() {
      set({ notice: null });
    },
  };
}

export const useStoryboard = createStoryboardStore();

/**
 * "Open in storyboard" for a finished storyboard video (Queue and History rows): parses its prompt into a
 * new working draft (keeping the previous draft if it had unsaved work) and brings the Storyboard view
 * forward. Resolves false when the prompt is not a storyboard (the view then says why).
 */
export function openInStoryboard(
  prompt: string,
  nFrames?: number | null,
  options?: Partial<StoryboardOptions>,
): Promise<boolean> {
  return useStoryboard.getState().openPrompt(prompt, nFrames, options);
}
