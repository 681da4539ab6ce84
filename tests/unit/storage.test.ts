/**
 * History that survives the browser: a write refused for quota loses no job and carries on once there is
 * room; orphaned files are swept after their grace period; a database from a newer version opens read-only;
 * the weekly History copy and its setting.
 */
import { resolveObjectURL } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createStorageBackground } from '../../lib/background/storage';
import { deleteFile, putFile } from '../../lib/db/files';
import { listHistory, putHistoryItems } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import {
  type CompanionDb,
  DB_VERSION,
  isReadOnlyDb,
  openCompanionDb,
  READ_ONLY_MESSAGE,
} from '../../lib/db/schema';
import {
  isQuotaError,
  ORPHAN_GRACE_MS,
  parseStorageState,
  removeOrphanFiles,
  storageUse,
} from '../../lib/db/storage';
import {
  AUTO_EXPORT_ALARM,
  AUTO_EXPORT_EVERY_MS,
  autoExportDue,
  autoExportFilename,
  runAutoExport,
} from '../../lib/history/auto-export';
import { parseHistoryFile } from '../../lib/history/exchange';
import { errorText } from '../../lib/i18n/popup';
import { createEngine } from '../../lib/jobs/engine';
import type { JobInput } from '../../lib/jobs/input';
import { enqueueJobs, listJobs } from '../../lib/jobs/queue';
import { DEFAULT_SETTINGS, normalizeSettings, saveSettings } from '../../lib/settings';
import { toSerializedError } from '../../lib/sora/errors';
import { storageStateItem } from '../../lib/util/storage-items';
import { createFakeSora, createManualClock, runFor, runUntil } from './fakes/jobs';
import { bootWorld, tearDownWorldAndClock, useWorkerClock } from './harness/background';
import { installedWorker } from './harness/service-worker';

const STORAGE_STATE_KEY = storageStateItem.key;

const T0 = Date.UTC(2026, 0, 1);
let dbCount = 0;
const open: CompanionDb[] = [];
const dbName = () => `storage-${++dbCount}`;

/**
 * The browser out of space for this origin: every put/add is refused with the DOMException browsers throw.
 * (Chrome reports it on the commit; either way the transaction aborts and nothing it wrote is kept.)
 */
const disk = { full: false };
const proto = IDBObjectStore.prototype;
const realPut = proto.put;
const realAdd = proto.add;
const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

beforeEach(() => {
  fakeBrowser.reset();
  disk.full = false;
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (disk.full) throw quotaError();
    return realPut.apply(this, args);
  };
  proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
    if (disk.full) throw quotaError();
    return realAdd.apply(this, args);
  };
});

afterEach(() => {
  proto.put = realPut;
  proto.add = realAdd;
  for (const db of open.splice(0)) db.close();
});

async function openDb(name = dbName()): Promise<CompanionDb> {
  const db = await openCompanionDb({ name });
  open.push(db);
  return db;
}

const videos = (n: number): JobInput[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'video' as const, prompt: `prompt ${i + 1}` }));

const item = (id: string, over: Partial<HistoryItem> = {}): HistoryItem => ({
  id,
  taskId: `task_${id}`,
  jobId: null,
  kind: 'video',
  prompt: `a prompt for ${id}`,
  params: {},
  url: `https://videos.openai.com/${id}.mp4`,
  createdAt: T0,
  status: 'ready',
  ...over,
});

describe('a write refused for quota', () => {
  it('mid-batch: no job lost or sent twice, a readable state, and the batch finishes once there is room', async () => {
    const db = await openDb();
    const clock = createManualClock(T0);
    const sora = createFakeSora({ now: clock.now, videoDurationMs: 60_000 });
    const storage = createStorageBackground(clock.now);
    const errors: unknown[] = [];
    const engine = createEngine({
      db,
      port: sora.port,
      now: clock.now,
      setTimer: clock.setTimer,
      random: () => 0.5,
      ceiling: () => 3,
      autoTick: false,
      onError: (e) => {
        errors.push(e);
        storage.onError(e);
      },
      onTickOk: storage.onOk,
    });
    await engine.enqueue(videos(5));
    await engine.tick();
    const before = await listJobs(db);
    expect(before.map((j) => j.state).sort()).toEqual(['queued', 'queued', 'running', 'running', 'running']);

    // The disk fills while three videos are being made; they finish on Sora meanwhile.
    disk.full = true;
    await runFor(engine, clock, 5 * 60_000);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(isQuotaError)).toBe(true);
    // Every job is still in the state it last stored: nothing dropped, nothing half-written.
    expect(await listJobs(db)).toEqual(before);
    expect(await listHistory(db, { limit: 100 })).toHaveLength(0);
    // No create went out while the queue could not record it.
    expect(sora.calls.create).toBe(3);
    // What the side panel shows.
    const state = parseStorageState(
      (await fakeBrowser.storage.session.get(STORAGE_STATE_KEY))[STORAGE_STATE_KEY],
    );
    expect(state.refusedAt).not.toBeNull();
    const shown = errorText(toSerializedError(errors[0]));
    expect(shown).toContain('Your browser refused to store more');
    expect(shown).toContain('free space');

    // Space is freed: the same jobs carry on and the batch ends complete.
    disk.full = false;
    const done = await runUntil(
      engine,
      clock,
      async () => (await listJobs(db)).every((j) => j.state === 'done'),
      60 * 60_000,
    );
    expect(done).toBe(true);
    expect((await listJobs(db)).map((j) => j.id).sort()).toEqual(before.map((j) => j.id).sort());
    expect(sora.calls.create).toBe(5);
    expect(await listHistory(db, { limit: 100 })).toHaveLength(5);
    await expect
      .poll(async () => (await fakeBrowser.storage.session.get(STORAGE_STATE_KEY))[STORAGE_STATE_KEY])
      .toEqual({ refusedAt: null });
    engine.dispose();
  });

  it('an enqueue refused for quota writes nothing and tells the page why', async () => {
    const db = await openDb();
    disk.full = true;
    const error = await enqueueJobs(db, videos(3), T0).catch((e: unknown) => e);
    expect(isQuotaError(error)).toBe(true);
    expect(toSerializedError(error)).toMatchObject({ code: 'storage_full' });
    disk.full = false;
    expect(await listJobs(db)).toEqual([]);
    expect(await enqueueJobs(db, videos(3), T0)).toHaveLength(3);
  });

  it('a page storing a start image sees the same readable refusal', async () => {
    const db = await openDb();
    disk.full = true;
    const error = await putFile(db, new Blob(['x'], { type: 'image/png' }), 'a.png', T0).catch((e) => e);
    expect(errorText(toSerializedError(error))).toMatch(/refused to store more/);
  });

  it('other errors are not reported as a full disk', () => {
    expect(isQuotaError(new Error('boom'))).toBe(false);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Error('wrapped', { cause: quotaError() }))).toBe(true);
  });
});

describe('orphaned files', () => {
  it('removes old files no job or character refers to, and keeps the rest', async () => {
    const db = await openDb();
    const png = () => new Blob(['img'], { type: 'image/png' });
    const orphanOld = await putFile(db, png(), 'old.png', T0);
    const orphanNew = await putFile(db, png(), 'new.png', T0 + ORPHAN_GRACE_MS);
    const forJob = await putFile(db, png(), 'job.png', T0);
    const forCharacter = await putFile(db, png(), 'cameo.mp4', T0);
    await enqueueJobs(db, [{ kind: 'video', prompt: 'with a picture', startImage: { fileId: forJob } }], T0);
    await db.put('characters', { id: 'char_1', video: { fileId: forCharacter }, pictureFileId: null });

    const removed = await removeOrphanFiles(db, T0 + ORPHAN_GRACE_MS + 1);
    expect(removed).toEqual([orphanOld]);
    const left = (await db.getAll('files')).map((f) => f.id).sort();
    expect(left).toEqual([orphanNew, forJob, forCharacter].sort());
    await deleteFile(db, orphanNew);
  });
});

describe('a database from a newer version', () => {
  async function newerDatabase(): Promise<string> {
    const name = dbName();
    const db = await openCompanionDb({ name });
    await putHistoryItems(db, [item('gen_a'), item('gen_b')]);
    db.close();
    // A newer build upgraded it (and added a store this build does not know).
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, DB_VERSION + 1);
      req.onupgradeneeded = () => req.result.createObjectStore('future');
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    return name;
  }

  it('opens read-only: history reads as before, every write is refused with the clear message', async () => {
    const db = await openDb(await newerDatabase());
    expect(isReadOnlyDb(db)).toBe(true);
    expect((await listHistory(db, { limit: 10 })).map((i) => i.id).sort()).toEqual(['gen_a', 'gen_b']);
    const refused = await enqueueJobs(db, videos(1), T0).catch((e: unknown) => e);
    expect(toSerializedError(refused)).toEqual({ code: 'storage_read_only', message: READ_ONLY_MESSAGE });
    expect(errorText(toSerializedError(refused))).toBe(
      'This history was written by a newer version of Companion; update the extension. You can still read and export it.',
    );
    await expect(putHistoryItems(db, [item('gen_c')])).rejects.toMatchObject({ code: 'storage_read_only' });
    await expect(db.delete('history', 'gen_a')).rejects.toMatchObject({ code: 'storage_read_only' });
    expect(await db.count('history')).toBe(2);
  });

  it('the current version opens read-write as before', async () => {
    const db = await openDb();
    expect(isReadOnlyDb(db)).toBe(false);
    await putHistoryItems(db, [item('gen_x')]);
    expect(await db.count('history')).toBe(1);
  });
});

describe('storage use', () => {
  it('reports what the browser says, and nulls where it says nothing', async () => {
    expect(
      await storageUse({
        estimate: async () => ({ usage: 2048, quota: 10 ** 12 }),
        persisted: async () => true,
        persist: async () => true,
      }),
    ).toEqual({ usage: 2048, quota: 10 ** 12, persisted: true });
    expect(await storageUse(undefined)).toEqual({ usage: null, quota: null, persisted: null });
  });
});

describe('the weekly History copy', () => {
  it('is off by default and kept when turned on', () => {
    expect(DEFAULT_SETTINGS.autoExport).toBe(false);
    expect(normalizeSettings({ autoExport: true }).autoExport).toBe(true);
    expect(normalizeSettings({ autoExport: 'yes' }).autoExport).toBe(false);
  });

  it('is due a week after the last copy, and at once when there was none', () => {
    expect(autoExportDue(null, T0)).toBe(true);
    expect(autoExportDue(T0, T0 + AUTO_EXPORT_EVERY_MS - 1)).toBe(false);
    expect(autoExportDue(T0, T0 + AUTO_EXPORT_EVERY_MS)).toBe(true);
  });

  it('saves the Export button’s JSON of every item but deleted ones, into the download folder', async () => {
    const db = await openDb();
    await putHistoryItems(db, [item('gen_a'), item('gen_b', { status: 'deleted' }), item('gen_c')]);
    const saved: { filename: string; text: string }[] = [];
    const filename = await runAutoExport(
      { db: async () => db, now: () => T0, save: async (f, text) => void saved.push({ filename: f, text }) },
      'Sora',
    );
    expect(filename).toBe('Sora/companion-history-2026-01-01.json');
    expect(saved).toHaveLength(1);
    expect(
      parseHistoryFile(saved[0]!.text, T0)
        .map((i) => i.id)
        .sort(),
    ).toEqual(['gen_a', 'gen_c']);
    expect(autoExportFilename('', T0)).toBe('companion-history-2026-01-01.json');
  });
});

describe('the weekly History copy, through the real background', () => {
  afterEach(tearDownWorldAndClock);

  it('turned on in Settings: a copy at the first check, none again that week, the next a week later; turned off, no more checks', async () => {
    useWorkerClock(T0);
    const saved: { filename: string; text: string }[] = [];
    const w = await bootWorld({}, () => {
      // The download manager: what the background hands it (a blob: URL, or data: where there is no blob URL).
      (fakeBrowser as unknown as { downloads: { download: unknown } }).downloads.download = async (o: {
        url: string;
        filename: string;
      }) => {
        const text = o.url.startsWith('data:')
          ? decodeURIComponent(o.url.slice(o.url.indexOf(',') + 1))
          : await (resolveObjectURL(o.url) as Blob).text();
        saved.push({ filename: o.filename, text });
        return saved.length;
      };
    });
    const worker = installedWorker();
    const imported = await w.ask('history.importItems', {
      items: [item('gen_a'), item('gen_b', { status: 'deleted' }), item('gen_c')],
    });
    expect(imported.ok).toBe(true);
    const alarm = () => fakeBrowser.alarms.get(AUTO_EXPORT_ALARM);
    const passes = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      await worker.fireDueAlarms();
      await worker.settle();
    };
    await passes(2 * 60_000);
    expect(await alarm()).toBeFalsy();
    expect(saved).toEqual([]);

    await saveSettings({ autoExport: true, downloadFolder: 'Sora' });
    await worker.settle();
    expect(await alarm()).toMatchObject({ periodInMinutes: 24 * 60 });
    await passes(2 * 60_000);
    expect(saved.map((f) => f.filename)).toEqual(['Sora/companion-history-2026-01-01.json']);
    expect(
      parseHistoryFile(saved[0]!.text, Date.now())
        .map((i) => i.id)
        .sort(),
    ).toEqual(['gen_a', 'gen_c']);

    // Checked every day; copied again only once a week has passed.
    for (let day = 1; day < 7; day++) await passes(24 * 60 * 60_000);
    expect(saved).toHaveLength(1);
    await passes(24 * 60 * 60_000);
    expect(saved.map((f) => f.filename)).toEqual([
      'Sora/companion-history-2026-01-01.json',
      'Sora/companion-history-2026-01-08.json',
    ]);

    await saveSettings({ autoExport: false });
    await worker.settle();
    expect(await alarm()).toBeFalsy();
    await passes(8 * 24 * 60 * 60_000);
    expect(saved).toHaveLength(2);
  }, 30_000);
});
