/**
 * The extension's IndexedDB database ('companion'), shared by the background and the extension pages
 * (same origin). Schema changes are numbered steps run by ONE upgrade function: step n turns a version n-1
 * database into version n. A shipped step is never edited; a change is a new step (and a new test in
 * tests/unit/db.test.ts, which upgrades from every older version).
 *
 * Nothing secret is stored here: never the access token, never a cookie.
 */
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { SoraError } from '../sora/errors';
import type { DownloadJob, DownloadState } from './download-record';
import type { SnapshotRecord } from './history-index';
import type { HistoryItem } from './history-record';
import type { Job, JobState } from './job-record';
import type { PostRecord } from './post-record';

export const DB_NAME = 'companion';

/** A file the user picked (a start image), kept until its job is cleared. */
export interface StoredFile {
  id: string;
  blob: Blob;
  name: string;
  type: string;
  createdAt: number;
}

export interface CompanionSchema extends DBSchema {
  jobs: {
    key: string;
    value: Job;
    indexes: { 'by-state': JobState; 'by-order': number; 'by-created': number; 'by-batch': string };
  };
  history: {
    key: string;
    value: HistoryItem;
    indexes: {
      'by-created': number;
      'by-kind': string;
      'by-status': string;
      'by-task': string;
      'by-downloaded': number;
      'by-updated': number;
    };
  };
  /** Small key → value records (engine pause, learned ceiling, poll times). */
  meta: { key: string; value: unknown };
  files: { key: string; value: StoredFile };
  /** Saved storyboards (lib/storyboard); the record type is owned there. */
  storyboards: { key: string; value: StoredRecord; indexes: { 'by-updated': number } };
  /** The user's characters (lib/characters); the record type is owned there. */
  characters: { key: string; value: StoredRecord; indexes: { 'by-created': number } };
  /** Publish-and-download jobs (lib/media), resumable after a service-worker stop. */
  downloads: {
    key: string;
    value: DownloadJob;
    indexes: { 'by-state': DownloadState; 'by-item': string; 'by-created': number };
  };
  /** A cached copy of the History view's search index (lib/history/snapshot.ts); rebuilt when in doubt. */
  historyIndex: { key: string; value: SnapshotRecord };
  /** Posts the extension made on Sora and has not deleted yet (./posts.ts). */
  posts: { key: string; value: PostRecord; indexes: { 'by-item': string } };
}

/** Records whose exact shape belongs to the feature module that stores them. */
export interface StoredRecord {
  id: string;
  [field: string]: unknown;
}

export type CompanionDb = IDBPDatabase<CompanionSchema>;
export type UpgradeTransaction = IDBPTransaction<
  CompanionSchema,
  StoreNames<CompanionSchema>[],
  'versionchange'
>;
export type UpgradeStep = (db: CompanionDb, tx: UpgradeTransaction) => void;

/** `UPGRADE_STEPS[n - 1]` upgrades version n-1 to version n. */
export const UPGRADE_STEPS: readonly UpgradeStep[] = [
  // 1: jobs, history, meta, files.
  (db) => {
    const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
    jobs.createIndex('by-state', 'state');
    jobs.createIndex('by-order', 'order');
    jobs.createIndex('by-created', 'createdAt');
    jobs.createIndex('by-batch', 'batchId');
    const history = db.createObjectStore('history', { keyPath: 'id' });
    history.createIndex('by-created', 'createdAt');
    history.createIndex('by-kind', 'kind');
    history.createIndex('by-status', 'status');
    history.createIndex('by-task', 'taskId');
    db.createObjectStore('meta');
    db.createObjectStore('files', { keyPath: 'id' });
  },
  // 2: saved storyboards and characters.
  (db) => {
    db.createObjectStore('storyboards', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt');
    db.createObjectStore('characters', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
  },
  // 3: download jobs; history by last download ("has been downloaded") and by last change (what changed
  // since the search-index snapshot was made); the snapshot itself.
  (db, tx) => {
    const downloads = db.createObjectStore('downloads', { keyPath: 'id' });
    downloads.createIndex('by-state', 'state');
    downloads.createIndex('by-item', 'itemId');
    downloads.createIndex('by-created', 'createdAt');
    const history = tx.objectStore('history');
    history.createIndex('by-downloaded', 'downloadedAt');
    history.createIndex('by-updated', 'updatedAt');
    db.createObjectStore('historyIndex', { keyPath: 'id' });
  },
  // 4: the posts the extension made and has not deleted. The share links older versions kept on history
  // items, and posts a download could not delete, are recorded too, so the user sees every one.
  (db, tx) => {
    const posts = db.createObjectStore('posts', { keyPath: 'id' });
    posts.createIndex('by-item', 'itemId');
    const record = (id: string, itemId: string, at: number, jobId: string | null, kept: boolean): void => {
      void posts.put({ id, itemId, createdAt: at, purpose: jobId ? 'download' : 'share', jobId, kept });
    };
    void tx
      .objectStore('history')
      .getAll()
      .then((items) => {
        for (const it of items)
          if (it.postId) record(it.postId, it.id, it.updatedAt ?? it.createdAt, null, true);
      });
    void tx
      .objectStore('downloads')
      .getAll()
      .then((jobs) => {
        for (const j of jobs)
          if (j.postId && j.postLeftPublished && !j.postWasKept)
            record(j.postId, j.itemId, j.updatedAt, j.id, j.keepPublished);
      });
  },
];

export const DB_VERSION = UPGRADE_STEPS.length;

/** Runs the steps after `oldVersion` up to `newVersion`, in order, inside the version-change transaction. */
export function runUpgrade(
  db: CompanionDb,
  oldVersion: number,
  newVersion: number,
  tx: UpgradeTransaction,
  steps: readonly UpgradeStep[] = UPGRADE_STEPS,
): void {
  for (let v = oldVersion; v < newVersion; v++) {
    const step = steps[v];
    if (!step) throw new Error(`No upgrade step to database version ${v + 1}.`);
    step(db, tx);
  }
}

export interface OpenOptions {
  name?: string;
  /** Tests open older versions to check upgrades. Default: the newest. */
  version?: number;
  steps?: readonly UpgradeStep[];
  /** The connection was closed for a newer version (an extension update) or by the browser. */
  onClosed?: () => void;
}

/** The refusal every write to a database from a newer version meets. */
export const READ_ONLY_MESSAGE =
  'This history was written by a newer version of Companion; update the extension. You can still read and export it.';

const readOnlyDbs = new WeakSet<object>();

/** The database is one a newer build wrote: it is open for reading only. */
export const isReadOnlyDb = (db: CompanionDb): boolean => readOnlyDbs.has(db);

const refusal = () => new SoraError('storage_read_only', READ_ONLY_MESSAGE);
const WRITES = new Set(['put', 'add', 'delete', 'clear']);

/**
 * A connection that refuses every write before it starts: an older build must not write records a newer
 * schema may read differently (or stores it renamed). Reads, searches and exports work as usual.
 */
function readOnly(db: CompanionDb): CompanionDb {
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') {
        return (stores: never, mode?: IDBTransactionMode, ...rest: never[]) => {
          if (mode === 'readwrite' || mode === 'versionchange') throw refusal();
          return target.transaction(stores, mode, ...rest);
        };
      }
      if (typeof prop === 'string' && WRITES.has(prop)) return () => Promise.reject(refusal());
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  readOnlyDbs.add(proxy);
  return proxy;
}

const isVersionError = (e: unknown) => (e as { name?: unknown } | null)?.name === 'VersionError';

/**
 * Opens (creating or upgrading) the database. A database a newer build upgraded (the extension was
 * downgraded) cannot be opened at our version: it is opened at its own version, read-only, instead of every
 * call failing.
 */
export async function openCompanionDb(options: OpenOptions = {}): Promise<CompanionDb> {
  try {
    return await openAtVersion(options);
  } catch (e) {
    if (!isVersionError(e)) throw e;
    const db = await openDB<CompanionSchema>(options.name ?? DB_NAME, undefined, {
      blocking() {
        void db.close();
        options.onClosed?.();
      },
      terminated() {
        options.onClosed?.();
      },
    });
    return readOnly(db);
  }
}

function openAtVersion(options: OpenOptions): Promise<CompanionDb> {
  const steps = options.steps ?? UPGRADE_STEPS;
  const version = options.version ?? steps.length;
  const opening: Promise<CompanionDb> = openDB<CompanionSchema>(options.name ?? DB_NAME, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      runUpgrade(db, oldVersion, newVersion ?? version, tx, steps);
    },
    blocking() {
      // A newer extension version wants to upgrade: let it (this side reopens on next use).
      void opening.then((db) => db.close());
      options.onClosed?.();
    },
    terminated() {
      options.onClosed?.();
    },
  });
  return opening;
}

let shared: Promise<CompanionDb> | null = null;

/** The shared connection (a cache, not state: reopened whenever it is gone). */
export function getDb(): Promise<CompanionDb> {
  if (shared) return shared;
  const opening = openCompanionDb({
    onClosed: () => {
      if (shared === opening) shared = null;
    },
  }).catch((e: unknown) => {
    if (shared === opening) shared = null;
    throw e;
  });
  shared = opening;
  return opening;
}
