/**
 * Every endpoint function of lib/sora against the simulator, in process (`sim.app.fetch`), plus the error
 * mapping of the faults the simulator can inject.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  acceptInvite,
  bootstrapSora2,
  buildStoryboardBody,
  buildVideoBody,
  checkQuota,
  checkUsername,
  createImage,
  createStoryboard,
  createVideo,
  deleteCharacter,
  deletePost,
  exchangeRefreshToken,
  fetchSession,
  finalizeCharacter,
  getCameoStatus,
  getDrafts,
  getInviteMine,
  getMe,
  getOwnPosts,
  getPendingTasks,
  getPost,
  getRecentTasks,
  getSubscriptions,
  publishPost,
  setCharacterVisibility,
  setUsername,
  summarizePlan,
  uploadCharacterVideo,
  uploadImage,
  uploadProfileImage,
} from '../../lib/sora/endpoints';
import { SoraError } from '../../lib/sora/errors';
import { createSoraHttp, type FetchFn, type GetAccessTokenOptions } from '../../lib/sora/http';
import {
  decodeJwtPayload,
  isCameoId,
  isCharacterId,
  isGenerationId,
  isPostId,
  isTaskId,
} from '../../lib/sora/ids';
import { bestMediaUrl, classifyDraft, findAttachment } from '../../lib/sora/media';
import { toQuotaSnapshot } from '../../lib/sora/quota';
import { createSim, loadFixture, type SimConfigPatch } from '../sim/app';
import { failure } from './harness/failure';
import { randomSentinel } from './harness/random-sentinel';

const EMAIL = 'ada@example.com';
/** Sim time of one whole 300-frame video (5 + 10 + 40 + 5 s) plus a margin. */
const VIDEO_DONE_MS = 61_000;

function setup(patch: SimConfigPatch = {}, opts: { timeoutMs?: number } = {}) {
  const sim = createSim({ speed: 0, seed: 42, ...patch });
  const login = sim.control.login(EMAIL);
  const fetchFn: FetchFn = async (input, init) => sim.app.fetch(new Request(input, init));
  /** The test's stand-in for lib/auth: the session endpoint with the login cookie. */
  const getAccessToken = vi.fn(async (_o?: GetAccessTokenOptions) => {
    const s = await fetchSession(fetchFn, { cookieHeader: login.cookieHeader });
    if (!s.accessToken) throw new SoraError('logged_out', 'Logged out.');
    return s.accessToken;
  });
  const http = createSoraHttp({
    fetch: fetchFn,
    getAccessToken,
    getDeviceId: async () => login.deviceId.value,
    sentinel: randomSentinel(),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
  const lastLog = (path: string) => sim.control.log({ path }).at(-1);
  return { sim, login, fetchFn, http, getAccessToken, lastLog };
}

const blob = (name: Parameters<typeof loadFixture>[0], type: string) =>
  new Blob([loadFixture(name)], { type });

describe('session and tokens', () => {
  it('reads the session from the cookie, and {} without one or after logout', async () => {
    const t = setup();
    const s = await fetchSession(t.fetchFn, { cookieHeader: t.login.cookieHeader });
    expect(s.accessToken).toBeTruthy();
    expect(s.user?.email).toBe(EMAIL);
    expect(typeof s.expires).toBe('string');
    const claims = decodeJwtPayload(s.accessToken!);
    expect(claims?.email).toBe(EMAIL);
    expect(claims?.exp).toBeGreaterThan(t.sim.clock.now() / 1000);
    await expect(fetchSession(t.fetchFn)).resolves.toEqual({});
    t.sim.control.endSession({ email: EMAIL });
    await expect(fetchSession(t.fetchFn, { cookieHeader: t.login.cookieHeader })).resolves.toEqual({});
  });

  it('reads a chunked session cookie', async () => {
    const t = setup({ chunkedCookie: true });
    expect(t.login.cookieNames.length).toBeGreaterThan(1);
    const s = await fetchSession(t.fetchFn, { cookieHeader: t.login.cookieHeader });
    expect(s.user?.email).toBe(EMAIL);
  });

  it('exchanges a refresh token, and a used one is refused', async () => {
    const t = setup();
    const rt = t.sim.control.refreshToken(EMAIL);
    const out = await exchangeRefreshToken(t.fetchFn, rt);
    expect(decodeJwtPayload(out.accessToken)?.email).toBe(EMAIL);
    expect(out.refreshToken).toBeTruthy();
    const log = t.lastLog('/oauth/token');
    expect(log?.body).toMatchObject({
      grant_type: 'refresh_token',
      client_id: 'app_LlGpXReQgckcGGUo2JrYvtJK',
    });
    const http = createSoraHttp({
      fetch: t.fetchFn,
      getAccessToken: async () => out.accessToken,
      sentinel: randomSentinel(),
    });
    await expect(getMe(http)).resolves.toMatchObject({ email: EMAIL });
    const e = await failure(exchangeRefreshToken(t.fetchFn, rt));
    expect(e.code).toBe('auth_expired');
    expect(e.message).not.toContain(rt);
  });
});

describe('account', () => {
  it('getMe', async () => {
    const t = setup();
    const me = await getMe(t.http);
    expect(me.email).toBe(EMAIL);
    const log = t.lastLog('/backend/me');
    expect(log?.hasBearer).toBe(true);
    expect(log?.deviceId).toBe(t.login.deviceId.value);
    expect(log?.sentinel).toBeNull();
  });

  it('getSubscriptions for free, plus and pro, with both end_ts forms', async () => {
    const t = setup({ defaultPlan: 'free' });
    expect(summarizePlan(await getSubscriptions(t.http))).toBeNull();
    t.sim.control.upsertUser({ email: EMAIL, plan: 'plus' });
    expect(summarizePlan(await getSubscriptions(t.http))).toMatchObject({ id: 'chatgpt_plus', isPro: false });
    t.sim.control.upsertUser({ email: EMAIL, plan: 'pro' });
    const pro = summarizePlan(await getSubscriptions(t.http));
    expect(pro).toMatchObject({ id: 'chatgpt_pro', isPro: true });
    expect(pro?.endsAt).toBeGreaterThan(t.sim.clock.now());
    t.sim.control.setConfig({ variants: { endTs: 'epoch' } });
    const res = await getSubscriptions(t.http);
    expect(typeof res.data?.[0]?.end_ts).toBe('number');
    expect(summarizePlan(res)?.endsAt).toBe(pro?.endsAt);
  });

  it('checkQuota', async () => {
    const t = setup();
    t.sim.control.setQuota({ remaining: 5, resetsInSec: 100, email: EMAIL });
    const res = await checkQuota(t.http);
    expect(res.rate_limit_and_credit_balance).toMatchObject({
      estimated_num_videos_remaining: 5,
      rate_limit_reached: false,
      access_resets_in_seconds: 100,
    });
    expect(toQuotaSnapshot(res.rate_limit_and_credit_balance, 0)).toEqual({
      remaining: 5,
      rateLimitReached: false,
      resetsAt: 100_000,
    });
  });

  it('checkUsername and setUsername', async () => {
    const t = setup();
    expect((await checkUsername(t.http, 'taken')).available).toBe(false);
    expect((await checkUsername(t.http, 'miralune')).available).toBe(false);
    expect((await checkUsername(t.http, 'ada.films')).available).toBe(true);
    const bad = await failure(checkUsername(t.http, 'X!'));
    expect(bad.code).toBe('bad_request');
    expect(bad.serverCode).toBe('invalid_username');
    await setUsername(t.http, 'ada.films');
    expect((await getMe(t.http)).username).toBe('ada.films');
    const conflict = await failure(setUsername(t.http, 'miralune'));
    expect(conflict.code).toBe('bad_request');
    expect(conflict.status).toBe(409);
    expect(t.lastLog('/backend/project_y/profile/username/set')?.body).toEqual({ username: 'miralune' });
  });
});

describe('invite', () => {
  it('getInviteMine, bootstrapSora2, acceptInvite', async () => {
    const t = setup();
    const mine = await getInviteMine(t.http);
    expect(mine.invite_code).toBeTruthy();
    expect(typeof mine.redeemed_count).toBe('number');
    await expect(bootstrapSora2(t.http)).resolves.toMatchObject({ success: true });
    expect((await getMe(t.http)).is_sora_activated).toBe(true);
    const bad = await failure(acceptInvite(t.http, { inviteCode: 'NOPE' }));
    expect(bad.code).toBe('bad_request');
    expect(bad.serverCode).toBe('invalid_invite_code');
    const res = await acceptInvite(t.http, { inviteCode: ' SIMCODE ', deviceId: t.login.deviceId.value });
    expect(res).toMatchObject({ success: true, already_accepted: false });
    const log = t.lastLog('/backend/project_y/invite/accept');
    expect(log?.body).toEqual({ invite_code: 'SIMCODE' });
    expect(log?.deviceIdCookie).toBe(t.login.deviceId.value);
    expect(log?.deviceId).toBe(t.login.deviceId.value);
    const user = t.sim.control.state().users.find((u) => u.email === EMAIL);
    expect(user?.inviteAccepted).toBe(true);
    expect(user?.inviteDeviceId).toBe(t.login.deviceId.value);
    await expect(acceptInvite(t.http, { inviteCode: 'ABC123' })).resolves.toMatchObject({
      already_accepted: true,
    });
  });
});

describe('images', () => {
  it('uploadImage, createImage (t2i and i2i), getRecentTasks through to succeeded', async () => {
    const t = setup();
    const up = await uploadImage(t.http, { file: blob('image.png', 'image/png'), fileName: 'cat.png' });
    expect(up.id).toMatch(/^upload_/);
    const upLog = t.lastLog('/backend/uploads');
    expect(upLog?.multipart?.fields.file_name).toBe('cat.png');
    expect(upLog?.multipart?.files[0]).toMatchObject({ field: 'file', name: 'cat.png', type: 'image/png' });

    const t2i = await createImage(t.http, { prompt: 'A sunset' });
    expect(isTaskId(t2i.id)).toBe(true);
    const log = t.lastLog('/backend/video_gen');
    expect(log?.sentinelSource).toBe('random');
    expect(log?.body).toMatchObject({ type: 'image_gen', operation: 'simple_compose', n_frames: 1 });
    const i2i = await createImage(t.http, { prompt: 'Same, at night', uploadMediaId: up.id, width: 540 });
    expect(t.lastLog('/backend/video_gen')?.body).toMatchObject({
      operation: 'remix',
      inpaint_items: [{ type: 'image', frame_index: 0, upload_media_id: up.id }],
    });

    let recent = await getRecentTasks(t.http, { limit: 10 });
    expect(recent.task_responses.map((r) => r.id)).toEqual(expect.arrayContaining([t2i.id, i2i.id]));
    expect(recent.task_responses.find((r) => r.id === t2i.id)?.status).toBe('queued');
    t.sim.clock.advance(16_000);
    recent = await getRecentTasks(t.http, { limit: 10 });
    const done = recent.task_responses.find((r) => r.id === t2i.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.generations?.[0]?.url).toMatch(/^https:\/\/videos\.openai\.com\//);
    expect(t.lastLog('/backend/v2/recent_tasks')?.query).toEqual({ limit: '10' });
  });
});

describe('videos', () => {
  it('createVideo → pending → drafts → publish → clean download → delete', async () => {
    const t = setup();
    const created = await createVideo(t.http, {
      prompt: 'A cat dancing',
      nFrames: 300,
      orientation: 'portrait',
    });
    expect(isTaskId(created.id)).toBe(true);
    const log = t.lastLog('/backend/nf/create');
    expect(log?.body).toEqual(
      buildVideoBody({ prompt: 'A cat dancing', nFrames: 300, orientation: 'portrait' }),
    );
    expect(log?.sentinelSource).toBe('random');

    let pending = await getPendingTasks(t.http);
    const first = pending.find((p) => p.id === created.id);
    expect(first?.status).toBe('preprocessing');
    expect(first?.progress_pct).toBeNull();
    t.sim.clock.advance(30_000);
    pending = await getPendingTasks(t.http);
    expect(pending.find((p) => p.id === created.id)?.status).toBe('running');
    expect(typeof pending.find((p) => p.id === created.id)?.progress_pct).toBe('number');
    t.sim.clock.advance(VIDEO_DONE_MS);
    pending = await getPendingTasks(t.http);
    expect(pending.find((p) => p.id === created.id)).toBeUndefined();

    const drafts = await getDrafts(t.http, { limit: 10 });
    const draft = drafts.items.find((d) => d.task_id === created.id);
    expect(draft).toBeDefined();
    expect(isGenerationId(draft!.id)).toBe(true);
    expect(draft!.kind).toBe('sora_draft');
    const state = classifyDraft(draft!);
    expect(state.state).toBe('ready');
    expect(draft!.width).toBe(512);

    const post = await publishPost(t.http, { generationId: draft!.id });
    expect(isPostId(post.post.id)).toBe(true);
    const postLog = t.lastLog('/backend/project_y/post');
    expect(postLog?.body).toMatchObject({ destinations: [{ type: 'shared_link_unlisted' }], post_text: '' });
    expect(postLog?.sentinelSource).toBe('random');
    expect(t.sim.control.state().posts.find((p) => p.id === post.post.id)?.unlisted).toBe(true);

    const got = await getPost(t.http, `https://sora.chatgpt.com/p/${post.post.id}?ref=x`);
    const attachment = findAttachment(got.post, draft!.id);
    const url = attachment ? bestMediaUrl(attachment) : undefined;
    expect(url).toBeTruthy();
    const media = await t.fetchFn(url!);
    expect(media.status).toBe(200);
    expect(media.headers.get('x-sim-watermark')).toBe('none');

    await deletePost(t.http, post.post.id);
    expect(t.sim.control.state().posts.find((p) => p.id === post.post.id)?.deleted).toBe(true);
    expect((await failure(getPost(t.http, post.post.id))).code).toBe('not_found');
  });

  it('publishPost plain form, and deletePost answering 204', async () => {
    const t = setup({ variants: { deletePostStatus: 204, postPermalink: false } });
    const [genId] = t.sim.control.seedDrafts({ count: 1, email: EMAIL });
    const post = await publishPost(t.http, { generationId: genId!, text: 'hi', unlisted: false });
    expect(t.lastLog('/backend/project_y/post')?.body).toEqual({
      attachments_to_create: [{ generation_id: genId, kind: 'sora' }],
      post_text: 'hi',
    });
    await expect(deletePost(t.http, post.post.id)).resolves.toBeUndefined();
    expect(t.lastLog(`/backend/project_y/post/${post.post.id}`)?.status).toBe(204);
  });

  it('getOwnPosts: the user’s live posts in either shape, a missing route as not_found, a stranger shape refused', async () => {
    for (const profileFeed of ['ok', 'flat'] as const) {
      const t = setup({ variants: { profileFeed } });
      const [a, b] = t.sim.control.seedDrafts({ count: 2, email: EMAIL });
      const first = await publishPost(t.http, { generationId: a! });
      t.sim.control.setClock({ advanceMs: 1000 });
      const second = await publishPost(t.http, { generationId: b! });
      const gone = await publishPost(t.http, { generationId: b! });
      await deletePost(t.http, gone.post.id);
      const page = await getOwnPosts(t.http);
      expect(page.posts.map((p) => p.id)).toEqual([second.post.id, first.post.id]);
      expect(page.posts[0]?.attachments?.[0]?.generation_id).toBe(b);
      expect(t.lastLog('/backend/project_y/profile_feed/me')?.query).toMatchObject({ cut: 'nf2' });
      // Other users' posts (the seeded ones) are not listed.
      expect(page.posts.some((p) => t.sim.control.state().seededPostIds.includes(p.id))).toBe(false);
    }
    const absent = setup({ variants: { profileFeed: 'not_found' } });
    expect((await failure(getOwnPosts(absent.http))).code).toBe('not_found');
    const odd = setup();
    odd.sim.control.addFault({
      path: '/backend/project_y/profile_feed/me',
      kind: 'malformed_json',
    });
    expect((await failure(getOwnPosts(odd.http))).code).toBe('bad_response');
  });

  it('createVideo image-to-video and remix (id and link)', async () => {
    const t = setup();
    const up = await uploadImage(t.http, { file: blob('image.jpg', 'image/jpeg'), fileName: 'start.jpg' });
    await createVideo(t.http, { prompt: 'It moves', uploadId: up.id, styleId: 'anime' });
    expect(t.lastLog('/backend/nf/create')?.body).toMatchObject({
      inpaint_items: [{ kind: 'upload', upload_id: up.id }],
      style_id: 'anime',
    });
    const target = t.sim.control.state().seededPostIds[0]!;
    const remix = await createVideo(t.http, {
      prompt: 'More dramatic',
      remixTargetId: `https://sora.chatgpt.com/p/${target}/`,
    });
    expect(isTaskId(remix.id)).toBe(true);
    expect(t.lastLog('/backend/nf/create')?.body).toMatchObject({
      remix_target_id: target,
      cameo_ids: [],
      cameo_replacements: {},
    });
    const missing = await failure(createVideo(t.http, { prompt: 'x', remixTargetId: `s_${'0'.repeat(32)}` }));
    expect(missing.code).toBe('not_found');
  });

  it('createVideo answers of every createResponse variant parse', async () => {
    for (const createResponse of [
      'id_only',
      'with_priority',
      'with_task_type',
      'with_quota',
      'full',
    ] as const) {
      const t = setup({ variants: { createResponse } });
      const res = await createVideo(t.http, { prompt: 'variant' });
      expect(isTaskId(res.id)).toBe(true);
      if (createResponse === 'with_quota' || createResponse === 'full') {
        expect(typeof res.rate_limit_and_credit_balance?.estimated_num_videos_remaining).toBe('number');
      }
    }
  });

  it('createStoryboard sends the reference body with its nulls', async () => {
    const t = setup();
    const prompt =
      'current timeline:\nShot 1:\nduration: 5.0sec\nScene: a cat jumps\n\nShot 2:\nduration: 5.0sec\nScene: it lands';
    const res = await createStoryboard(t.http, { prompt, nFrames: 300 });
    expect(isTaskId(res.id)).toBe(true);
    const log = t.lastLog('/backend/nf/create/storyboard');
    expect(log?.body).toEqual(buildStoryboardBody({ prompt, nFrames: 300 }));
    expect(log?.rawBody).toContain('"audio_caption":null');
    expect(log?.sentinelSource).toBe('random');
  });

  it('pending items of the minimal variant parse', async () => {
    const t = setup({ variants: { pendingFields: 'minimal' } });
    const { id } = await createVideo(t.http, { prompt: 'minimal' });
    const pending = await getPendingTasks(t.http);
    expect(pending.find((p) => p.id === id)).toBeDefined();
  });

  it('getDrafts pages with the cursor', async () => {
    const t = setup();
    const ids = t.sim.control.seedDrafts({ count: 5, email: EMAIL });
    const page1 = await getDrafts(t.http, { limit: 3 });
    expect(page1.items.map((d) => d.id)).toEqual(ids.slice(2).reverse());
    expect(page1.cursor).toBeTruthy();
    const page2 = await getDrafts(t.http, { limit: 3, cursor: page1.cursor! });
    expect(page2.items.map((d) => d.id)).toEqual(ids.slice(0, 2).reverse());
    expect(page2.cursor ?? null).toBeNull();
  });

  it('getDrafts falls back to the legacy path once and remembers it', async () => {
    const t = setup({ variants: { draftsV2: 'not_found' } });
    t.sim.control.seedDrafts({ count: 2, email: EMAIL });
    expect((await getDrafts(t.http, { limit: 10 })).items).toHaveLength(2);
    expect((await getDrafts(t.http, { limit: 10 })).items).toHaveLength(2);
    const paths = t.sim.control.log({ path: '/backend/project_y/profile/*' }).map((e) => e.path);
    expect(paths).toEqual([
      '/backend/project_y/profile/drafts/v2',
      '/backend/project_y/profile/drafts',
      '/backend/project_y/profile/drafts',
    ]);
  });

  it('a draft briefly without URLs, and a policy violation', async () => {
    const t = setup({ variants: { draftUrlDelaySec: 5 }, blockedPrompts: ['forbidden'] });
    const ok = await createVideo(t.http, { prompt: 'fine' });
    const bad = await createVideo(t.http, { prompt: 'something forbidden' });
    t.sim.clock.advance(VIDEO_DONE_MS);
    let items = (await getDrafts(t.http, { limit: 10 })).items;
    const okDraft = () => items.find((d) => d.task_id === ok.id)!;
    expect(classifyDraft(okDraft()).state).toBe('no_url_yet');
    const violation = classifyDraft(items.find((d) => d.task_id === bad.id)!);
    expect(violation.state).toBe('violation');
    expect(violation.state === 'violation' && violation.reason).toBeTruthy();
    t.sim.clock.advance(6_000);
    items = (await getDrafts(t.http, { limit: 10 })).items;
    expect(classifyDraft(okDraft()).state).toBe('ready');
  });

  it('a failing prompt ends as a failed draft', async () => {
    const t = setup({ failingPrompts: ['explode'] });
    const task = await createVideo(t.http, { prompt: 'explode please' });
    t.sim.clock.advance(40_000);
    const failed = (await getPendingTasks(t.http)).find((p) => p.id === task.id);
    expect(failed?.status).toBe('failed');
    t.sim.clock.advance(VIDEO_DONE_MS);
    const draft = (await getDrafts(t.http, { limit: 10 })).items.find((d) => d.task_id === task.id);
    expect(draft).toBeDefined();
    expect(classifyDraft(draft!).state).toBe('failed');
  });
});

describe('characters', () => {
  for (const cameoDone of ['finalized', 'completed_message', 'asset_url_only'] as const) {
    it(`the whole flow (${cameoDone})`, async () => {
      const t = setup({ variants: { cameoDone } });
      const up = await uploadCharacterVideo(t.http, {
        file: blob('video-clean-landscape.mp4', 'video/mp4'),
        timestamps: [0, 3],
      });
      expect(isCameoId(up.id)).toBe(true);
      expect(t.lastLog('/backend/characters/upload')?.multipart?.fields.timestamps).toBe('0,3');
      const early = await getCameoStatus(t.http, up.id);
      expect(early.state).toBe('processing');
      expect(early.status).toBeTruthy();
      t.sim.clock.advance(31_000);
      const done = await getCameoStatus(t.http, up.id);
      expect(done.state).toBe('ready');
      expect(done.profileAssetUrl).toBeTruthy();
      const picture = await (await t.fetchFn(done.profileAssetUrl!)).blob();
      const asset = await uploadProfileImage(t.http, { file: picture, fileName: 'profile.webp' });
      expect(asset.asset_pointer).toMatch(/^sediment:\/\/file_/);
      expect(t.lastLog('/backend/project_y/file/upload')?.multipart?.fields.use_case).toBe('profile');
      const fin = await finalizeCharacter(t.http, {
        cameoId: up.id,
        username: done.usernameHint ?? 'ada.cameo',
        displayName: done.displayNameHint ?? 'Ada',
        profileAssetPointer: asset.asset_pointer,
        instructionSet: done.instructionSetHint,
      });
      expect(isCharacterId(fin.character.character_id)).toBe(true);
      await setCharacterVisibility(t.http, up.id, 'public');
      expect(t.lastLog(`/backend/project_y/cameos/by_id/${up.id}/update_v2`)?.body).toEqual({
        visibility: 'public',
      });
      // A live character can be used in a video.
      await createVideo(t.http, {
        prompt: `@${fin.character.username ?? 'x'} waves`,
        cameoIds: [fin.character.character_id],
      });
      await deleteCharacter(t.http, fin.character.character_id);
      expect(t.sim.control.state().characters.find((c) => c.id === fin.character.character_id)?.deleted).toBe(
        true,
      );
    });
  }

  it('a failed cameo and finalizing too early', async () => {
    const t = setup();
    t.sim.control.setCameoOutcome({ outcome: 'fail' });
    const up = await uploadCharacterVideo(t.http, {
      file: blob('video-noaudio.mp4', 'video/mp4'),
      timestamps: [1, 4],
    });
    const early = await finalizeCharacter(t.http, {
      cameoId: up.id,
      username: 'too.early',
      displayName: 'Early',
      profileAssetPointer: `sediment://file_${'0'.repeat(32)}`,
    }).catch((e: unknown) => e);
    expect(early).toMatchObject({ code: 'bad_request' });
    t.sim.clock.advance(31_000);
    expect((await getCameoStatus(t.http, up.id)).state).toBe('failed');
    await deleteCharacter(t.http, up.id);
  });
});

describe('errors from the simulator', () => {
  it('an expired token is refreshed once (staleToken passed) and the call retried', async () => {
    const t = setup();
    t.sim.control.addFault({ path: '/backend/me', kind: 'token_expired', times: 1 });
    await expect(getMe(t.http)).resolves.toMatchObject({ email: EMAIL });
    expect(t.getAccessToken).toHaveBeenCalledTimes(2);
    expect(t.getAccessToken.mock.calls[1]?.[0]).toMatchObject({ forceRefresh: true });
    expect(t.getAccessToken.mock.calls[1]?.[0]?.staleToken).toBeTruthy();
  });

  it('invalidated tokens: a fresh session token works; still refused → auth_expired', async () => {
    const t = setup();
    await getMe(t.http);
    t.sim.control.invalidateTokens({ email: EMAIL });
    await expect(getMe(t.http)).resolves.toMatchObject({ email: EMAIL });
    t.sim.control.addFault({ path: '/backend/me', kind: 'token_invalidated' });
    expect((await failure(getMe(t.http))).code).toBe('auth_expired');
  });

  it('logged out → logged_out', async () => {
    const t = setup();
    t.sim.control.endSession({ email: EMAIL });
    expect((await failure(getMe(t.http))).code).toBe('logged_out');
  });

  it('sentinel_block once → retried with a new token; twice → sentinel_rejected', async () => {
    const t = setup();
    t.sim.control.addFault({ path: '/backend/nf/create', kind: 'sentinel_block', times: 1 });
    await expect(createVideo(t.http, { prompt: 'x' })).resolves.toHaveProperty('id');
    const sentinels = t.sim.control.log({ path: '/backend/nf/create' }).map((e) => e.sentinel);
    expect(sentinels).toHaveLength(2);
    expect(sentinels[0]).not.toBe(sentinels[1]);
    t.sim.control.addFault({ path: '/backend/nf/create', kind: 'sentinel_block', times: 2 });
    expect((await failure(createVideo(t.http, { prompt: 'x' }))).code).toBe('sentinel_rejected');
  });

  it('page-only sentinel mode refuses the random token → sentinel_rejected', async () => {
    const t = setup({ sentinelMode: 'page_only' });
    expect((await failure(createVideo(t.http, { prompt: 'x' }))).code).toBe('sentinel_rejected');
  });

  it('the concurrency ceiling → too_many_concurrent with numTasks', async () => {
    const t = setup({ ceiling: 2 });
    await createVideo(t.http, { prompt: 'one' });
    await createImage(t.http, { prompt: 'two' });
    const e = await failure(createVideo(t.http, { prompt: 'three' }));
    expect(e.code).toBe('too_many_concurrent');
    expect(e.numTasks).toBe(2);
  });

  it('no allowance left → daily_limit', async () => {
    const t = setup();
    t.sim.control.setQuota({ remaining: 0, resetsInSec: 3600, email: EMAIL });
    expect((await failure(createVideo(t.http, { prompt: 'x' }))).code).toBe('daily_limit');
    expect((await checkQuota(t.http)).rate_limit_and_credit_balance.rate_limit_reached).toBe(true);
  });

  it('Pro-only options on a free plan → bad_request pro_required', async () => {
    const t = setup({ defaultPlan: 'free' });
    const e = await failure(createVideo(t.http, { prompt: 'x', model: 'sy_ore' }));
    expect(e.code).toBe('bad_request');
    expect(e.serverCode).toBe('pro_required');
  });

  const faults: Array<{
    kind: string;
    code: string;
    extra?: Record<string, unknown>;
    check?: (e: SoraError) => void;
  }> = [
    { kind: 'rate_limited', code: 'rate_limited', check: (e) => expect(e.retryAfterMs).toBe(30_000) },
    {
      kind: 'rate_limited',
      code: 'rate_limited',
      extra: { retryAfterSec: 7 },
      check: (e) => expect(e.retryAfterMs).toBe(7000),
    },
    { kind: 'rate_limit_exhausted', code: 'daily_limit' },
    { kind: 'too_many_concurrent', code: 'too_many_concurrent', check: (e) => expect(e.numTasks).toBe(3) },
    { kind: 'heavy_load', code: 'heavy_load' },
    { kind: 'server_error', code: 'server_error', check: (e) => expect(e.status).toBe(500) },
    { kind: 'status', code: 'server_error', extra: { status: 502 } },
    { kind: 'status', code: 'bad_request', extra: { status: 418 } },
    { kind: 'status', code: 'not_found', extra: { status: 404 } },
    { kind: 'cloudflare', code: 'cloudflare_challenge' },
    { kind: 'unsupported_country', code: 'unsupported_country', check: (e) => expect(e.param).toBe('XX') },
    {
      kind: 'unsupported_country',
      code: 'unsupported_country',
      extra: { param: 'KP' },
      check: (e) => expect(e.param).toBe('KP'),
    },
    { kind: 'malformed_json', code: 'bad_response' },
    { kind: 'drop', code: 'network' },
  ];
  for (const f of faults) {
    it(`fault ${f.kind}${f.extra ? ` ${JSON.stringify(f.extra)}` : ''} → ${f.code}`, async () => {
      const t = setup();
      t.sim.control.addFault({ path: '/backend/nf/create', kind: f.kind as never, ...f.extra });
      const e = await failure(createVideo(t.http, { prompt: 'x' }));
      expect(e.code).toBe(f.code);
      f.check?.(e);
      expect(t.sim.control.log({ path: '/backend/nf/create' })).toHaveLength(1);
    });
  }

  it('error envelopes with a top-level status map the same', async () => {
    const t = setup({ variants: { errorStatusField: true } });
    t.sim.control.addFault({ path: '/backend/nf/check', kind: 'heavy_load' });
    expect((await failure(checkQuota(t.http))).code).toBe('heavy_load');
  });

  it('a hung request → timeout', async () => {
    const t = setup({}, { timeoutMs: 30 });
    t.sim.control.addFault({ path: '/backend/nf/pending/v2', kind: 'hang' });
    expect((await failure(getPendingTasks(t.http))).code).toBe('timeout');
  });

  it('a hung request aborted by the caller → aborted', async () => {
    const t = setup();
    t.sim.control.addFault({ path: '/backend/nf/pending/v2', kind: 'hang' });
    const controller = new AbortController();
    const p = failure(getPendingTasks(t.http, { signal: controller.signal }));
    await vi.waitFor(() => expect(t.sim.control.log({ path: '/backend/nf/pending/v2' })).toHaveLength(1));
    controller.abort();
    expect((await p).code).toBe('aborted');
  });

  it('unknown post → not_found', async () => {
    const t = setup();
    expect((await failure(getPost(t.http, `s_${'a'.repeat(32)}`))).code).toBe('not_found');
  });

  it('bad input is refused before any request', async () => {
    const t = setup();
    const before = t.sim.control.log().length;
    await expect(getPost(t.http, 'nope')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(createVideo(t.http, { prompt: '' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(getCameoStatus(t.http, '../me')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      uploadCharacterVideo(t.http, { file: new Blob([]), timestamps: [3, 1] }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(t.sim.control.log().length).toBe(before);
  });
});
