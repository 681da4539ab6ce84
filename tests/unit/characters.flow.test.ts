/**
 * The character flow through the real lib/sora client against the simulator in process, on the
 * simulator's frozen clock: time moves only when the flow's timers say so (no sleeps). Restarts are a new
 * flow instance over the same fake-indexeddb database, as a stopped service worker would be.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowOptions } from '../../lib/characters/context';
import type { FinishRequest } from '../../lib/characters/finish';
import { type CharacterFlow, createCharacterFlow } from '../../lib/characters/flow';
import { type CharacterRecord, canRetry } from '../../lib/characters/model';
import { type CharacterPort, createCharacterPort } from '../../lib/characters/port';
import { getCharacter } from '../../lib/characters/repo';
import { getFile, putFile } from '../../lib/db/files';
import { putHistoryItems } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import { SoraError } from '../../lib/sora/errors';
import { type FaultSpec, loadFixture, type Sim, type SimConfigPatch } from '../sim/app';
import { createManualClock, type ManualClock } from './fakes/jobs';
import { simClient } from './harness/sim-client';

const EMAIL = 'ada@example.com';
const RANGE: [number, number] = [0.5, 1.5];
let n = 0;
const dbs: CompanionDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

interface Setup {
  sim: Sim;
  db: CompanionDb;
  clock: ManualClock;
  port: CharacterPort;
  flow: CharacterFlow;
  /** Stops this flow (a stopped worker) and starts a new one over the same database. */
  restart(): CharacterFlow;
  /** Runs timer by timer until `done` (restarting before every run when `restartEach`). */
  runUntil(done: (r: CharacterRecord | undefined) => boolean, id: string, maxMs?: number): Promise<boolean>;
  /** A stored picked video, as the page puts it. */
  putVideo(name?: string): Promise<string>;
  record(id: string): Promise<CharacterRecord | undefined>;
}

async function setup(
  opts: {
    config?: SimConfigPatch;
    options?: Partial<FlowOptions>;
    restartEach?: boolean;
    wrapPort?: (port: CharacterPort) => CharacterPort;
  } = {},
): Promise<Setup> {
  const { sim, http } = simClient({ email: EMAIL, seed: 11, plan: 'pro', config: opts.config });
  const db = await openCompanionDb({ name: `characters-flow-${++n}` });
  dbs.push(db);
  const clock = createManualClock(sim.clock.now(), {
    now: () => sim.clock.now(),
    advance: (ms) => sim.clock.advance(ms),
  });
  const base = createCharacterPort(http, sim.fetch);
  const port = opts.wrapPort ? opts.wrapPort(base) : base;
  const make = () =>
    createCharacterFlow({
      db,
      port,
      now: clock.now,
      setTimer: clock.setTimer,
      random: () => 0.5,
      autoTick: false,
      options: opts.options,
    });
  const s: Setup = {
    sim,
    db,
    clock,
    port,
    flow: make(),
    restart() {
      s.flow.dispose();
      s.flow = make();
      return s.flow;
    },
    async runUntil(done, id, maxMs = 30 * 60_000) {
      const limit = clock.now() + maxMs;
      if (opts.restartEach) s.restart();
      await s.flow.tick();
      while (!done(await getCharacter(db, id))) {
        const at = clock.nextAt();
        if (at === null || at > limit) return false;
        clock.takeDue(at);
        clock.moveTo(at);
        if (opts.restartEach) s.restart();
        await s.flow.tick();
      }
      return true;
    },
    putVideo: (name = 'me.mp4') =>
      putFile(db, new Blob([loadFixture('video-clean-landscape.mp4')], { type: 'video/mp4' }), name),
    record: (id) => getCharacter(db, id),
  };
  return s;
}

const inState =
  (...states: CharacterRecord['state'][]) =>
  (r: CharacterRecord | undefined) =>
    r !== undefined && states.includes(r.state);

const FINISH: FinishRequest = {
  username: 'ada.lovelace',
  displayName: 'Ada',
  instructions: 'Victorian, curious.',
  visibility: 'public',
};

/** The calls of the six steps, in the order the simulator received them (polls collapsed). */
function stepCalls(sim: Sim): string[] {
  const out: string[] = [];
  for (const e of sim.control.log()) {
    const path = e.path
      .replace(/cameo_[0-9a-f]+/, ':cameo')
      .replace(/ch_[0-9a-f]+/, ':character')
      .replace(/^\/az\/files\/.*$/, '/az/files/*');
    const name = `${e.method} ${e.host === 'videos.openai.com' ? 'cdn' : ''}${path}`;
    if (out[out.length - 1] === name && name.includes('in_progress')) continue;
    out.push(name);
  }
  return out;
}

/** How many calls to `path` Sora answered with success. */
function succeeded(sim: Sim, path: string, method?: string): number {
  return sim.control
    .log({ path, ...(method ? { method } : {}) })
    .filter((e) => e.status >= 200 && e.status < 300).length;
}

const STEP_PATHS = {
  upload: '/backend/characters/upload',
  poll: '/backend/project_y/cameos/in_progress/*',
  picture: '/az/files/*',
  pictureUpload: '/backend/project_y/file/upload',
  finalize: '/backend/characters/finalize',
  visibility: '/backend/project_y/cameos/by_id/*/update_v2',
};

function expectEachStepOnce(sim: Sim): void {
  expect(succeeded(sim, STEP_PATHS.upload)).toBe(1);
  expect(succeeded(sim, STEP_PATHS.picture)).toBe(1);
  expect(succeeded(sim, STEP_PATHS.pictureUpload)).toBe(1);
  expect(succeeded(sim, STEP_PATHS.finalize)).toBe(1);
  expect(succeeded(sim, STEP_PATHS.visibility)).toBe(1);
}

/** create → processed → finish form → finalized → visibility set. */
async function runToReady(s: Setup, finish: FinishRequest = FINISH): Promise<CharacterRecord> {
  const fileId = await s.putVideo();
  const created = await s.flow.create({ fileId, timestamps: RANGE });
  expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
  await s.flow.finish(created.id, finish);
  expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
  return (await s.record(created.id)) as CharacterRecord;
}

describe('character flow against the simulator', () => {
  it('creates a character through the six steps, restarted between every two, each call once', async () => {
    const s = await setup({ restartEach: true, options: { stepsPerRun: 1 } });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(created.state).toBe('uploading');

    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    const waiting = (await s.record(created.id)) as CharacterRecord;
    const cameo = s.sim.state.cameos.get(waiting.cameoId as string);
    expect(cameo?.timestamps).toEqual([0.5, 1.5]);
    // Sora's suggestions are there for the form, and the picture is stored as webp.
    expect(waiting.hints?.username).toBe(cameo?.usernameHint);
    expect(waiting.hints?.displayName).toBe('Ada');
    expect(waiting.hints?.instructionSet).toEqual({ description: 'Ada, friendly, expressive.' });
    const picture = await getFile(s.db, waiting.pictureFileId as string);
    expect(picture?.blob.type).toBe('image/webp');
    expect(s.sim.control.log({ path: STEP_PATHS.pictureUpload })[0]?.multipart?.files[0]).toMatchObject({
      type: 'image/webp',
      name: 'profile.webp',
    });

    // The form is the user's turn: a restart waits there and calls nothing.
    const before = s.sim.control.log().length;
    s.restart();
    await s.flow.tick();
    expect(s.sim.control.log().length).toBe(before);

    s.restart();
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);

    const ready = (await s.record(created.id)) as CharacterRecord;
    expect(ready).toMatchObject({
      state: 'ready',
      username: 'ada.lovelace',
      displayName: 'Ada',
      visibility: 'public',
      lastError: null,
    });
    expect(ready.characterId).toMatch(/^ch_[0-9a-f]{32}$/);
    const ch = s.sim.state.characters.get(ready.characterId as string);
    expect(ch).toMatchObject({ username: 'ada.lovelace', displayName: 'Ada' });
    expect(ch?.instructionSet).toEqual({ description: 'Victorian, curious.' });
    expect(s.sim.state.cameos.get(ready.cameoId as string)?.visibility).toBe('public');
    // The video is no longer needed once the character exists; the picture stays for the list.
    expect(await getFile(s.db, fileId)).toBeUndefined();
    expect(await getFile(s.db, ready.pictureFileId as string)).toBeDefined();

    expect(stepCalls(s.sim)).toEqual([
      'POST /backend/characters/upload',
      'GET /backend/project_y/cameos/in_progress/:cameo',
      'GET cdn/az/files/*',
      'POST /backend/project_y/file/upload',
      'POST /backend/characters/finalize',
      'POST /backend/project_y/cameos/by_id/:cameo/update_v2',
    ]);
    expectEachStepOnce(s.sim);
    // About every 5 s over the simulator's 30 s of processing.
    const polls = s.sim.control.log({ path: STEP_PATHS.poll }).length;
    expect(polls).toBeGreaterThanOrEqual(6);
    expect(polls).toBeLessThanOrEqual(8);
  });

  for (const variant of ['finalized', 'completed_message', 'asset_url_only'] as const) {
    it(`recognises a finished cameo (${variant})`, async () => {
      const s = await setup({ config: { variants: { cameoDone: variant } } });
      const ready = await runToReady(s);
      expect(ready.characterId).toMatch(/^ch_/);
      expectEachStepOnce(s.sim);
    });
  }

  const transient: { step: keyof typeof STEP_PATHS; fault: Omit<FaultSpec, 'path'> }[] = [
    { step: 'upload', fault: { kind: 'server_error', times: 2 } },
    { step: 'poll', fault: { kind: 'heavy_load', times: 3 } },
    { step: 'poll', fault: { kind: 'malformed_json', times: 1 } },
    { step: 'picture', fault: { kind: 'server_error', times: 1, host: 'videos.openai.com' } },
    { step: 'picture', fault: { kind: 'drop', times: 1, host: 'videos.openai.com' } },
    { step: 'pictureUpload', fault: { kind: 'rate_limited', times: 1, retryAfterSec: 7 } },
    { step: 'finalize', fault: { kind: 'server_error', times: 1 } },
    { step: 'finalize', fault: { kind: 'drop', times: 1 } },
    { step: 'visibility', fault: { kind: 'heavy_load', times: 2 } },
  ];
  for (const { step, fault } of transient) {
    it(`retries a ${fault.kind} at ${step} and never repeats a call that succeeded`, async () => {
      const s = await setup();
      s.sim.control.addFault({ path: STEP_PATHS[step], ...fault });
      const ready = await runToReady(s);
      expect(ready).toMatchObject({ state: 'ready', visibility: 'public', lastError: null });
      expect(s.sim.control.faults()[0]?.triggered).toBe(fault.times);
      expectEachStepOnce(s.sim);
    });
  }

  for (const kind of ['answer_lost', 'drop', 'malformed_json'] as const) {
    it(`a video upload that may have reached Sora (${kind}) is not sent again blind: the user decides`, async () => {
      const s = await setup();
      s.sim.control.addFault({ path: STEP_PATHS.upload, kind, times: 1 });
      const fileId = await s.putVideo();
      const created = await s.flow.create({ fileId, timestamps: RANGE });
      expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
      expect(await s.record(created.id)).toMatchObject({
        failedStep: 'uploading',
        lastError: { code: 'upload_unsure' },
        cameoId: null,
      });
      // Left alone, it stays that way: nothing more is sent.
      expect(await s.runUntil(() => false, created.id, 60 * 60_000)).toBe(false);
      expect(s.sim.control.log({ path: STEP_PATHS.upload })).toHaveLength(1);
      // The user sends it again: one character (at worst one unused cameo from the lost answer).
      await s.flow.retry(created.id);
      expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
      await s.flow.finish(created.id, FINISH);
      expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
      expect(s.sim.control.log({ path: STEP_PATHS.upload })).toHaveLength(2);
      expect([...s.sim.state.characters.values()]).toHaveLength(1);
    });
  }

  it('a video upload that may have reached Sora can be dropped instead: nothing more is sent', async () => {
    const s = await setup();
    s.sim.control.addFault({ path: STEP_PATHS.upload, kind: 'answer_lost', times: 1 });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.flow.remove(created.id)).toBeNull();
    await s.runUntil(() => false, created.id, 60_000);
    expect(await s.flow.list()).toEqual([]);
    expect(s.sim.control.log({ path: STEP_PATHS.upload })).toHaveLength(1);
  });

  it('a refused video upload fails that step; retry continues and uploads once', async () => {
    const s = await setup();
    s.sim.control.addFault({ path: STEP_PATHS.upload, kind: 'status', status: 400, times: 1 });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.record(created.id)).toMatchObject({
      failedStep: 'uploading',
      lastError: { code: 'bad_request' },
      cameoId: null,
    });
    s.restart();
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    expectEachStepOnce(s.sim);
  });

  it('a refused picture upload fails at preparing; retry keeps the downloaded picture', async () => {
    const s = await setup();
    s.sim.control.addFault({ path: STEP_PATHS.pictureUpload, kind: 'status', status: 400, times: 1 });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.record(created.id)).toMatchObject({ failedStep: 'preparing' });
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    expectEachStepOnce(s.sim);
    expect(s.sim.control.log({ path: STEP_PATHS.upload })).toHaveLength(1);
  });

  it('transient failures that do not stop end the step as failed after the attempts', async () => {
    const s = await setup({ options: { maxAttempts: 3 } });
    s.sim.control.addFault({ path: STEP_PATHS.finalize, kind: 'server_error' });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.record(created.id)).toMatchObject({
      failedStep: 'finalizing',
      lastError: { code: 'server_error' },
    });
    expect(s.sim.control.log({ path: STEP_PATHS.finalize })).toHaveLength(3);
    s.sim.control.clearFaults();
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    expectEachStepOnce(s.sim);
  });

  it('a taken username sends the form back; another name goes through', async () => {
    const s = await setup();
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    await s.flow.finish(created.id, { ...FINISH, username: 'taken' });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    const back = (await s.record(created.id)) as CharacterRecord;
    expect(back.lastError?.code).toBe('username_taken');
    expect(back.finish?.username).toBe('taken');
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    expect(succeeded(s.sim, STEP_PATHS.finalize)).toBe(1);
    expect(s.sim.control.log({ path: STEP_PATHS.finalize })).toHaveLength(2);
  });

  it('an expired picture link is renewed by reading the cameo again', async () => {
    const s = await setup();
    s.sim.control.addFault({
      host: 'videos.openai.com',
      path: STEP_PATHS.picture,
      kind: 'status',
      status: 403,
      times: 1,
    });
    const ready = await runToReady(s);
    expect(ready.state).toBe('ready');
    expect(s.sim.control.log({ path: STEP_PATHS.picture })).toHaveLength(2);
    expectEachStepOnce(s.sim);
  });

  it('a cameo Sora fails ends in a clear state; retry uploads the kept video again', async () => {
    const s = await setup();
    s.sim.control.setCameoOutcome({ outcome: 'fail' });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    const failed = (await s.record(created.id)) as CharacterRecord;
    expect(failed).toMatchObject({ failedStep: 'processing', lastError: { code: 'cameo_failed' } });
    expect(failed.lastError?.message).toMatch(/couldn't create a character/);

    s.sim.control.setCameoOutcome({ outcome: 'normal' });
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    const second = (await s.record(created.id)) as CharacterRecord;
    expect(second.cameoId).not.toBe(failed.cameoId);
    expect(second.abandonedCameoIds).toEqual([failed.cameoId]);
    expect(succeeded(s.sim, STEP_PATHS.upload)).toBe(2);

    // Removing it cleans up the failed cameo on Sora too.
    expect(await s.flow.remove(created.id)).toBeNull();
    const deletes = s.sim.control.log({ method: 'DELETE' }).map((e) => e.path);
    expect(deletes).toEqual([
      `/backend/project_y/characters/${second.cameoId}`,
      `/backend/project_y/characters/${failed.cameoId}`,
    ]);
  });

  it('a stalled cameo ends as cameo_stalled after the limit, and can be removed', async () => {
    const s = await setup({ options: { stallMs: 2 * 60_000 } });
    s.sim.control.setCameoOutcome({ outcome: 'stall' });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    const t0 = s.clock.now();
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    const stalled = (await s.record(created.id)) as CharacterRecord;
    expect(stalled.lastError?.code).toBe('cameo_stalled');
    expect(s.clock.now() - t0).toBeGreaterThanOrEqual(2 * 60_000);
    expect(s.clock.now() - t0).toBeLessThan(2 * 60_000 + 10_000);
    expect(s.sim.state.cameos.has(stalled.cameoId as string)).toBe(true);
    expect(await s.flow.remove(created.id)).toBeNull();
    expect(s.sim.state.cameos.has(stalled.cameoId as string)).toBe(false);
    expect(await getFile(s.db, fileId)).toBeUndefined();
  });

  it('logged out while processing: waits without counting attempts', async () => {
    const s = await setup({ options: { waitMs: 60_000 } });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    await s.flow.tick();
    s.sim.control.addFault({ path: STEP_PATHS.poll, kind: 'token_invalidated', times: 2 });
    const at = s.clock.nextAt() as number;
    s.clock.takeDue(at);
    s.clock.moveTo(at);
    await s.flow.tick();
    const waiting = (await s.record(created.id)) as CharacterRecord;
    expect(waiting).toMatchObject({ state: 'processing', attempts: 0, lastError: { code: 'auth_expired' } });
    expect(waiting.nextAttemptAt).toBe(s.clock.now() + 60_000);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
  });

  it('sora.chatgpt.com not answering while processing (410): waits without counting attempts', async () => {
    const s = await setup({ options: { waitMs: 60_000 } });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    await s.flow.tick();
    s.sim.control.setConfig({ service: 'gone_410' });
    for (let i = 0; i < 6; i++) {
      const at = s.clock.nextAt() as number;
      s.clock.takeDue(at);
      s.clock.moveTo(at);
      await s.flow.tick();
    }
    const waiting = (await s.record(created.id)) as CharacterRecord;
    expect(waiting).toMatchObject({
      state: 'processing',
      attempts: 0,
      lastError: { code: 'service_unavailable' },
    });
    s.sim.control.setConfig({ service: 'normal' });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
  });

  it('finalize that reached Sora but lost its answer ends as already_finalized, without a retry', async () => {
    let lose = true;
    const s = await setup({
      wrapPort: (port) => ({
        ...port,
        async finalize(input) {
          const result = await port.finalize(input);
          if (lose) {
            lose = false;
            throw new SoraError('network', 'Connection dropped.');
          }
          return result;
        },
      }),
    });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.record(created.id)).toMatchObject({
      failedStep: 'finalizing',
      lastError: { code: 'already_finalized' },
    });
    expect(succeeded(s.sim, STEP_PATHS.finalize)).toBe(1);
    await expect(s.flow.retry(created.id)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('a removal asked for while the upload runs still deletes the new cameo on Sora', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = await setup({
      wrapPort: (port) => ({
        ...port,
        async uploadVideo(...args) {
          const result = await port.uploadVideo(...args);
          await gate;
          return result;
        },
      }),
    });
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    const ticking = s.flow.tick();
    await expect.poll(() => s.sim.control.log({ path: STEP_PATHS.upload }).length).toBe(1);
    const removing = s.flow.remove(created.id);
    release();
    await ticking;
    expect(await removing).toBeNull();
    const cameoId = s.sim.control.log({ method: 'DELETE' })[0]?.path.split('/').pop();
    expect(cameoId).toMatch(/^cameo_/);
    expect(s.sim.state.cameos.has(cameoId as string)).toBe(false);
    expect(await s.record(created.id)).toBeUndefined();
    expect(succeeded(s.sim, STEP_PATHS.upload)).toBe(1);
  });

  it('changes visibility and deletes a finished character (on Sora and locally)', async () => {
    const s = await setup();
    const ready = await runToReady(s, { ...FINISH, visibility: 'private' });
    expect(ready.visibility).toBe('private');
    const pub = await s.flow.setVisibility(ready.id, 'public');
    expect(pub.visibility).toBe('public');
    expect(s.sim.state.cameos.get(ready.cameoId as string)?.visibility).toBe('public');

    expect(await s.flow.remove(ready.id)).toBeNull();
    expect(s.sim.state.characters.get(ready.characterId as string)?.deleted).toBe(true);
    expect(await s.record(ready.id)).toBeUndefined();
    expect(await getFile(s.db, ready.pictureFileId as string)).toBeUndefined();
    expect(s.sim.control.log({ method: 'DELETE' })).toHaveLength(1);
  });

  it('a deletion Sora refuses keeps the character, with the reason', async () => {
    const s = await setup();
    const ready = await runToReady(s);
    s.sim.control.addFault({
      method: 'DELETE',
      path: '/backend/project_y/characters/*',
      kind: 'status',
      status: 403,
    });
    const kept = await s.flow.remove(ready.id);
    expect(kept).toMatchObject({
      state: 'ready',
      lastError: { code: 'bad_request' },
      stateBeforeDelete: null,
    });
    // Already deleted on Sora (404) counts as deleted.
    s.sim.control.clearFaults();
    s.sim.control.addFault({
      method: 'DELETE',
      path: '/backend/project_y/characters/*',
      kind: 'status',
      status: 404,
    });
    expect(await s.flow.remove(ready.id)).toBeNull();
  });

  it('a restart during a deletion finishes it', async () => {
    const s = await setup();
    const ready = await runToReady(s);
    s.sim.control.addFault({
      method: 'DELETE',
      path: '/backend/project_y/characters/*',
      kind: 'server_error',
      times: 1,
    });
    const pending = await s.flow.remove(ready.id);
    expect(pending).toMatchObject({ state: 'deleting', attempts: 1 });
    const flow = s.restart();
    expect(await flow.hasOpenWork()).toBe(true);
    expect(await s.runUntil((r) => r === undefined, ready.id)).toBe(true);
    expect(s.sim.state.characters.get(ready.characterId as string)?.deleted).toBe(true);
  });
});

describe('creating: checks before anything is sent', () => {
  it('refuses a bad range, a missing file and a non-MP4; repeats answer the same record', async () => {
    const s = await setup();
    const fileId = await s.putVideo();
    await expect(s.flow.create({ fileId, timestamps: [0, 12] })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(s.flow.create({ fileId, timestamps: [1, 1] })).rejects.toMatchObject({
      code: 'bad_request',
    });
    // The fixture is 2 s long: a range past its end is refused.
    await expect(s.flow.create({ fileId, timestamps: [1, 3.5] })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(s.flow.create({ fileId: 'file_gone', timestamps: RANGE })).rejects.toMatchObject({
      code: 'bad_request',
    });
    const png = await putFile(s.db, new Blob([loadFixture('image.png')], { type: 'image/png' }), 'a.png');
    await expect(s.flow.create({ fileId: png, timestamps: RANGE })).rejects.toMatchObject({
      code: 'bad_request',
    });

    const first = await s.flow.create({ fileId, timestamps: RANGE });
    const again = await s.flow.create({ fileId, timestamps: RANGE });
    expect(again.id).toBe(first.id);
    expect(await s.flow.list()).toHaveLength(1);
    expect(s.sim.control.log()).toHaveLength(0);
  });

  it('refuses a finish form with bad values, and one for a character not waiting for it', async () => {
    const s = await setup();
    const fileId = await s.putVideo();
    const created = await s.flow.create({ fileId, timestamps: RANGE });
    await expect(s.flow.finish(created.id, FINISH)).rejects.toMatchObject({ code: 'bad_request' });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    for (const bad of [{ username: 'Ada' }, { username: 'a' }, { displayName: '  ' }]) {
      await expect(s.flow.finish(created.id, { ...FINISH, ...bad })).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
    expect(s.sim.control.log({ path: STEP_PATHS.finalize })).toHaveLength(0);
  });
});

// ------------------------------------------------------------------ a video made on Sora as the source

const FROM_GENERATION = '/backend/characters/from-generation';

/** A draft of the user's on the simulator, and its History item as an import or a finished job leaves it. */
async function seedVideo(
  s: Setup,
  opts: { nFrames?: number; status?: HistoryItem['status']; kind?: HistoryItem['kind'] } = {},
): Promise<string> {
  const [genId] = s.sim.control.seedDrafts({
    count: 1,
    email: EMAIL,
    promptPrefix: 'Ada waving on a pier',
    nFrames: opts.nFrames ?? 150,
  });
  const item: HistoryItem = {
    id: genId as string,
    taskId: 'task_01seeded',
    jobId: null,
    kind: opts.kind ?? 'video',
    prompt: 'Ada waving on a pier 1',
    params: {},
    url: 'https://videos.openai.com/az/files/x/video.mp4',
    createdAt: s.clock.now(),
    status: opts.status ?? 'ready',
    source: 'sora',
    title: 'Ada waving on a pier',
    nFrames: opts.nFrames ?? 150,
  };
  await putHistoryItems(s.db, [item]);
  return genId as string;
}

const fromGen = (generationId: string, timestamps: [number, number] = [1, 4]) =>
  ({ source: 'generation', generationId, historyId: generationId, timestamps }) as const;

describe('character from a video made on Sora', () => {
  it('goes from the generation to a finished character, restarted between every two steps, no upload', async () => {
    const s = await setup({ restartEach: true, options: { stepsPerRun: 1 } });
    const genId = await seedVideo(s);
    const created = await s.flow.create(fromGen(genId));
    expect(created).toMatchObject({
      state: 'uploading',
      source: { kind: 'generation', generationId: genId, historyId: genId },
      video: { fileId: null, name: 'Ada waving on a pier', durationSec: 5 },
      timestamps: [1, 4],
    });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    const waiting = (await s.record(created.id)) as CharacterRecord;
    expect(s.sim.state.cameos.get(waiting.cameoId as string)).toMatchObject({
      sourceGenerationId: genId,
      timestamps: [1, 4],
    });
    s.restart();
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    const ready = (await s.record(created.id)) as CharacterRecord;
    expect(ready).toMatchObject({ state: 'ready', username: 'ada.lovelace', visibility: 'public' });
    expect(s.sim.state.characters.get(ready.characterId as string)?.cameoId).toBe(ready.cameoId);
    expect(stepCalls(s.sim)).toEqual([
      'POST /backend/characters/from-generation',
      'GET /backend/project_y/cameos/in_progress/:cameo',
      'GET cdn/az/files/*',
      'POST /backend/project_y/file/upload',
      'POST /backend/characters/finalize',
      'POST /backend/project_y/cameos/by_id/:cameo/update_v2',
    ]);
    expect(succeeded(s.sim, FROM_GENERATION)).toBe(1);
    expect(s.sim.control.log({ path: STEP_PATHS.upload })).toHaveLength(0);

    // Deleting works as for an uploaded one.
    expect(await s.flow.remove(created.id)).toBeNull();
    expect(s.sim.state.characters.get(ready.characterId as string)?.deleted).toBe(true);
  });

  it('a lost answer at the first step is not sent again blind; on the user’s retry: one character, at worst one unused cameo', async () => {
    const s = await setup();
    const genId = await seedVideo(s);
    s.sim.control.addFault({ path: FROM_GENERATION, kind: 'answer_lost', times: 1 });
    const created = await s.flow.create(fromGen(genId));
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.record(created.id)).toMatchObject({ lastError: { code: 'upload_unsure' } });
    expect(s.sim.control.log({ path: FROM_GENERATION })).toHaveLength(1);
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    expect(s.sim.control.log({ path: FROM_GENERATION }).map((e) => e.outcome)).toEqual([
      'dropped',
      'response',
    ]);
    expect(s.sim.state.cameos.size).toBe(2);
    expect([...s.sim.state.characters.values()]).toHaveLength(1);
    expect(await s.flow.list()).toHaveLength(1);
  });

  it('a worker stopped during the first step: the next one asks the user, then carries on from their retry', async () => {
    let hang = true;
    const s = await setup({
      wrapPort: (port) => ({
        ...port,
        async fromGeneration(...args) {
          const result = await port.fromGeneration(...args);
          // The first worker dies with the call made and its answer never saved.
          if (hang) {
            hang = false;
            return new Promise<never>(() => {});
          }
          return result;
        },
      }),
    });
    const genId = await seedVideo(s);
    const created = await s.flow.create(fromGen(genId));
    void s.flow.tick();
    await expect.poll(() => s.sim.control.log({ path: FROM_GENERATION }).length).toBe(1);
    expect(await s.record(created.id)).toMatchObject({ state: 'uploading', cameoId: null });
    s.restart();
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    expect(await s.record(created.id)).toMatchObject({ lastError: { code: 'upload_unsure' } });
    expect(succeeded(s.sim, FROM_GENERATION)).toBe(1);
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    expect(succeeded(s.sim, FROM_GENERATION)).toBe(2);
    await s.flow.finish(created.id, FINISH);
    expect(await s.runUntil(inState('ready'), created.id)).toBe(true);
    expect([...s.sim.state.characters.values()]).toHaveLength(1);
  });

  it('a video Sora no longer has fails the first step with not_found; retry sends it again', async () => {
    const s = await setup();
    const genId = await seedVideo(s);
    s.sim.control.addFault({ path: FROM_GENERATION, kind: 'status', status: 404, times: 1 });
    const created = await s.flow.create(fromGen(genId));
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    const failed = (await s.record(created.id)) as CharacterRecord;
    expect(failed).toMatchObject({
      failedStep: 'uploading',
      cameoId: null,
      lastError: { code: 'not_found' },
    });
    // Nothing is stored to go missing: "try again" is offered and sends the same request.
    expect(canRetry(failed)).toBe(true);
    await s.flow.retry(created.id);
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    expect(succeeded(s.sim, FROM_GENERATION)).toBe(1);
  });

  it('a cameo Sora gives up on is made again from the video, the old one deleted with the record', async () => {
    const s = await setup();
    const genId = await seedVideo(s);
    s.sim.control.setCameoOutcome({ outcome: 'fail' });
    const created = await s.flow.create(fromGen(genId));
    expect(await s.runUntil(inState('failed'), created.id)).toBe(true);
    const failed = (await s.record(created.id)) as CharacterRecord;
    expect(failed.lastError?.code).toBe('cameo_failed');
    expect(canRetry(failed)).toBe(true);
    s.sim.control.setCameoOutcome({ outcome: 'normal' });
    const retried = await s.flow.retry(created.id);
    expect(retried).toMatchObject({ state: 'uploading', cameoId: null, abandonedCameoIds: [failed.cameoId] });
    expect(await s.runUntil(inState('waiting_for_user'), created.id)).toBe(true);
    expect(succeeded(s.sim, FROM_GENERATION)).toBe(2);
    expect(await s.flow.remove(created.id)).toBeNull();
    expect(s.sim.state.cameos.has(failed.cameoId as string)).toBe(false);
  });

  it('checks the id, the video and the range before anything is sent; a repeat answers the same record', async () => {
    const s = await setup();
    const genId = await seedVideo(s, { nFrames: 150 });
    const refusals: Parameters<CharacterFlow['create']>[0][] = [
      fromGen('task_01abc'),
      fromGen(''),
      // The video is 5 s long (150 frames).
      fromGen(genId, [3, 6]),
      fromGen(genId, [0, 12]),
      fromGen(genId, [2, 2.5]),
      fromGen(genId, [4, 1]),
      // Not in History and no length given: the range cannot be checked.
      { source: 'generation', generationId: 'gen_01notinhistory', timestamps: [0, 3] },
    ];
    for (const req of refusals) {
      await expect(s.flow.create(req)).rejects.toMatchObject({ code: 'bad_request' });
    }
    const violation = await seedVideo(s, { status: 'violation' });
    await expect(s.flow.create(fromGen(violation))).rejects.toMatchObject({ code: 'bad_request' });
    const image = await seedVideo(s, { kind: 'image' });
    await expect(s.flow.create(fromGen(image))).rejects.toMatchObject({ code: 'bad_request' });
    expect(await s.flow.list()).toHaveLength(0);

    const first = await s.flow.create(fromGen(genId));
    expect((await s.flow.create(fromGen(genId))).id).toBe(first.id);
    // Another part of the same video is another character.
    const other = await s.flow.create(fromGen(genId, [0, 2]));
    expect(other.id).not.toBe(first.id);
    expect(await s.flow.list()).toHaveLength(2);
    expect(s.sim.control.log()).toHaveLength(0);
  });
});
