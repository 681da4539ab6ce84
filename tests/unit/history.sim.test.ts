/**
 * Import from Sora and URL re-resolution against the simulator in process (real lib/sora endpoints,
 * fake-indexeddb).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryItem } from '../../lib/db/history-record';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import { importFromSora } from '../../lib/history/import';
import { deleteHistoryItems } from '../../lib/history/repo';
import { createResolver, resolveItems } from '../../lib/history/resolve';
import { createHistorySoraPort } from '../../lib/history/sora-port';
import { createImage, createVideo } from '../../lib/sora/endpoints';
import type { SimConfigPatch } from '../sim/app';
import { simClient } from './harness/sim-client';

const EMAIL = 'ada@example.com';
const DAY = 86_400_000;
let n = 0;
const dbs: CompanionDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function setup(config: SimConfigPatch = {}) {
  const { sim, http } = simClient({ email: EMAIL, seed: 5, plan: 'pro', config });
  const db = await openCompanionDb({ name: `history-sim-${++n}` });
  dbs.push(db);
  const sora = createHistorySoraPort(http);
  const now = () => sim.clock.now();
  const draftReads = () => sim.control.log({ path: '/backend/project_y/profile/drafts*' }).length;
  const head = async (url: string) => (await sim.fetch(url, { method: 'HEAD' })).status;
  return { sim, http, db, sora, now, draftReads, head };
}

describe('import from Sora', () => {
  it('pages through the drafts with the cursor and brings each generation in once', async () => {
    const s = await setup();
    const ids = s.sim.control.seedDrafts({ count: 250, email: EMAIL, promptPrefix: 'Made on sora.com' });
    const pages: number[] = [];
    const first = await importFromSora(s.db, s.sora, { now: s.now, onPage: (_i, p) => pages.push(p.pages) });
    expect(first).toMatchObject({ added: 250, pages: 3, complete: true });
    expect(pages).toEqual([0, 1, 2, 3]);
    expect(await s.db.count('history')).toBe(250);
    const item = (await s.db.get('history', ids[0] as string))!;
    expect(item).toMatchObject({
      source: 'sora',
      kind: 'video',
      status: 'ready',
      orientation: 'landscape',
      nFrames: 300,
    });
    expect(item.url).toMatch(/^https:\/\/videos\.openai\.com\//);
    expect(item.thumbnailUrl).toBeTruthy();

    // Again: nothing new, and it stops at the first page of known drafts.
    const readsBefore = s.draftReads();
    const second = await importFromSora(s.db, s.sora, { now: s.now });
    expect(second.added).toBe(0);
    expect(s.draftReads() - readsBefore).toBe(1);
    expect(await s.db.count('history')).toBe(250);

    // New drafts made elsewhere since: found, and still no duplicates even with a full pass.
    s.sim.clock.advance(60_000);
    s.sim.control.seedDrafts({ count: 3, email: EMAIL, promptPrefix: 'Later' });
    const third = await importFromSora(s.db, s.sora, { now: s.now, full: true });
    expect(third).toMatchObject({ added: 3, pages: 3 });
    expect(await s.db.count('history')).toBe(253);
  });

  it('keeps what the queue recorded (job, kind, settings) when the same generation is imported', async () => {
    const s = await setup();
    const [id] = s.sim.control.seedDrafts({ count: 1, email: EMAIL });
    const mine: HistoryItem = {
      id: id as string,
      taskId: 'task_x',
      jobId: 'job_1',
      kind: 'remix',
      prompt: 'my prompt',
      params: { orientation: 'landscape', nFrames: 300, model: 'sy_8', remixTargetId: 's_1' },
      url: 'https://videos.openai.com/old',
      createdAt: 42,
      status: 'ready',
    };
    await s.db.put('history', mine);
    const res = await importFromSora(s.db, s.sora, { now: s.now });
    expect(res).toMatchObject({ added: 0, updated: 1 });
    const merged = (await s.db.get('history', id as string))!;
    expect(merged).toMatchObject({ jobId: 'job_1', kind: 'remix', prompt: 'my prompt', createdAt: 42 });
    expect(merged.params.remixTargetId).toBe('s_1');
    expect(merged.url).not.toBe(mine.url);
  });

  it('does not bring back what the user deleted from history', async () => {
    const s = await setup();
    const [a, b] = s.sim.control.seedDrafts({ count: 2, email: EMAIL });
    await importFromSora(s.db, s.sora, { now: s.now });
    await deleteHistoryItems(s.db, [a as string], s.now());
    const again = await importFromSora(s.db, s.sora, { now: s.now, full: true });
    expect(again.added).toBe(0);
    expect((await s.db.get('history', a as string))?.status).toBe('deleted');
    expect((await s.db.get('history', b as string))?.status).toBe('ready');
  });

  it('brings in images from the recent tasks and refused videos with their reason', async () => {
    const s = await setup({ blockedPrompts: ['forbidden'] });
    await createImage(s.http, { prompt: 'a paper kite', width: 540, height: 360 });
    await createVideo(s.http, { prompt: 'something forbidden', orientation: 'portrait' });
    s.sim.clock.advance(120_000);
    const res = await importFromSora(s.db, s.sora, { now: s.now });
    expect(res.images).toBe(1);
    const all = await s.db.getAll('history');
    expect(all.find((i) => i.kind === 'image')).toMatchObject({
      prompt: 'a paper kite',
      orientation: 'landscape',
    });
    const refused = all.find((i) => i.prompt === 'something forbidden')!;
    expect(refused.status).toBe('violation');
    expect(refused.reason).toBeTruthy();
  });

  it('falls back to the legacy drafts path', async () => {
    const s = await setup({ variants: { draftsV2: 'not_found' } });
    s.sim.control.seedDrafts({ count: 3, email: EMAIL });
    expect((await importFromSora(s.db, s.sora, { now: s.now })).added).toBe(3);
  });
});

describe('URL re-resolution', () => {
  it('reads fresh URLs for items whose signed URL answers 403', async () => {
    const s = await setup();
    const ids = s.sim.control.seedDrafts({ count: 150, email: EMAIL });
    await importFromSora(s.db, s.sora, { now: s.now });
    const oldest = ids[0] as string;
    const stale = (await s.db.get('history', oldest))!;
    expect(await s.head(stale.url)).toBe(200);
    s.sim.clock.advance(4 * DAY);
    expect(await s.head(stale.url)).toBe(403);
    expect(await s.head(stale.thumbnailUrl!)).toBe(403);

    const changed: HistoryItem[] = [];
    const results = await resolveItems(
      { db: async () => s.db, sora: s.sora, now: s.now, onItems: (i) => changed.push(...i) },
      [oldest],
    );
    const fresh = results.get(oldest)!;
    expect(fresh.url).not.toBe(stale.url);
    expect(await s.head(fresh.url)).toBe(200);
    expect(await s.head(fresh.thumbnailUrl!)).toBe(200);
    expect((await s.db.get('history', oldest))?.url).toBe(fresh.url);
    expect(changed.map((c) => c.id)).toEqual([oldest]);
  });

  it('answers many requests made together with one pass over the drafts', async () => {
    const s = await setup();
    const ids = s.sim.control.seedDrafts({ count: 120, email: EMAIL });
    await importFromSora(s.db, s.sora, { now: s.now });
    s.sim.clock.advance(4 * DAY);
    const resolver = createResolver({ db: async () => s.db, sora: s.sora, now: s.now, batchDelayMs: 5 });
    const before = s.draftReads();
    const wanted = [ids[0], ids[1], ids[119]] as string[];
    const items = await Promise.all(wanted.map((id) => resolver.resolve(id)));
    expect(items.every((i) => i !== null)).toBe(true);
    // 120 drafts newest first at 100 a page: the two oldest are on page 2, so two reads in all.
    expect(s.draftReads() - before).toBe(2);
  });

  it('answers null for what Sora no longer lists, and uses the kept post when there is one', async () => {
    const s = await setup();
    const [id] = s.sim.control.seedDrafts({ count: 1, email: EMAIL });
    await importFromSora(s.db, s.sora, { now: s.now });
    await s.db.put('history', { ...(await s.db.get('history', id as string))!, id: 'gen_gone' });
    const { postId } = await s.sora.publish(id as string);
    await s.db.put('history', { ...(await s.db.get('history', id as string))!, postId });
    const before = s.draftReads();
    const results = await resolveItems({ db: async () => s.db, sora: s.sora, now: s.now, maxPages: 3 }, [
      id as string,
      'gen_gone',
    ]);
    expect(results.get('gen_gone')).toBeNull();
    expect(results.get(id as string)?.postId).toBe(postId);
    // gen_gone was looked for in the drafts (one page: the list ends there).
    expect(s.draftReads() - before).toBe(1);
  });
});
