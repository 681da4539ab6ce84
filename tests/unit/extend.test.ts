/**
 * Extending a video: the endpoint function against the simulator in process, the job kind through the real
 * engine and SoraPort, and the checks that refuse bad input before anything is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listHistory } from '../../lib/db/history';
import type { CompanionDb } from '../../lib/db/schema';
import { extendInput, isExtendable, rerunInput } from '../../lib/history/actions';
import { exportCsv, exportJson, parseHistoryFile } from '../../lib/history/exchange';
import { type JobInput, toRequest } from '../../lib/jobs/input';
import { extendVideo, getDrafts, getPendingTasks } from '../../lib/sora/endpoints';
import { SoraError } from '../../lib/sora/errors';
import type { FetchFn } from '../../lib/sora/http';
import type { Sim, SimConfigPatch } from '../sim/app';
import { failure } from './harness/failure';
import { simClient, simEngine } from './harness/sim-client';

const EMAIL = 'ada@example.com';
const EXTEND_PATH = /\/long_video_extension$/;
let n = 0;
const dbs: CompanionDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function client(config: SimConfigPatch = {}, wrapFetch?: (f: FetchFn) => FetchFn) {
  const { sim, http, token } = simClient({ email: EMAIL, seed: 11, plan: 'plus', config: config, wrapFetch });
  return { sim, http, token };
}

const extendCalls = (sim: Sim) => sim.control.log({ method: 'POST' }).filter((e) => EXTEND_PATH.test(e.path));

describe('extendVideo against the simulator', () => {
  it('starts a task that ends as a longer draft with Sora’s rewrite of the prompt, linked by task id', async () => {
    const { sim, http } = client();
    const [source] = sim.control.seedDrafts({ count: 1, email: EMAIL, nFrames: 300 });
    const before = sim.control.state().users.find((u) => u.email === EMAIL)?.quota.remaining ?? 0;
    const res = await extendVideo(http, {
      generationId: source!,
      prompt: 'The boat reaches the harbour',
      seconds: 10,
    });
    expect(res.id).toMatch(/^task_/);

    const [call] = extendCalls(sim);
    expect(call?.path).toBe(`/backend/project_y/profile/drafts/${source}/long_video_extension`);
    expect(call?.body).toEqual({
      user_prompt: 'The boat reaches the harbour',
      extension_duration_s: 10,
      enable_rewrite: true,
    });
    expect(call?.sentinel).toBeTruthy();
    expect(sim.control.state().users.find((u) => u.email === EMAIL)?.quota.remaining).toBe(before - 1);

    expect((await getPendingTasks(http)).map((t) => t.id)).toContain(res.id);
    sim.clock.advance(30 * 60_000);
    const draft = (await getDrafts(http, { limit: 10 })).items.find((d) => d.task_id === res.id);
    expect(draft).toBeDefined();
    expect(draft?.n_frames).toBe(600);
    expect(draft?.prompt).not.toBe('The boat reaches the harbour');
    expect(draft?.prompt).toContain('The boat reaches the harbour');
  });

  it('charges 2 for 15 s, answers 404 for another user’s or an unknown video, and refuses without a sentinel', async () => {
    const { sim, http, token } = client();
    const [mine] = sim.control.seedDrafts({ count: 1, email: EMAIL });
    const [theirs] = sim.control.seedDrafts({ count: 1, email: 'bo@example.com' });
    const before = sim.control.state().users.find((u) => u.email === EMAIL)?.quota.remaining ?? 0;
    await extendVideo(http, { generationId: mine!, prompt: 'Night falls', seconds: 15 });
    expect(sim.control.state().users.find((u) => u.email === EMAIL)?.quota.remaining).toBe(before - 2);

    expect((await failure(extendVideo(http, { generationId: theirs!, prompt: 'x', seconds: 10 }))).code).toBe(
      'not_found',
    );
    const unknown = 'gen_01AAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await failure(extendVideo(http, { generationId: unknown, prompt: 'x', seconds: 10 }))).code).toBe(
      'not_found',
    );

    const bare = await sim.fetch(
      new Request(`https://sora.chatgpt.com/backend/project_y/profile/drafts/${mine}/long_video_extension`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_prompt: 'x', extension_duration_s: 10, enable_rewrite: true }),
      }),
    );
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('sentinel_block');
    const stats = sim.control.stats().creates;
    expect(stats.extend).toBe(4);
    expect(stats.rejectedByCode).toMatchObject({ not_found: 2, sentinel_block: 1 });
  });

  it('keeps extra answer fields and accepts a fault like any route', async () => {
    const { sim, http } = client({ variants: { createResponse: 'full' } });
    const [source] = sim.control.seedDrafts({ count: 1, email: EMAIL });
    const res = await extendVideo(http, { generationId: source!, prompt: 'Then it rains', seconds: 10 });
    expect(res.task_type).toBe('long_video_extension');
    sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/profile/drafts/*/long_video_extension',
      kind: 'server_error',
      times: 1,
    });
    const e = await failure(
      extendVideo(http, { generationId: source!, prompt: 'Then it rains', seconds: 10 }),
    );
    expect(e.code).toBe('server_error');
    expect(
      sim.control.log({ path: '/backend/project_y/profile/drafts/*/long_video_extension' }).at(-1),
    ).toMatchObject({ status: 500 });
  });

  it('refuses bad input before any request', async () => {
    const { sim, http } = client();
    const cases = [
      extendVideo(http, { generationId: 'not-a-gen', prompt: 'x', seconds: 10 }),
      extendVideo(http, { generationId: 'gen_01ABC', prompt: '   ', seconds: 10 }),
      extendVideo(http, { generationId: 'gen_01ABC', prompt: 'x', seconds: 12 as 10 }),
    ];
    for (const c of cases) expect((await failure(c)).code).toBe('bad_request');
    expect(sim.control.log({})).toHaveLength(0);
  });
});

describe('extend jobs', () => {
  const good = {
    kind: 'extend' as const,
    prompt: 'The boat reaches the harbour',
    source: 'gen_01ABC',
    seconds: 10,
  };

  it('validation refuses a bad id, length or prompt with a readable message', () => {
    const bad: JobInput[] = [
      { ...good, source: 'task_01ABC' },
      { ...good, source: 'gen_01 ABC' },
      { ...good, seconds: 5 },
      { ...good, seconds: 20 },
      { ...good, prompt: '' },
      { ...good, prompt: ' \u200b\u200d\ufeff ' },
      { ...good, prompt: 'x'.repeat(10_001) },
      { ...good, sourceDurationS: -1 },
    ];
    for (const input of bad) {
      expect(() => toRequest(input), JSON.stringify(input).slice(0, 60)).toThrow(SoraError);
    }
    expect(toRequest({ ...good, prompt: '  the end  ', sourceLabel: '  A paper boat  ' })).toEqual({
      kind: 'extend',
      prompt: 'the end',
      sourceGenerationId: 'gen_01ABC',
      sourceLabel: 'A paper boat',
      extensionSeconds: 10,
    });
  });

  async function engineSetup(config: SimConfigPatch = {}, wrapFetch?: (f: FetchFn) => FetchFn) {
    const s = await simEngine({
      email: EMAIL,
      seed: 11,
      plan: 'plus',
      config,
      wrapFetch,
      dbName: `extend-${++n}`,
      limitMs: 3_600_000,
    });
    dbs.push(s.db);
    return s;
  }

  it('goes queued → done and its history item names the video it extends', async () => {
    const s = await engineSetup();
    await s.engine.enqueue([{ kind: 'video', prompt: 'A paper boat on a rainy street' }]);
    expect(await s.runToEnd()).toBe(true);
    const [source] = await listHistory(s.db, { limit: 5 });
    expect(source).toBeDefined();
    expect(isExtendable(source!)).toBe(true);

    const [job] = await s.engine.enqueue([extendInput(source!, 15, 'It sails into the harbour')]);
    expect(job?.state).toBe('queued');
    expect(await s.runToEnd()).toBe(true);
    const done = (await s.engine.list()).find((j) => j.id === job?.id);
    expect(done).toMatchObject({ state: 'done', kind: 'extend' });

    const items = await listHistory(s.db, { limit: 5 });
    const ext = items.find((i) => i.kind === 'extend');
    expect(ext).toMatchObject({
      prompt: 'It sails into the harbour',
      extendedFrom: { generationId: source!.id, historyId: source!.id },
      durationS: (source!.durationS ?? 10) + 15,
    });
    expect(extendCalls(s.sim)).toHaveLength(1);
    // "Run again" on an extension extends the same source again.
    expect(rerunInput(ext!)?.input).toMatchObject({ kind: 'extend', source: source!.id, seconds: 15 });
    // The link survives an export and an import, as JSON and as CSV.
    for (const text of [exportJson([ext!]), exportCsv([ext!])]) {
      const [back] = parseHistoryFile(text);
      expect(back).toMatchObject({ kind: 'extend', extendedFrom: { generationId: source!.id } });
    }
  });

  it('sends nothing twice when the answer is lost after Sora took it, although Sora rewrote the prompt', async () => {
    let dropped = 0;
    const s = await engineSetup({}, (inner) => async (input, init) => {
      const res = await inner(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (EXTEND_PATH.test(url) && dropped < 1) {
        dropped++;
        throw new TypeError('fetch failed');
      }
      return res;
    });
    const [source] = s.sim.control.seedDrafts({ count: 1, email: EMAIL, nFrames: 300 });
    await s.engine.enqueue([
      { kind: 'extend', prompt: 'The storm clears', source: source!, seconds: 10, sourceDurationS: 10 },
    ]);
    expect(await s.runToEnd()).toBe(true);
    expect(dropped).toBe(1);
    expect((await s.engine.list())[0]).toMatchObject({ state: 'done' });
    expect(extendCalls(s.sim)).toHaveLength(1);
    const [item] = await listHistory(s.db, { limit: 1 });
    expect(item?.extendedFrom?.generationId).toBe(source);
  });

  it('fails with Sora’s not_found, once, when the video to extend is not the user’s', async () => {
    const s = await engineSetup();
    const [theirs] = s.sim.control.seedDrafts({ count: 1, email: 'bo@example.com' });
    await s.engine.enqueue([{ kind: 'extend', prompt: 'Then it snows', source: theirs!, seconds: 10 }]);
    expect(await s.runToEnd()).toBe(true);
    const [job] = await s.engine.list();
    expect(job).toMatchObject({ state: 'failed', lastError: { code: 'not_found' } });
    expect(extendCalls(s.sim)).toHaveLength(1);
    expect(await listHistory(s.db, { limit: 5 })).toHaveLength(0);
  });

  it('refuses bad input at enqueue with no request sent', async () => {
    const s = await engineSetup();
    await expect(
      s.engine.enqueue([{ kind: 'extend', prompt: '\u200b', source: 'gen_01ABC', seconds: 10 }]),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      s.engine.enqueue([{ kind: 'extend', prompt: 'ok', source: 'gen_01ABC', seconds: 12 }]),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(await s.engine.list()).toHaveLength(0);
    expect(s.sim.control.log({})).toHaveLength(0);
  });
});
