/**
 * Saved storyboards in IndexedDB (fake-indexeddb) and the editor's store: autosave and restore, the saved
 * boards' actions, paste, "Open in storyboard" and submit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getFile } from '../../lib/db/files';
import type { Job } from '../../lib/db/job-record';
import { type CompanionDb, openCompanionDb, type StoredRecord } from '../../lib/db/schema';
import { setLocale } from '../../lib/i18n';
import type { JobInput } from '../../lib/jobs/input';
import { createStoryboardStore, fingerprint, isBlank, isDirty } from '../../lib/stores/storyboard';
import {
  createStoryboard,
  DEFAULT_STORYBOARD_OPTIONS,
  makeShot,
  type Storyboard,
  serializeStoryboard,
} from '../../lib/storyboard';
import {
  DRAFT_ID,
  deleteStoryboard,
  duplicateStoryboard,
  getDraft,
  getStoryboard,
  listMentionCandidates,
  listStoryboards,
  putDraft,
  renameStoryboard,
  type StoryboardContent,
  saveStoryboard,
} from '../../lib/storyboard/repo';

let n = 0;
let db: CompanionDb;
beforeEach(async () => {
  setLocale('en');
  db = await openCompanionDb({ name: `storyboard-test-${++n}` });
});
afterEach(() => {
  db.close();
  vi.useRealTimers();
});

const board = (scenes: string[], durations: number[], lengthS: Storyboard['lengthS'] = 10): Storyboard => ({
  shots: scenes.map((scene, i) => makeShot(durations[i] ?? 1, scene)),
  instructions: '',
  lengthS,
});

const content = (name: string, sb = board(['a cat', 'a dog'], [5, 5])): StoryboardContent => ({
  name,
  storyboard: sb,
  options: DEFAULT_STORYBOARD_OPTIONS,
  startImage: null,
});

function newStore(enqueue = vi.fn(async (_inputs: JobInput[]) => [] as Job[])) {
  let clock = 1_000;
  const store = createStoryboardStore({
    db: async () => db,
    debounceMs: 300,
    now: () => (clock += 1000),
    enqueue,
  });
  return { store, enqueue };
}

describe('lib/storyboard/repo', () => {
  it('saves, lists newest first, and keeps the draft out of the list', async () => {
    const a = await saveStoryboard(db, content('A'), { now: 10 });
    const b = await saveStoryboard(db, content('B'), { now: 20 });
    await putDraft(db, { ...content(''), savedId: null }, 30);
    expect((await listStoryboards(db)).map((s) => s.name)).toEqual(['B', 'A']);
    // Saving A again moves it to the top and keeps its id and creation time.
    const again = await saveStoryboard(db, content('A2'), { id: a.id, now: 40 });
    expect(again).toMatchObject({ id: a.id, createdAt: 10, updatedAt: 40, name: 'A2' });
    expect((await listStoryboards(db)).map((s) => s.id)).toEqual([a.id, b.id]);
  });

  it('an unknown id saves as a new board', async () => {
    const saved = await saveStoryboard(db, content('X'), { id: 'sb_gone', now: 5 });
    expect(saved.id).not.toBe('sb_gone');
    expect(await getStoryboard(db, saved.id)).toMatchObject({ name: 'X', createdAt: 5 });
  });

  it('renames, duplicates (new ids everywhere) and deletes', async () => {
    const a = await saveStoryboard(db, content('A'), { now: 1 });
    expect(await renameStoryboard(db, a.id, 'Renamed', 2)).toMatchObject({ name: 'Renamed', updatedAt: 2 });
    expect(await renameStoryboard(db, 'sb_missing', 'x')).toBeNull();
    const copy = await duplicateStoryboard(db, a.id, 'Renamed (copy)', 3);
    expect(copy?.id).not.toBe(a.id);
    expect(copy?.storyboard.shots.map((s) => s.scene)).toEqual(['a cat', 'a dog']);
    const originalIds = a.storyboard.shots.map((s) => s.id);
    expect(copy?.storyboard.shots.some((s) => originalIds.includes(s.id))).toBe(false);
    await deleteStoryboard(db, a.id);
    expect((await listStoryboards(db)).map((s) => s.name)).toEqual(['Renamed (copy)']);
    expect(await getStoryboard(db, a.id)).toBeNull();
  });

  it('never hands out or deletes the draft as a saved board', async () => {
    await putDraft(db, { ...content('draft'), savedId: null }, 1);
    expect(await getStoryboard(db, DRAFT_ID)).toBeNull();
    await deleteStoryboard(db, DRAFT_ID);
    expect(await getDraft(db)).not.toBeNull();
  });

  it('round-trips the draft with its start image', async () => {
    const blob = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const startImage = { blob, name: 'start.png', type: 'image/png', size: 4 };
    await putDraft(db, { ...content('Mine'), startImage, savedId: 'sb_1' }, 9);
    const draft = await getDraft(db);
    expect(draft).toMatchObject({ name: 'Mine', savedId: 'sb_1', updatedAt: 9 });
    expect(draft?.startImage?.name).toBe('start.png');
    expect(draft?.startImage?.blob.size).toBe(4);
  });

  it('skips damaged records instead of failing', async () => {
    await db.put('storyboards', { id: 'bad', kind: 'saved', updatedAt: 5, storyboard: { shots: 'x' } });
    await db.put('storyboards', {
      id: 'odd',
      kind: 'saved',
      updatedAt: 6,
      name: 7,
      storyboard: { shots: [{ durationS: 10, scene: 'ok' }], lengthS: 10 },
      options: { model: 'nope' },
    } as StoredRecord);
    const list = await listStoryboards(db);
    expect(list.map((s) => s.id)).toEqual(['odd']);
    expect(list[0]).toMatchObject({ name: '', options: DEFAULT_STORYBOARD_OPTIONS, startImage: null });
    await db.put('storyboards', { id: DRAFT_ID, kind: 'draft', storyboard: null });
    expect(await getDraft(db)).toBeNull();
  });

  it('reads the characters store for @mentions', async () => {
    await db.put('characters', {
      id: 'c1',
      createdAt: 1,
      state: 'ready',
      username: 'ada',
      displayName: 'Ada',
    });
    await db.put('characters', {
      id: 'c2',
      createdAt: 2,
      state: 'processing',
      username: 'x',
      displayName: 'X',
    });
    expect(await listMentionCandidates(db)).toEqual([{ username: 'ada', displayName: 'Ada' }]);
  });
});

describe('dirty, blank and fingerprint', () => {
  it('compares content, not shot ids', () => {
    const a = content('A');
    const b = {
      ...a,
      storyboard: { ...a.storyboard, shots: a.storyboard.shots.map((s) => ({ ...s, id: `x${s.id}` })) },
    };
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).not.toBe(fingerprint({ ...a, name: 'B' }));
  });

  it('a fresh board is blank; any text, name or picture is not', () => {
    const fresh = { ...content(''), storyboard: createStoryboard() };
    expect(isBlank(fresh)).toBe(true);
    expect(isBlank({ ...fresh, name: 'x' })).toBe(false);
    expect(isBlank({ ...fresh, storyboard: { ...fresh.storyboard, instructions: 'warm' } })).toBe(false);
    expect(isDirty({ draft: { ...fresh, savedId: null }, baseline: null })).toBe(false);
    expect(isDirty({ draft: { ...content('A'), savedId: null }, baseline: null })).toBe(true);
  });
});

describe('autosave and restore', () => {
  it('writes the draft after the debounce, and a reopened panel gets the same shots and options', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { store } = newStore();
    await store.getState().load();
    expect(store.getState().ready).toBe(true);
    store.getState().edit(() => board(['one', 'two', 'three'], [3, 3, 4]));
    store.getState().setOptions({ orientation: 'portrait', styleId: 'anime' });
    store.getState().setName('Three shots');
    expect(store.getState().autosave).toBe('pending');
    expect(await getDraft(db)).toBeNull();

    vi.advanceTimersByTime(299);
    expect(await getDraft(db)).toBeNull();
    vi.advanceTimersByTime(1);
    await store.getState().flush();
    expect(store.getState().autosave).toBe('saved');

    const reopened = newStore().store;
    await reopened.getState().load();
    const { draft } = reopened.getState();
    expect(draft.storyboard.shots.map((s) => [s.scene, s.durationS])).toEqual([
      ['one', 3],
      ['two', 3],
      ['three', 4],
    ]);
    expect(draft.options).toMatchObject({ orientation: 'portrait', styleId: 'anime' });
    expect(draft.name).toBe('Three shots');
    expect(draft.storyboard.shots.map((s) => s.id)).toEqual(
      store.getState().draft.storyboard.shots.map((s) => s.id),
    );
  });

  it('later edits always win, however the writes interleave', async () => {
    const { store } = newStore();
    await store.getState().load();
    for (let i = 1; i <= 5; i++) {
      store.getState().edit((sb) => ({ ...sb, instructions: `take ${i}` }));
      void store.getState().flush();
    }
    await store.getState().flush();
    expect((await getDraft(db))?.storyboard.instructions).toBe('take 5');
    expect(store.getState().autosave).toBe('saved');
  });

  it('a write failure is reported, not swallowed', async () => {
    const { store } = newStore();
    await store.getState().load();
    const closed = await openCompanionDb({ name: `closed-${n}` });
    closed.close();
    const failing = createStoryboardStore({ db: async () => closed, debounceMs: 10 });
    await failing.getState().load();
    failing.getState().setName('x');
    await failing.getState().flush();
    expect(failing.getState().autosave).toBe('error');
    expect(failing.getState().autosaveError).not.toBeNull();
  });
});

describe('saved boards from the store', () => {
  it('save → clean; edit → dirty; dirty survives a reopen', async () => {
    const { store } = newStore();
    await store.getState().load();
    store.getState().edit(() => board(['a', 'b'], [5, 5]));
    await store.getState().save();
    const state = store.getState();
    expect(state.draft.savedId).not.toBeNull();
    expect(state.draft.name).toBe('Untitled storyboard');
    expect(isDirty(state)).toBe(false);
    expect(state.saved.map((s) => s.name)).toEqual(['Untitled storyboard']);

    store.getState().edit((sb) => ({ ...sb, instructions: 'changed' }));
    expect(isDirty(store.getState())).toBe(true);
    await store.getState().flush();
    const reopened = newStore().store;
    await reopened.getState().load();
    expect(reopened.getState().draft.savedId).toBe(state.draft.savedId);
    expect(isDirty(reopened.getState())).toBe(true);
  });

  it('opening another board keeps unsaved work as a saved board of its own', async () => {
    const other = await saveStoryboard(db, content('Other'), { now: 1 });
    const { store } = newStore();
    await store.getState().load();
    store.getState().setName('Work in progress');
    store.getState().edit((sb) => ({ ...sb, instructions: 'unsaved' }));
    await store.getState().open(other.id);
    const state = store.getState();
    expect(state.draft).toMatchObject({ name: 'Other', savedId: other.id });
    expect(isDirty(state)).toBe(false);
    expect(state.notice).toEqual({ kind: 'kept', name: 'Work in progress' });
    const kept = (await listStoryboards(db)).find((s) => s.name === 'Work in progress');
    expect(kept?.storyboard.instructions).toBe('unsaved');
    // The editor's new board is what a reopened panel finds.
    expect((await getDraft(db))?.savedId).toBe(other.id);
  });

  it('changes to a saved board are kept as a copy, never written over it', async () => {
    const first = await saveStoryboard(db, content('First'), { now: 1 });
    const second = await saveStoryboard(db, content('Second'), { now: 2 });
    const { store } = newStore();
    await store.getState().load();
    await store.getState().open(first.id);
    store.getState().edit((sb) => ({ ...sb, instructions: 'edited' }));
    await store.getState().open(second.id);
    expect((await getStoryboard(db, first.id))?.storyboard.instructions).toBe('');
    const names = (await listStoryboards(db)).map((s) => s.name);
    expect(names).toContain('First (unsaved changes)');
  });

  it('"New" on an untouched board keeps nothing', async () => {
    const { store } = newStore();
    await store.getState().load();
    await store.getState().newStoryboard();
    expect(store.getState().notice).toBeNull();
    expect(await listStoryboards(db)).toEqual([]);
  });

  it('rename, duplicate and delete update the list and the open board', async () => {
    const { store } = newStore();
    await store.getState().load();
    store.getState().edit(() => board(['a'], [10]));
    store.getState().setName('Mine');
    await store.getState().save();
    const id = store.getState().draft.savedId as string;

    await store.getState().rename(id, '  Better  ');
    expect(store.getState().draft.name).toBe('Better');
    expect(isDirty(store.getState())).toBe(false);

    await store.getState().duplicate(id);
    expect(
      store
        .getState()
        .saved.map((s) => s.name)
        .sort(),
    ).toEqual(['Better', 'Better (copy)']);

    await store.getState().remove(id);
    expect(store.getState().saved.map((s) => s.name)).toEqual(['Better (copy)']);
    // The editor keeps the content; it just is not a saved board any more.
    expect(store.getState().draft).toMatchObject({ savedId: null, name: 'Better' });
    expect(isDirty(store.getState())).toBe(true);
  });

  it('a draft whose saved board was deleted elsewhere comes back unsaved', async () => {
    const saved = await saveStoryboard(db, content('Gone'), { now: 1 });
    await putDraft(db, { ...content('Gone'), savedId: saved.id }, 2);
    await deleteStoryboard(db, saved.id);
    const { store } = newStore();
    await store.getState().load();
    expect(store.getState().draft.savedId).toBeNull();
    expect(store.getState().draft.storyboard.shots.map((s) => s.scene)).toEqual(['a cat', 'a dog']);
  });
});

describe('paste and "Open in storyboard"', () => {
  const prompt = serializeStoryboard({
    shots: [makeShot(5, 'a cat jumps'), makeShot(10, 'the cat looks at the camera')],
    instructions: 'film grain',
  });

  it('paste of a storyboard prompt', async () => {
    const { store } = newStore();
    await store.getState().load();
    expect(await store.getState().paste(prompt)).toBeNull();
    const { storyboard } = store.getState().draft;
    expect(storyboard.shots.map((s) => [s.durationS, s.scene])).toEqual([
      [5, 'a cat jumps'],
      [10, 'the cat looks at the camera'],
    ]);
    expect(storyboard).toMatchObject({ instructions: 'film grain', lengthS: 15 });
  });

  it('paste of the shorthand', async () => {
    const { store } = newStore();
    await store.getState().load();
    expect(
      await store.getState().paste('noir, rain [5.0s] a detective waits [5.0s] a door opens'),
    ).toBeNull();
    const { storyboard } = store.getState().draft;
    expect(storyboard.shots.map((s) => [s.durationS, s.scene])).toEqual([
      [5, 'a detective waits'],
      [5, 'a door opens'],
    ]);
    expect(storyboard).toMatchObject({ instructions: 'noir, rain', lengthS: 10 });
  });

  it('paste of something else changes nothing and says why', async () => {
    const { store } = newStore();
    await store.getState().load();
    store.getState().setName('keep me');
    const before = store.getState().draft;
    expect(await store.getState().paste('just a sentence')).toMatchObject({ code: 'unrecognized' });
    expect(await store.getState().paste('   ')).toMatchObject({ code: 'empty' });
    expect(store.getState().draft).toBe(before);
  });

  it('openPrompt: the video length wins, the options carry over, the panel is asked to show it', async () => {
    const { store } = newStore();
    await store.getState().load();
    const ok = await store.getState().openPrompt(prompt, 750, { orientation: 'portrait', model: 'sy_ore' });
    expect(ok).toBe(true);
    const state = store.getState();
    expect(state.showRequest).toBe(1);
    expect(state.draft.storyboard.lengthS).toBe(25);
    expect(state.draft.options).toMatchObject({ orientation: 'portrait', model: 'sy_ore' });
    expect(state.notice).toEqual({ kind: 'opened', format: 'timeline', kept: null });
  });

  it('openPrompt of a plain prompt says it is not a storyboard', async () => {
    const { store } = newStore();
    const ok = await store.getState().openPrompt('a cat on a skateboard', 300);
    expect(ok).toBe(false);
    expect(store.getState().notice).toMatchObject({ kind: 'openFailed', error: { code: 'unrecognized' } });
    expect(store.getState().showRequest).toBe(1);
  });
});

describe('submit', () => {
  it('sends one storyboard input with the exact prompt, and the start image as a stored file', async () => {
    const { store, enqueue } = newStore();
    await store.getState().load();
    const sb = { ...board(['a cat jumps', 'it looks up'], [6, 4]), instructions: 'warm' };
    store.getState().edit(() => sb);
    store.getState().setOptions({ orientation: 'portrait' });
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
    store.getState().setStartImage({ blob, name: 'a.png', type: 'image/png', size: 3 });
    await store.getState().submit(false);
    expect(enqueue).toHaveBeenCalledTimes(1);
    const [input] = enqueue.mock.calls[0]?.[0] ?? [];
    expect(input).toMatchObject({
      kind: 'storyboard',
      prompt: serializeStoryboard(sb),
      title: 'Draft your video',
      nFrames: 300,
      orientation: 'portrait',
      model: 'sy_8',
      size: 'small',
      styleId: null,
    });
    const fileId = (input as { startImage?: { fileId: string } }).startImage?.fileId as string;
    expect((await getFile(db, fileId))?.name).toBe('a.png');
    expect(store.getState().notice).toEqual({ kind: 'queued', count: 0 });
  });

  it('sends nothing while the board has issues or needs Pro', async () => {
    const { store, enqueue } = newStore();
    await store.getState().load();
    store.getState().edit(() => board(['a', ''], [5, 5]));
    expect(await store.getState().submit(true)).toBeNull();
    store.getState().edit(() => board(['a', 'b'], [5, 6]));
    expect(await store.getState().submit(true)).toBeNull();
    store.getState().edit(() => board(['a', 'b'], [20, 5], 25));
    expect(await store.getState().submit(false)).toBeNull();
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('a refused enqueue leaves no stored picture behind and shows the error', async () => {
    const enqueue = vi.fn(async () => {
      throw new Error('background asleep');
    });
    const { store } = newStore(enqueue);
    await store.getState().load();
    store.getState().edit(() => board(['a'], [10]));
    store.getState().setName('Named');
    const blob = new Blob([new Uint8Array([1])], { type: 'image/webp' });
    store.getState().setStartImage({ blob, name: 'w.webp', type: 'image/webp', size: 1 });
    expect(await store.getState().submit(false)).toBeNull();
    expect(store.getState().notice?.kind).toBe('error');
    await vi.waitFor(async () => expect(await db.count('files')).toBe(0));
    expect(store.getState().submitting).toBe(false);
  });
});
