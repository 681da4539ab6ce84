import { afterEach, describe, expect, it } from 'vitest';
import { putFile } from '../../lib/db/files';
import { getHistoryByTask } from '../../lib/db/history';
import type { Job } from '../../lib/db/job-record';
import { setMeta } from '../../lib/db/meta';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import type { JobInput } from '../../lib/jobs/input';
import {
  applyEvents,
  cancelJobs,
  clearFinished,
  enqueueJobs,
  getJob,
  listJobs,
  listOpenJobs,
  moveJob,
  pauseQueue,
  resumeQueue,
  retryJobs,
} from '../../lib/jobs/queue';

const T = 1_700_000_000_000;
let n = 0;
const dbs: CompanionDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
async function freshDb() {
  const db = await openCompanionDb({ name: `jobs-queue-${++n}` });
  dbs.push(db);
  return db;
}

const prompts = (...ps: string[]): JobInput[] => ps.map((prompt) => ({ kind: 'video', prompt }));
const ids = (jobs: Job[]) => jobs.map((j) => j.id);
const promptsOf = (jobs: Job[]) => jobs.map((j) => j.request.prompt);

async function setState(db: CompanionDb, id: string, patch: Partial<Job>) {
  const job = (await getJob(db, id))!;
  await db.put('jobs', { ...job, ...patch });
}

describe('enqueue', () => {
  it('adds a batch at the end of the queue, in order, sharing a batch id', async () => {
    const db = await freshDb();
    const first = await enqueueJobs(db, prompts('a', 'b'), T);
    const second = await enqueueJobs(db, prompts('c'), T + 1, { batchId: 'mine' });
    expect(first.map((j) => j.order)).toEqual([1, 2]);
    expect(second[0]).toMatchObject({ order: 3, batchId: 'mine', state: 'queued', createdAt: T + 1 });
    expect(new Set(first.map((j) => j.batchId)).size).toBe(1);
    expect(promptsOf(await listJobs(db))).toEqual(['a', 'b', 'c']);
  });

  it('writes nothing when any input is invalid, and says which one', async () => {
    const db = await freshDb();
    await expect(enqueueJobs(db, [...prompts('ok'), { kind: 'video', prompt: '' }], T)).rejects.toMatchObject(
      {
        code: 'bad_request',
        message: 'Job 2: The prompt is empty.',
      },
    );
    await expect(
      enqueueJobs(
        db,
        [...prompts('ok'), { kind: 'video', prompt: 'x', startImage: { fileId: 'file_gone' } }],
        T,
      ),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(await listJobs(db)).toEqual([]);
  });

  it('stores a start image shared by a batch once, and accepts files put by a page', async () => {
    const db = await freshDb();
    const blob = new Blob(['img'], { type: 'image/png' });
    const jobs = await enqueueJobs(
      db,
      ['a', 'b', 'c'].map((prompt) => ({ kind: 'video', prompt, startImage: { blob, fileName: 'cat.png' } })),
      T,
    );
    expect(await db.count('files')).toBe(1);
    const starts = jobs.map((j) => (j.request.kind === 'video' ? j.request.startImage : undefined));
    expect(new Set(starts.map((s) => (s?.source === 'file' ? s.fileId : null))).size).toBe(1);
    expect(starts[0]).toMatchObject({ source: 'file', fileName: 'cat.png', mimeType: 'image/png' });

    const fileId = await putFile(db, new Blob(['x'], { type: 'image/jpeg' }), 'dog.jpg', T);
    const [fromPage] = await enqueueJobs(db, [{ kind: 'image', prompt: 'dog', startImage: { fileId } }], T);
    expect(fromPage?.request).toMatchObject({ startImage: { source: 'file', fileId, fileName: 'dog.jpg' } });
    const [fromUpload] = await enqueueJobs(
      db,
      [{ kind: 'video', prompt: 'u', startImage: { uploadId: 'up_1' } }],
      T,
    );
    expect(fromUpload).toMatchObject({ uploadId: 'up_1' });
  });

  it('enters paused while the queue is paused', async () => {
    const db = await freshDb();
    await setMeta(db, 'engine.pause', { reason: 'daily_limit', since: T, until: T + 1000 });
    const [job] = await enqueueJobs(db, prompts('a'), T);
    expect(job).toMatchObject({ state: 'paused', pauseReason: 'daily_limit' });
  });
});

describe('cancel, retry, move, clear', () => {
  it('cancels open jobs and leaves finished ones alone', async () => {
    const db = await freshDb();
    const [a, b, c] = await enqueueJobs(db, prompts('a', 'b', 'c'), T);
    await setState(db, b!.id, { state: 'running', taskId: 'task_b' });
    await setState(db, c!.id, { state: 'done' });
    const cs = await cancelJobs(db, ids([a!, b!, c!]), T + 5);
    expect(cs.changed.map((j) => [j.id, j.state])).toEqual([
      [a!.id, 'canceled'],
      [b!.id, 'canceled'],
    ]);
    expect((await getJob(db, c!.id))?.state).toBe('done');
    expect(cs.finishedBatches).toEqual([
      { batchId: a!.batchId, counts: { total: 3, done: 1, failed: 0, canceled: 2 } },
    ]);
  });

  it('retries failed and canceled jobs (paused while the queue is paused)', async () => {
    const db = await freshDb();
    const [a, b] = await enqueueJobs(db, prompts('a', 'b'), T);
    await setState(db, a!.id, {
      state: 'failed',
      attempts: 8,
      lastError: { code: 'heavy_load', message: 'x', at: T },
    });
    await setState(db, b!.id, { state: 'canceled' });
    await retryJobs(db, [a!.id], T + 1);
    expect(await getJob(db, a!.id)).toMatchObject({ state: 'queued', attempts: 0, lastError: null });
    await setMeta(db, 'engine.pause', { reason: 'user', since: T, until: null });
    await retryJobs(db, [b!.id], T + 2);
    expect(await getJob(db, b!.id)).toMatchObject({ state: 'paused', pauseReason: 'user' });
  });

  it('moves a waiting job up, down, to the top and to the bottom, skipping jobs already sent', async () => {
    const db = await freshDb();
    const [a, b, c, d] = await enqueueJobs(db, prompts('a', 'b', 'c', 'd'), T);
    await setState(db, b!.id, { state: 'running', taskId: 'task_b' });
    const waiting = async () => promptsOf(await listJobs(db, { states: ['queued', 'paused'] }));
    await moveJob(db, c!.id, 'up', T);
    expect(await waiting()).toEqual(['c', 'a', 'd']);
    await moveJob(db, c!.id, 'down', T);
    expect(await waiting()).toEqual(['a', 'c', 'd']);
    await moveJob(db, d!.id, 'top', T);
    expect(await waiting()).toEqual(['d', 'a', 'c']);
    await moveJob(db, d!.id, 'bottom', T);
    expect(await waiting()).toEqual(['a', 'c', 'd']);
    // Edges and running jobs: nothing happens.
    expect((await moveJob(db, a!.id, 'up', T)).changed).toEqual([]);
    expect((await moveJob(db, d!.id, 'down', T)).changed).toEqual([]);
    expect((await moveJob(db, b!.id, 'up', T)).changed).toEqual([]);
    expect(new Set((await listJobs(db)).map((j) => j.order)).size).toBe(4);
  });

  it('clears finished jobs (optionally one batch) and the images no remaining job uses', async () => {
    const db = await freshDb();
    const batch1 = await enqueueJobs(
      db,
      [
        {
          kind: 'video',
          prompt: 'a',
          startImage: { blob: new Blob(['s'], { type: 'image/png' }), fileName: 's.png' },
        },
        {
          kind: 'video',
          prompt: 'b',
          startImage: { blob: new Blob(['o'], { type: 'image/png' }), fileName: 'o.png' },
        },
      ],
      T,
    );
    const shared = batch1[0]!.request.kind === 'video' ? batch1[0]!.request.startImage : undefined;
    const sharedId = shared?.source === 'file' ? shared.fileId : '';
    // A later job reuses the first image (a page passes its file id).
    await enqueueJobs(db, [{ kind: 'video', prompt: 'c', startImage: { fileId: sharedId } }], T);
    await setState(db, batch1[0]!.id, { state: 'done' });
    await setState(db, batch1[1]!.id, { state: 'failed' });
    expect(await db.count('files')).toBe(2);
    const cs = await clearFinished(db, { batchId: batch1[0]!.batchId });
    expect(cs.removed.sort()).toEqual(ids(batch1).sort());
    expect(promptsOf(await listJobs(db))).toEqual(['c']);
    expect((await db.getAll('files')).map((f) => f.id)).toEqual([sharedId]);
  });

  it('lists by state and batch, open jobs in queue order', async () => {
    const db = await freshDb();
    const [a, b] = await enqueueJobs(db, prompts('a', 'b'), T, { batchId: 'x' });
    await enqueueJobs(db, prompts('c'), T, { batchId: 'y' });
    await setState(db, a!.id, { state: 'done' });
    expect(promptsOf(await listJobs(db, { batchId: 'x' }))).toEqual(['a', 'b']);
    expect(promptsOf(await listJobs(db, { states: ['done'] }))).toEqual(['a']);
    expect(promptsOf(await listJobs(db, { states: ['queued', 'done'] }))).toEqual(['a', 'b', 'c']);
    expect(promptsOf(await listJobs(db, { states: ['queued'], batchId: 'x' }))).toEqual(['b']);
    expect(promptsOf(await listOpenJobs(db))).toEqual(['b', 'c']);
    expect(b).toBeTruthy();
  });
});

describe('completion and pause records', () => {
  it('writes the history items with the completion, once', async () => {
    const db = await freshDb();
    const [job] = await enqueueJobs(
      db,
      [{ kind: 'video', prompt: 'x', nFrames: 450, orientation: 'portrait' }],
      T,
    );
    await setState(db, job!.id, { state: 'running', taskId: 'task_1' });
    const result = {
      generations: [
        { generationId: 'gen_a', url: 'https://v/a.mp4', width: 512, height: 896, durationS: 15 },
        { generationId: 'gen_b', url: 'https://v/b.mp4', thumbnailUrl: 'https://v/b.jpg' },
      ],
    };
    const first = await applyEvents(db, [{ id: job!.id, event: { type: 'resolved', result } }], T + 10);
    const again = await applyEvents(db, [{ id: job!.id, event: { type: 'resolved', result } }], T + 20);
    expect(first.changed).toHaveLength(1);
    expect(again.changed).toHaveLength(0);
    const items = await getHistoryByTask(db, 'task_1');
    expect(items).toHaveLength(2);
    expect(items.find((i) => i.id === 'gen_a')).toEqual({
      id: 'gen_a',
      taskId: 'task_1',
      jobId: job!.id,
      kind: 'video',
      prompt: 'x',
      params: {
        kind: 'video',
        orientation: 'portrait',
        nFrames: 450,
        model: 'sy_8',
        size: 'small',
        styleId: null,
        cameoIds: [],
      },
      url: 'https://v/a.mp4',
      width: 512,
      height: 896,
      durationS: 15,
      createdAt: T + 10,
      status: 'ready',
    });
  });

  it('pauses every queued job and resumes them, only for the matching reason', async () => {
    const db = await freshDb();
    await enqueueJobs(db, prompts('a', 'b'), T);
    await pauseQueue(db, { reason: 'logged_out', since: T, until: null }, T);
    expect((await listJobs(db)).map((j) => j.state)).toEqual(['paused', 'paused']);
    expect(await resumeQueue(db, T, ['daily_limit'])).toBeNull();
    const cs = await resumeQueue(db, T, ['logged_out']);
    expect(cs?.changed).toHaveLength(2);
    expect((await listJobs(db)).map((j) => j.state)).toEqual(['queued', 'queued']);
  });

  it('a create refused just after the queue paused waits paused too, not queued', async () => {
    // Three creates in flight; the first refusal pauses the queue before the others' refusals land.
    const db = await freshDb();
    const [a, b] = await enqueueJobs(db, prompts('a', 'b'), T);
    for (const j of [a, b]) await setState(db, j!.id, { state: 'submitting' });
    await pauseQueue(db, { reason: 'daily_limit', since: T, until: T + 60_000 }, T);
    const error = { code: 'daily_limit' as const, message: 'No generations left.' };
    const cs = await applyEvents(
      db,
      [b!.id, a!.id].map((id) => ({ id, event: { type: 'requeue', delayMs: 0, burnAttempt: false, error } })),
      T + 1,
    );
    expect(cs.changed.map((j) => [j.state, j.pauseReason])).toEqual([
      ['paused', 'daily_limit'],
      ['paused', 'daily_limit'],
    ]);
    await resumeQueue(db, T + 2);
    expect((await listJobs(db)).map((j) => j.state)).toEqual(['queued', 'queued']);
  });
});
