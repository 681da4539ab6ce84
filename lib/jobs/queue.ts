/**
 * Persisted queue operations. Each is ONE IndexedDB transaction that reads the current records and applies
 * the state machine (`transition`), so a decision made on a stale copy (the user canceled while a create
 * was in flight) can never overwrite a newer state, and a job's completion and its history items are
 * written together or not at all.
 */

import type { IDBPObjectStore, IDBPTransaction } from 'idb';
import type { HistoryItem } from '../db/history-record';
import type { EnginePause, Job, JobRequest, JobState, PauseReason, StartImage } from '../db/job-record';
import { mediaFieldsOf } from '../db/media-fields';
import type { CompanionDb, CompanionSchema, StoredFile } from '../db/schema';
import { SoraError } from '../sora/errors';
import { randomId } from '../util/id';
import { checkStartImage, type JobInput, type StartImageInput, toRequest } from './input';
import { type JobEvent, newJob, startImageOf, transition } from './model';
import { isFinal, isWaiting, OPEN_STATES } from './states';

export interface BatchCounts {
  total: number;
  done: number;
  failed: number;
  canceled: number;
}

export interface BatchFinished {
  batchId: string;
  counts: BatchCounts;
}

/** What one operation changed, for the engine's events. */
export interface ChangeSet {
  changed: Job[];
  /** Jobs that became `failed` (not canceled) in this operation. */
  failed: Job[];
  /** Batches whose last open job became final in this operation. */
  finishedBatches: BatchFinished[];
  removed: string[];
}

export const emptyChangeSet = (): ChangeSet => ({
  changed: [],
  failed: [],
  finishedBatches: [],
  removed: [],
});

/** Open jobs after changes: the changed records laid over `jobs`, finished and removed ones dropped. */
export function overlayOpen(jobs: readonly Job[], changes: readonly ChangeSet[]): Job[] {
  const map = new Map(jobs.map((j) => [j.id, j]));
  for (const c of changes) {
    for (const j of c.changed) map.set(j.id, j);
    for (const id of c.removed) map.delete(id);
  }
  return [...map.values()].filter((j) => !isFinal(j.state)).sort((a, b) => a.order - b.order);
}

export interface JobEventItem {
  id: string;
  event: JobEvent;
}

type AllStores = ('jobs' | 'history' | 'meta' | 'files')[];
type JobsTx = IDBPTransaction<CompanionSchema, AllStores, 'readwrite'>;
type FilesStore = IDBPObjectStore<CompanionSchema, AllStores, 'files', 'readwrite'>;

/** The history records of a finished job: one per generation. */
export function historyItemsFor(job: Job, now: number): HistoryItem[] {
  if (job.result === null || job.taskId === null) return [];
  const { prompt, ...rest } = job.request;
  const params: Record<string, unknown> = { ...rest };
  delete params.startImage;
  if (startImageOf(job.request) !== undefined) params.hasStartImage = true;
  return job.result.generations.map((g) => ({
    id: g.generationId,
    taskId: job.taskId as string,
    jobId: job.id,
    kind: job.kind,
    prompt,
    params,
    url: g.url,
    ...mediaFieldsOf(g),
    ...(g.files === undefined ? {} : { draftFiles: g.files }),
    ...(job.request.kind === 'extend'
      ? {
          extendedFrom: {
            generationId: job.request.sourceGenerationId,
            ...(job.request.sourceHistoryId === undefined ? {} : { historyId: job.request.sourceHistoryId }),
          },
        }
      : {}),
    createdAt: now,
    status: 'ready' as const,
  }));
}

/** The counts of a batch whose jobs are all final, else null (stops at the first open job it meets). */
async function batchCounts(tx: JobsTx, batchId: string): Promise<BatchCounts | null> {
  const counts: BatchCounts = { total: 0, done: 0, failed: 0, canceled: 0 };
  let cursor = await tx.objectStore('jobs').index('by-batch').openCursor(batchId);
  while (cursor) {
    const state = cursor.value.state;
    if (!isFinal(state)) return null;
    counts.total++;
    if (state === 'done') counts.done++;
    else if (state === 'failed') counts.failed++;
    else counts.canceled++;
    cursor = await cursor.continue();
  }
  return counts;
}

/** Applies events inside an open transaction; records completions in history. */
async function applyInTx(
  tx: JobsTx,
  items: readonly JobEventItem[],
  now: number,
  out: ChangeSet,
): Promise<void> {
  const store = tx.objectStore('jobs');
  const latest = new Map<string, Job>();
  const finishedIn = new Set<string>();
  let pause: EnginePause | null | undefined;
  for (const { id, event } of items) {
    const job = latest.get(id) ?? (await store.get(id));
    if (!job) continue;
    let next = transition(job, event, now);
    if (next === null) continue;
    if (next.state === 'queued' && event.type !== 'unpause') {
      // Back in line while the queue is paused (a retry, or a refusal that raced the pause of a parallel
      // create): it waits paused with the others, never `queued` under a paused queue.
      pause = pause === undefined ? await readPause(tx) : pause;
      if (pause) next = transition(next, { type: 'pause', reason: pause.reason }, now) ?? next;
    }
    await store.put(next);
    latest.set(id, next);
    if (next.state === 'done' && job.state !== 'done') {
      for (const item of historyItemsFor(next, now)) await tx.objectStore('history').put(item);
    }
    if (isFinal(next.state) && !isFinal(job.state)) finishedIn.add(next.batchId);
  }
  for (const job of latest.values()) {
    out.changed.push(job);
    if (job.state === 'failed' && items.some((i) => i.id === job.id && i.event.type === 'fail'))
      out.failed.push(job);
  }
  for (const batchId of finishedIn) {
    const counts = await batchCounts(tx, batchId);
    if (counts) out.finishedBatches.push({ batchId, counts });
  }
}

/**
 * Runs `fn` in one read-write transaction over every store and commits; when `fn` throws, the whole
 * transaction is rolled back (idb would otherwise commit what was written so far).
 */
async function withTx<T>(db: CompanionDb, fn: (tx: JobsTx) => Promise<T>): Promise<T> {
  const tx = db.transaction(['jobs', 'history', 'meta', 'files'], 'readwrite');
  try {
    const result = await fn(tx);
    await tx.done;
    return result;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted.
    }
    await tx.done.catch(() => {});
    throw e;
  }
}

const readPause = async (tx: JobsTx): Promise<EnginePause | null> =>
  ((await tx.objectStore('meta').get('engine.pause')) as EnginePause | null | undefined) ?? null;

/** Applies state-machine events to jobs in one transaction. Events that do not apply are skipped. */
export async function applyEvents(
  db: CompanionDb,
  items: readonly JobEventItem[],
  now: number,
): Promise<ChangeSet> {
  const out = emptyChangeSet();
  if (items.length === 0) return out;
  await withTx(db, (tx) => applyInTx(tx, items, now, out));
  return out;
}

export interface EnqueueOptions {
  /** Default: a new batch. */
  batchId?: string;
}

/**
 * Adds jobs at the end of the queue, all or none. Start images given as blobs are stored once per blob (a
 * batch sharing one image stores it once). Jobs enter `paused` when the queue is paused.
 *
 * @throws SoraError 'bad_request' before anything is written when an input is not valid.
 */
export async function enqueueJobs(
  db: CompanionDb,
  inputs: readonly JobInput[],
  now: number,
  options: EnqueueOptions = {},
): Promise<Job[]> {
  if (inputs.length === 0) return [];
  const requests = inputs.map((input, i) => {
    try {
      return toRequest(input);
    } catch (e) {
      if (e instanceof SoraError && inputs.length > 1)
        throw new SoraError(e.code, `Job ${i + 1}: ${e.message}`, { local: e.local });
      throw e;
    }
  });
  const batchId = options.batchId ?? randomId('batch');
  return withTx(db, async (tx) => {
    const jobsStore = tx.objectStore('jobs');
    const files = tx.objectStore('files');
    const pause = await readPause(tx);
    const last = await jobsStore.index('by-order').openCursor(null, 'prev');
    let order = last ? last.value.order + 1 : 1;
    const storedBlobs = new Map<Blob, StartImage>();
    const jobs: Job[] = [];
    for (const [i, input] of inputs.entries()) {
      let request = requests[i] as JobRequest;
      const start = 'startImage' in input ? input.startImage : undefined;
      if (start !== undefined && request.kind !== 'remix' && request.kind !== 'extend') {
        request = { ...request, startImage: await resolveStartImage(start, files, storedBlobs, now) };
      }
      const job = newJob({
        id: randomId('job'),
        request,
        batchId,
        order: order++,
        now,
        pauseReason: pause?.reason,
      });
      await jobsStore.add(job);
      jobs.push(job);
    }
    return jobs;
  });
}

async function resolveStartImage(
  start: StartImageInput,
  files: FilesStore,
  stored: Map<Blob, StartImage>,
  now: number,
): Promise<StartImage> {
  checkStartImage(start);
  if ('uploadId' in start) return { source: 'upload', uploadId: start.uploadId };
  if ('fileId' in start) {
    const file = await files.get(start.fileId);
    if (!file) {
      throw new SoraError('bad_request', 'The start image is no longer stored; pick it again.', {
        local: true,
      });
    }
    return { source: 'file', fileId: file.id, fileName: file.name, mimeType: file.type };
  }
  const known = stored.get(start.blob);
  if (known) return known;
  const file: StoredFile = {
    id: randomId('file'),
    blob: start.blob,
    name: start.fileName.trim(),
    type: start.blob.type,
    createdAt: now,
  };
  await files.put(file);
  const image: StartImage = { source: 'file', fileId: file.id, fileName: file.name, mimeType: file.type };
  stored.set(start.blob, image);
  return image;
}

export function cancelJobs(db: CompanionDb, ids: readonly string[], now: number): Promise<ChangeSet> {
  return applyEvents(
    db,
    ids.map((id) => ({ id, event: { type: 'cancel' } })),
    now,
  );
}

/** Failed or canceled jobs go back to the queue with fresh attempts (paused when the queue is). */
export function retryJobs(db: CompanionDb, ids: readonly string[], now: number): Promise<ChangeSet> {
  return applyEvents(
    db,
    ids.map((id) => ({ id, event: { type: 'retry' } })),
    now,
  );
}

export type MoveDirection = 'up' | 'down' | 'top' | 'bottom';

/** Moves a waiting job among the waiting jobs (running ones have left the line). */
export async function moveJob(
  db: CompanionDb,
  id: string,
  direction: MoveDirection,
  now: number,
): Promise<ChangeSet> {
  const out = emptyChangeSet();
  await withTx(db, async (tx) => {
    const all = await tx.objectStore('jobs').index('by-order').getAll();
    const waiting = all.filter((j) => isWaiting(j.state));
    const index = waiting.findIndex((j) => j.id === id);
    const job = waiting[index];
    if (!job) return;
    const items: JobEventItem[] = [];
    if (direction === 'up' || direction === 'down') {
      const other = waiting[direction === 'up' ? index - 1 : index + 1];
      if (other) {
        items.push({ id: job.id, event: { type: 'reorder', order: other.order } });
        items.push({ id: other.id, event: { type: 'reorder', order: job.order } });
      }
    } else if (direction === 'top' && index > 0) {
      items.push({ id, event: { type: 'reorder', order: (all[0]?.order ?? 0) - 1 } });
    } else if (direction === 'bottom' && index < waiting.length - 1) {
      items.push({ id, event: { type: 'reorder', order: (all[all.length - 1]?.order ?? 0) + 1 } });
    }
    await applyInTx(tx, items, now, out);
  });
  return out;
}

export interface ClearOptions {
  /** Only this batch. */
  batchId?: string;
  /** Default: every final state. */
  states?: readonly JobState[];
  /** Only these jobs. */
  ids?: readonly string[];
}

/** Deletes finished jobs (and start images no remaining job uses). History is kept. */
export async function clearFinished(db: CompanionDb, options: ClearOptions = {}): Promise<ChangeSet> {
  const out = emptyChangeSet();
  const states = options.states ?? ['done', 'failed', 'canceled'];
  await withTx(db, async (tx) => {
    const store = tx.objectStore('jobs');
    const all = await store.getAll();
    const remove = all.filter(
      (j) =>
        isFinal(j.state) &&
        states.includes(j.state) &&
        (options.batchId === undefined || j.batchId === options.batchId) &&
        (options.ids === undefined || options.ids.includes(j.id)),
    );
    const removeIds = new Set(remove.map((j) => j.id));
    const fileIds = new Set<string>();
    for (const j of remove) {
      await store.delete(j.id);
      out.removed.push(j.id);
      const start = startImageOf(j.request);
      if (start?.source === 'file') fileIds.add(start.fileId);
    }
    for (const j of all) {
      if (removeIds.has(j.id)) continue;
      const start = startImageOf(j.request);
      if (start?.source === 'file') fileIds.delete(start.fileId);
    }
    for (const fileId of fileIds) await tx.objectStore('files').delete(fileId);
  });
  return out;
}

export interface ListFilter {
  states?: readonly JobState[];
  batchId?: string;
}

/** Jobs in queue order. */
export async function listJobs(db: CompanionDb, filter: ListFilter = {}): Promise<Job[]> {
  const { states, batchId } = filter;
  // By state alone, the state index reads only those jobs (the popup's few running ones, not every job).
  if (batchId === undefined && states) return listInStates(db, states);
  let jobs =
    batchId === undefined
      ? await db.getAllFromIndex('jobs', 'by-order')
      : (await db.getAllFromIndex('jobs', 'by-batch', batchId)).sort((a, b) => a.order - b.order);
  if (states) jobs = jobs.filter((j) => states.includes(j.state));
  return jobs;
}

async function listInStates(db: CompanionDb, states: readonly JobState[]): Promise<Job[]> {
  const tx = db.transaction('jobs');
  const index = tx.store.index('by-state');
  const parts = await Promise.all([...new Set(states)].map((s) => index.getAll(s)));
  await tx.done;
  return parts.flat().sort((a, b) => a.order - b.order);
}

/** Jobs that are not final, in queue order. */
export const listOpenJobs = (db: CompanionDb): Promise<Job[]> => listInStates(db, OPEN_STATES);

export function getJob(db: CompanionDb, id: string): Promise<Job | undefined> {
  return db.get('jobs', id);
}

/**
 * Pauses the queue: records why, and parks every queued job. A user pause is never replaced by an
 * automatic one (it would be lifted by the automatic resume).
 */
export async function pauseQueue(db: CompanionDb, pause: EnginePause, now: number): Promise<ChangeSet> {
  const out = emptyChangeSet();
  await withTx(db, async (tx) => {
    const current = await readPause(tx);
    const effective = current?.reason === 'user' && pause.reason !== 'user' ? current : pause;
    await tx.objectStore('meta').put(effective, 'engine.pause');
    const queued = await tx.objectStore('jobs').index('by-state').getAll('queued');
    const items: JobEventItem[] = queued.map((j) => ({
      id: j.id,
      event: { type: 'pause', reason: effective.reason },
    }));
    await applyInTx(tx, items, now, out);
  });
  return out;
}

/**
 * Lifts the pause when its reason is one of `reasons` (any when absent) and returns every paused job to
 * the queue. Returns null when nothing was lifted.
 */
export async function resumeQueue(
  db: CompanionDb,
  now: number,
  reasons?: readonly PauseReason[],
): Promise<ChangeSet | null> {
  const out = emptyChangeSet();
  const lifted = await withTx(db, async (tx) => {
    const current = await readPause(tx);
    if (current === null || (reasons !== undefined && !reasons.includes(current.reason))) return false;
    await tx.objectStore('meta').put(null, 'engine.pause');
    const paused = await tx.objectStore('jobs').index('by-state').getAll('paused');
    await applyInTx(
      tx,
      paused.map((j) => ({ id: j.id, event: { type: 'unpause' } })),
      now,
      out,
    );
    return true;
  });
  return lifted ? out : null;
}
