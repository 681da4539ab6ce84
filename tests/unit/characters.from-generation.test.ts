/**
 * `POST /characters/from-generation` (lib/sora/endpoints/characters.ts) against the simulator in process:
 * what is sent, the cameo it starts (the same processing as an upload), the simulator's refusals as
 * user-readable SoraErrors, and the checks that send nothing.
 */
import { describe, expect, it } from 'vitest';
import { putHistoryItems } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import { getDb } from '../../lib/db/schema';
import {
  createCharacterFromGeneration,
  finalizeCharacter,
  getCameoStatus,
  uploadProfileImage,
} from '../../lib/sora/endpoints';
import { isCameoId, isCharacterId } from '../../lib/sora/ids';
import { findSourceVideos, getSourceVideo } from '../../lib/stores/characters';
import { failure } from './harness/failure';
import { simClient } from './harness/sim-client';

const EMAIL = 'ada@example.com';
const PATH = '/backend/characters/from-generation';

function setup() {
  const { sim, http } = simClient({ email: EMAIL, seed: 5, plan: 'pro' });
  return { sim, http };
}

describe('character from a video made on Sora (endpoint)', () => {
  it('sends the generation id, a null character id and the range; the cameo then finishes like an upload', async () => {
    const { sim, http } = setup();
    const [genId] = sim.control.seedDrafts({ count: 1, email: EMAIL, nFrames: 300 });
    const res = await createCharacterFromGeneration(http, {
      generationId: genId as string,
      timestamps: [0, 3],
    });
    expect(isCameoId(res.id)).toBe(true);
    // Extra fields of the answer are kept (tolerant parsing).
    expect(res).toMatchObject({ generation_id: genId });
    const entry = sim.control.log({ path: PATH })[0];
    expect(entry?.body).toEqual({ generation_id: genId, character_id: null, timestamps: [0, 3] });
    expect(entry?.sentinel).toBeNull();
    expect(sim.state.cameos.get(res.id)).toMatchObject({ sourceGenerationId: genId, timestamps: [0, 3] });

    expect((await getCameoStatus(http, res.id)).state).toBe('processing');
    sim.clock.advance(31_000);
    const done = await getCameoStatus(http, res.id);
    expect(done.state).toBe('ready');
    const picture = await (await sim.fetch(done.profileAssetUrl as string)).blob();
    const asset = await uploadProfileImage(http, { file: picture, fileName: 'profile.webp' });
    const fin = await finalizeCharacter(http, {
      cameoId: res.id,
      username: done.usernameHint ?? 'ada.x',
      displayName: 'Ada',
      profileAssetPointer: asset.asset_pointer,
    });
    expect(isCharacterId(fin.character.character_id)).toBe(true);
    expect(sim.control.log({ path: '/backend/characters/upload' })).toHaveLength(0);
  });

  it('Sora refuses what is not the caller’s finished video, or a range outside it', async () => {
    const { sim, http } = setup();
    const [own] = sim.control.seedDrafts({ count: 1, email: EMAIL, nFrames: 150 });
    const [other] = sim.control.seedDrafts({ count: 1, email: 'bob@example.com' });
    const unknown = await failure(
      createCharacterFromGeneration(http, { generationId: 'gen_01unknown', timestamps: [0, 3] }),
    );
    expect(unknown).toMatchObject({ code: 'not_found', status: 404 });
    const notMine = await failure(
      createCharacterFromGeneration(http, { generationId: other as string, timestamps: [0, 3] }),
    );
    expect(notMine).toMatchObject({ code: 'not_found', status: 404 });
    // 150 frames are 5 s: a part ending at 6 s is past the end.
    const pastEnd = await failure(
      createCharacterFromGeneration(http, { generationId: own as string, timestamps: [3, 6] }),
    );
    expect(pastEnd).toMatchObject({ code: 'bad_request', status: 400, param: 'timestamps' });
    expect(pastEnd.message).toMatch(/within the video/);
    expect(sim.state.cameos.size).toBe(0);
    // Each refusal was a real answer of Sora's, logged with its status.
    expect(sim.control.log({ path: PATH }).map((e) => e.status)).toEqual([404, 404, 400]);
  });

  it('takes the simulator’s faults like every route', async () => {
    const { sim, http } = setup();
    const [genId] = sim.control.seedDrafts({ count: 1, email: EMAIL });
    sim.control.addFault({ path: PATH, kind: 'server_error', times: 1 });
    const e = await failure(
      createCharacterFromGeneration(http, { generationId: genId as string, timestamps: [0, 3] }),
    );
    expect(e.code).toBe('server_error');
    expect(sim.control.faults()[0]?.triggered).toBe(1);
    expect(sim.state.cameos.size).toBe(0);
  });

  it('checks the id and the range before sending anything', async () => {
    const { sim, http } = setup();
    for (const [generationId, timestamps] of [
      ['task_01abc', [0, 3]],
      ['', [0, 3]],
      ['gen_../x', [0, 3]],
      ['gen_01abc', [3, 1]],
      ['gen_01abc', [-1, 2]],
      ['gen_01abc', [0, Number.NaN]],
    ] as [string, [number, number]][]) {
      const e = await failure(createCharacterFromGeneration(http, { generationId, timestamps }));
      expect(e).toMatchObject({ code: 'bad_request', local: true });
    }
    expect(sim.control.log()).toHaveLength(0);
  });
});

describe('the videos the picker offers (History)', () => {
  const item = (id: string, patch: Partial<HistoryItem>, at: number): HistoryItem => ({
    id,
    taskId: 'task_01x',
    jobId: null,
    kind: 'video',
    prompt: `Harbor ${id}`,
    params: {},
    url: 'https://videos.openai.com/v.mp4',
    createdAt: at,
    status: 'ready',
    ...patch,
  });

  it('lists finished videos with a known length, newest first, searchable; never images or refusals', async () => {
    await putHistoryItems(await getDb(), [
      item('gen_01a', { nFrames: 300, thumbnailUrl: 'https://videos.openai.com/t.webp' }, 1_000),
      item('gen_01b', { durationS: 4.5, title: 'Lighthouse at dusk' }, 3_000),
      item('gen_01c', { params: { nFrames: 150 } }, 2_000),
      item('gen_01img', { kind: 'image' }, 4_000),
      item('gen_01bad', { status: 'violation', nFrames: 300 }, 5_000),
      item('gen_01gone', { status: 'deleted', nFrames: 300 }, 6_000),
      item('gen_01nolength', {}, 7_000),
      item('task_01notagen', { nFrames: 300 }, 8_000),
    ]);
    const all = await findSourceVideos('');
    expect(all.map((v) => [v.id, v.durationSec])).toEqual([
      ['gen_01b', 4.5],
      ['gen_01c', 5],
      ['gen_01a', 10],
    ]);
    expect(all[0]?.title).toBe('Lighthouse at dusk');
    expect(all[2]?.thumbnailUrl).toBe('https://videos.openai.com/t.webp');
    expect((await findSourceVideos('lighthouse')).map((v) => v.id)).toEqual(['gen_01b']);
    expect((await findSourceVideos('gen_01c')).map((v) => v.id)).toEqual(['gen_01c']);
    expect(await findSourceVideos('nothing like this')).toEqual([]);
    expect((await getSourceVideo('gen_01a'))?.durationSec).toBe(10);
    expect(await getSourceVideo('gen_01img')).toBeNull();
    expect(await getSourceVideo('gen_01unknown')).toBeNull();
  });
});
