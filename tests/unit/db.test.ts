import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteFile, getFile, putFile } from '../../lib/db/files';
import { countHistory, getHistoryByTask, listHistory, putHistoryItems } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import { deleteMeta, getMeta, setMeta } from '../../lib/db/meta';
import { listPostRecords } from '../../lib/db/posts';
import {
  type CompanionDb,
  DB_VERSION,
  openCompanionDb,
  runUpgrade,
  UPGRADE_STEPS,
  type UpgradeStep,
} from '../../lib/db/schema';
import { newJob } from '../../lib/jobs/model';
import { newDownloadJob } from '../../lib/media/model';

let n = 0;
const opened: { close(): void }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});
const name = () => `db-test-${++n}`;
async function open(options: Parameters<typeof openCompanionDb>[0] = {}) {
  const db = await openCompanionDb({ name: name(), ...options });
  opened.push(db);
  return db;
}

/** The stores and indexes each version must have (append a line per new version). */
const EXPECTED: Record<number, Record<string, string[]>> = {
  1: {
    files: [],
    history: ['by-created', 'by-kind', 'by-status', 'by-task'],
    jobs: ['by-batch', 'by-created', 'by-order', 'by-state'],
    meta: [],
  },
  2: {
    characters: ['by-created'],
    files: [],
    history: ['by-created', 'by-kind', 'by-status', 'by-task'],
    jobs: ['by-batch', 'by-created', 'by-order', 'by-state'],
    meta: [],
    storyboards: ['by-updated'],
  },
  3: {
    characters: ['by-created'],
    downloads: ['by-created', 'by-item', 'by-state'],
    files: [],
    history: ['by-created', 'by-downloaded', 'by-kind', 'by-status', 'by-task', 'by-updated'],
    historyIndex: [],
    jobs: ['by-batch', 'by-created', 'by-order', 'by-state'],
    meta: [],
    storyboards: ['by-updated'],
  },
  4: {
    characters: ['by-created'],
    downloads: ['by-created', 'by-item', 'by-state'],
    files: [],
    history: ['by-created', 'by-downloaded', 'by-kind', 'by-status', 'by-task', 'by-updated'],
    historyIndex: [],
    jobs: ['by-batch', 'by-created', 'by-order', 'by-state'],
    meta: [],
    posts: ['by-item'],
    storyboards: ['by-updated'],
  },
};

function shape(db: CompanionDb): Record<string, string[]> {
  const tx = db.transaction([...db.objectStoreNames]);
  const out: Record<string, string[]> = {};
  for (const store of [...db.objectStoreNames].sort())
    out[store] = [...tx.objectStore(store).indexNames].sort();
  return out;
}

/** Something written at a given version that every later version must keep readable. */
async function seed(db: CompanionDb, version: number): Promise<void> {
  if (version >= 1) {
    const job = newJob({
      id: `job_v${version}`,
      request: {
        kind: 'video',
        prompt: `written at v${version}`,
        orientation: 'landscape',
        nFrames: 300,
        model: 'sy_8',
        size: 'small',
        styleId: null,
        cameoIds: [],
      },
      batchId: 'b',
      order: 1,
      now: 1,
    });
    await db.put('jobs', job);
    await db.put('meta', { value: version }, `seed.v${version}`);
  }
}

describe('database schema', () => {
  it('has a step per version and an expected shape per version', () => {
    expect(DB_VERSION).toBe(UPGRADE_STEPS.length);
    for (let v = 1; v <= DB_VERSION; v++) expect(EXPECTED[v], `EXPECTED[${v}]`).toBeDefined();
  });

  it('creates the newest schema on a fresh install', async () => {
    const db = await open();
    expect(db.version).toBe(DB_VERSION);
    expect(shape(db)).toEqual(EXPECTED[DB_VERSION]);
  });

  // One case per older version, including "nothing installed" (0).
  it.each(Array.from({ length: DB_VERSION }, (_, v) => v))(
    'upgrades from version %i to the newest, keeping the data',
    async (from) => {
      const dbName = name();
      if (from > 0) {
        const old = await openCompanionDb({ name: dbName, version: from });
        expect(shape(old)).toEqual(EXPECTED[from]);
        await seed(old, from);
        old.close();
      }
      const db = await openCompanionDb({ name: dbName });
      opened.push(db);
      expect(db.version).toBe(DB_VERSION);
      expect(shape(db)).toEqual(EXPECTED[DB_VERSION]);
      if (from > 0) {
        expect((await db.get('jobs', `job_v${from}`))?.request.prompt).toBe(`written at v${from}`);
        expect(await db.get('meta', `seed.v${from}`)).toEqual({ value: from });
      }
      db.close();
      await deleteDB(dbName);
    },
  );

  it('version 4 records the share links and left-behind posts older versions knew of', async () => {
    const dbName = name();
    const old = await openCompanionDb({ name: dbName, version: 3 });
    await old.put('history', {
      id: 'gen_kept',
      taskId: 'task_1',
      jobId: null,
      kind: 'video',
      prompt: 'kept link',
      url: 'https://videos.openai.com/k.mp4',
      params: {},
      createdAt: 5,
      status: 'ready',
      postId: 's_kept',
    });
    await old.put('downloads', {
      ...newDownloadJob({
        id: 'dl_left',
        itemId: 'gen_left',
        batchId: 'b',
        index: 1,
        total: 1,
        mode: 'clean',
        keepPublished: false,
        sidecar: 'none',
        now: 7,
      }),
      state: 'failed',
      postId: 's_left',
      postLeftPublished: true,
    });
    old.close();
    const db = await openCompanionDb({ name: dbName });
    opened.push(db);
    expect(await listPostRecords(db)).toEqual([
      { id: 's_left', itemId: 'gen_left', createdAt: 7, purpose: 'download', jobId: 'dl_left', kept: false },
      { id: 's_kept', itemId: 'gen_kept', createdAt: 5, purpose: 'share', jobId: null, kept: true },
    ]);
  });

  it('runs exactly the missing steps, in order, inside the upgrade transaction', async () => {
    const ran: number[] = [];
    const steps: UpgradeStep[] = [1, 2, 3].map((v) => () => void ran.push(v));
    const dbName = name();
    const raw = await openDB(dbName, 1, {
      upgrade(db, oldVersion, newVersion, tx) {
        runUpgrade(db as never, oldVersion, newVersion ?? 1, tx as never, steps);
      },
    });
    raw.close();
    expect(ran).toEqual([1]);
    const again = await openDB(dbName, 3, {
      upgrade(db, oldVersion, newVersion, tx) {
        runUpgrade(db as never, oldVersion, newVersion ?? 3, tx as never, steps);
      },
    });
    again.close();
    expect(ran).toEqual([1, 2, 3]);
    expect(() => runUpgrade({} as never, 0, 4, {} as never, steps)).toThrow(/version 4/);
  });

  it('lets a newer version open while an older connection is still around', async () => {
    const dbName = name();
    let closed = false;
    const old = await openCompanionDb({ name: dbName, onClosed: () => (closed = true) });
    const newer = await openCompanionDb({
      name: dbName,
      version: DB_VERSION + 1,
      steps: [...UPGRADE_STEPS, () => {}],
    });
    opened.push(newer);
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(closed).toBe(true);
    expect(old).toBeTruthy();
  });
});

describe('repositories', () => {
  it('meta: typed get / set / delete', async () => {
    const db = await open();
    expect(await getMeta(db, 'engine.pause')).toBeUndefined();
    await setMeta(db, 'engine.pause', { reason: 'daily_limit', since: 1, until: 2 });
    expect(await getMeta(db, 'engine.pause')).toEqual({ reason: 'daily_limit', since: 1, until: 2 });
    await deleteMeta(db, 'engine.pause');
    expect(await getMeta(db, 'engine.pause')).toBeUndefined();
  });

  it('history: newest first, paged, by task, idempotent per generation', async () => {
    const db = await open();
    const item = (i: number): HistoryItem => ({
      id: `gen_${i}`,
      taskId: `task_${i % 3}`,
      jobId: null,
      kind: 'video',
      prompt: `p${i}`,
      params: {},
      url: `https://v/${i}.mp4`,
      createdAt: 1000 + i,
      status: 'ready',
    });
    await putHistoryItems(
      db,
      Array.from({ length: 10 }, (_, i) => item(i)),
    );
    await putHistoryItems(db, [item(3)]);
    expect(await countHistory(db)).toBe(10);
    const first = await listHistory(db, { limit: 4 });
    expect(first.map((h) => h.id)).toEqual(['gen_9', 'gen_8', 'gen_7', 'gen_6']);
    const next = await listHistory(db, { limit: 4, before: first.at(-1)!.createdAt });
    expect(next.map((h) => h.id)).toEqual(['gen_5', 'gen_4', 'gen_3', 'gen_2']);
    expect((await getHistoryByTask(db, 'task_1')).map((h) => h.id).sort()).toEqual([
      'gen_1',
      'gen_4',
      'gen_7',
    ]);
  });

  it('files: blobs survive a round trip', async () => {
    const db = await open();
    const id = await putFile(db, new Blob(['hello'], { type: 'image/png' }), 'a.png', 5);
    const file = await getFile(db, id);
    expect(file).toMatchObject({ id, name: 'a.png', type: 'image/png', createdAt: 5 });
    expect(await file!.blob.text()).toBe('hello');
    await deleteFile(db, id);
    expect(await getFile(db, id)).toBeUndefined();
  });
});
