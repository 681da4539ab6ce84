import { describe, expect, it } from 'vitest';
import { createSim, isSimDrop, type LogEntry, loadFixture, reachedBackend, type Sim } from '../sim/app';
import type { SimConfigPatch } from '../sim/types';

const SORA = 'https://sora.chatgpt.com';
const B = `${SORA}/backend`;
const SENTINEL = { 'openai-sentinel-token': 'abcDEF123456' };
const EMAIL = 'ada@example.com';

interface Harness {
  sim: Sim;
  at: string;
  api: (path: string, init?: RequestInit) => Promise<Response>;
  json: <T = Record<string, unknown>>(path: string, init?: RequestInit) => Promise<T>;
  create: (body?: Record<string, unknown>) => Promise<Response>;
}

/** A frozen-clock sim (speed 0: only `advance` moves time) and a Bearer-authenticated caller. */
function setup(opts: SimConfigPatch = {}, email = EMAIL): Harness {
  const sim = createSim({ speed: 0, seed: 7, ...opts });
  const at = sim.control.accessToken(email);
  const api = (path: string, init: RequestInit = {}) =>
    sim.fetch(`${B}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${at}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const json = async <T>(path: string, init?: RequestInit) => (await (await api(path, init)).json()) as T;
  const create = (body: Record<string, unknown> = {}) =>
    api('/nf/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SENTINEL },
      body: JSON.stringify({
        kind: 'video',
        prompt: 'a cat',
        orientation: 'landscape',
        n_frames: 300,
        ...body,
      }),
    });
  return { sim, at, api, json, create };
}

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string | null; message: string } }).error;
const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

interface Draft {
  id: string;
  task_id: string;
  kind: string;
  url: string | null;
  downloadable_url: string | null;
  encodings: { source?: { path: string }; thumbnail?: { path: string }; md?: { path: string } };
  width: number;
  height: number;
  n_frames: number;
  prompt: string;
  created_at: number;
  reason_str: string | null;
  markdown_reason_str: string | null;
}

describe('session and auth', () => {
  it('logs in through the page, sets secure cookies and serves a cached JWT access token', async () => {
    const sim = createSim({ speed: 0 });
    const login = await sim.fetch(`${SORA}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=Ada%40Example.com',
      redirect: 'manual',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/');
    const setCookies = login.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith('__Secure-next-auth.session-token='));
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    expect(setCookies.some((c) => /^oai-did=[0-9a-f-]{36};/.test(c))).toBe(true);
    const cookie = setCookies
      .filter((c) => !/Max-Age=0/.test(c))
      .map((c) => c.split(';')[0])
      .join('; ');

    const s1 = (await (await sim.fetch(`${SORA}/api/auth/session`, { headers: { cookie } })).json()) as {
      accessToken: string;
      user: { email: string };
      expires: string;
    };
    expect(s1.user.email).toBe('ada@example.com');
    expect(Date.parse(s1.expires)).toBeGreaterThan(sim.clock.now());
    const c1 = claims(s1.accessToken);
    expect(c1['https://api.openai.com/profile']).toMatchObject({ email: 'ada@example.com' });
    expect(c1.sub).toMatch(/^user-/);
    expect(c1.exp).toBe(Math.floor(sim.clock.now() / 1000) + 8 * 86_400);

    const again = (await (await sim.fetch(`${SORA}/api/auth/session`, { headers: { cookie } })).json()) as {
      accessToken: string;
    };
    expect(again.accessToken).toBe(s1.accessToken);
    sim.clock.advance(8 * 86_400_000 - 4 * 60_000);
    const renewed = (await (await sim.fetch(`${SORA}/api/auth/session`, { headers: { cookie } })).json()) as {
      accessToken: string;
    };
    expect(renewed.accessToken).not.toBe(s1.accessToken);

    const me = await sim.fetch(`${B}/me`, { headers: { authorization: `Bearer ${renewed.accessToken}` } });
    expect(await me.json()).toMatchObject({ email: 'ada@example.com', id: expect.stringMatching(/^user-/) });

    expect(await (await sim.fetch(`${SORA}/api/auth/session`)).json()).toEqual({});
    const out = await sim.fetch(`${SORA}/logout`, { headers: { cookie }, redirect: 'manual' });
    expect(out.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true);
    expect(await (await sim.fetch(`${SORA}/api/auth/session`, { headers: { cookie } })).json()).toEqual({});
  });

  it('supports chunked session cookies and ending the session from control', async () => {
    const sim = createSim({ speed: 0, chunkedCookie: true });
    const login = sim.control.login('bo@example.com');
    expect(login.cookieNames).toEqual([
      '__Secure-next-auth.session-token.0',
      '__Secure-next-auth.session-token.1',
    ]);
    const headers = { cookie: login.cookieHeader };
    const s = (await (await sim.fetch(`${SORA}/api/auth/session`, { headers })).json()) as {
      accessToken?: string;
    };
    expect(s.accessToken).toBeTruthy();
    sim.control.endSession({ email: 'bo@example.com' });
    expect(await (await sim.fetch(`${SORA}/api/auth/session`, { headers })).json()).toEqual({});
  });

  it('answers 401 for missing, unparsable, expired and invalidated tokens', async () => {
    const { sim, api } = setup();
    const none = await sim.fetch(`${B}/nf/check`);
    expect(none.status).toBe(401);
    expect((await errorOf(none)).message).toMatch(/Missing bearer authentication/);
    const bad = await sim.fetch(`${B}/nf/check`, { headers: { authorization: 'Bearer nope.nope.nope' } });
    expect((await errorOf(bad)).message).toMatch(/Could not parse your authentication token/);

    const short = sim.control.accessToken(EMAIL, { expiresInSec: 60 });
    sim.clock.advance(61_000);
    const expired = await sim.fetch(`${B}/me`, { headers: { authorization: `Bearer ${short}` } });
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe('token_expired');

    expect((await api('/me')).status).toBe(200);
    sim.control.invalidateTokens();
    const inv = await api('/me');
    expect(inv.status).toBe(401);
    expect((await errorOf(inv)).code).toBe('token_invalidated');
    const fresh = sim.control.accessToken(EMAIL);
    expect((await sim.fetch(`${B}/me`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });

  it('exchanges a refresh token for an access token and rotates it', async () => {
    const sim = createSim({ speed: 0 });
    const rt = sim.control.refreshToken(EMAIL);
    const body = {
      client_id: 'app_LlGpXReQgckcGGUo2JrYvtJK',
      grant_type: 'refresh_token',
      redirect_uri: 'com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback',
      refresh_token: rt,
    };
    const post = (b: object) =>
      sim.fetch('https://auth.openai.com/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
    const ok = (await (await post(body)).json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
    };
    expect(claims(ok.access_token)['https://api.openai.com/profile']).toMatchObject({ email: EMAIL });
    expect(ok.refresh_token).not.toBe(rt);
    expect((await post(body)).status).toBe(400);
  });
});

describe('account and quota', () => {
  it('reports plan per user and end_ts in both variants', async () => {
    const { sim, json } = setup();
    expect(await json('/billing/subscriptions')).toMatchObject({ data: [{ plan: { id: 'chatgpt_plus' } }] });
    sim.control.upsertUser({ email: EMAIL, plan: 'pro' });
    const pro = await json<{ data: { plan: { id: string }; end_ts: unknown }[] }>('/billing/subscriptions');
    expect(pro.data[0]?.plan.id).toBe('chatgpt_pro');
    expect(typeof pro.data[0]?.end_ts).toBe('string');
    sim.control.setConfig({ variants: { endTs: 'epoch' } });
    const epoch = await json<{ data: { end_ts: unknown }[] }>('/billing/subscriptions');
    expect(typeof epoch.data[0]?.end_ts).toBe('number');
    sim.control.upsertUser({ email: EMAIL, plan: 'free' });
    expect(await json('/billing/subscriptions')).toEqual({ data: [] });
  });

  it('handles invites (recording oai-did), bootstrap and usernames', async () => {
    const { sim, api, json } = setup();
    expect(await json('/project_y/invite/mine')).toMatchObject({
      invite_code: expect.any(String),
      total_count: 5,
    });
    const accept = (code: string) =>
      api('/project_y/invite/accept', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'oai-did=did-123' },
        body: JSON.stringify({ invite_code: code }),
      });
    expect((await accept('WRONG')).status).toBe(400);
    expect(await (await accept('SIMCODE')).json()).toEqual({ success: true, already_accepted: false });
    expect(await (await accept('SIMCODE')).json()).toEqual({ success: true, already_accepted: true });
    expect(sim.control.state().users.find((u) => u.email === EMAIL)?.inviteDeviceId).toBe('did-123');
    expect((await api('/m/bootstrap')).status).toBe(200);

    const check = (username: string) =>
      api('/project_y/profile/username/check', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
    expect(await (await check('taken')).json()).toEqual({ available: false });
    expect(await (await check('miralune')).json()).toEqual({ available: false });
    expect(await (await check('ada_lovelace')).json()).toEqual({ available: true });
    expect((await check('No Spaces!')).status).toBe(400);
    const set = await api('/project_y/profile/username/set', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada_lovelace' }),
    });
    expect(set.status).toBe(200);
    expect(await (await check('ada_lovelace')).json()).toEqual({ available: false });
    expect(await json('/me')).toMatchObject({ username: 'ada_lovelace' });
  });

  it('decrements quota by length, refuses at 0 with rate_limit_exhausted, and resets', async () => {
    const { sim, json, create } = setup({ ceiling: 10 });
    type Check = {
      rate_limit_and_credit_balance: { estimated_num_videos_remaining: number; rate_limit_reached: boolean };
    };
    const left = async () => (await json<Check>('/nf/check')).rate_limit_and_credit_balance;
    expect((await left()).estimated_num_videos_remaining).toBe(30);
    expect((await create({ n_frames: 300 })).status).toBe(200);
    expect((await create({ n_frames: 450 })).status).toBe(200);
    expect((await left()).estimated_num_videos_remaining).toBe(27);

    sim.control.setQuota(0, { resetsInSec: 3600 });
    expect(await left()).toMatchObject({ estimated_num_videos_remaining: 0, rate_limit_reached: true });
    const refused = await create();
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('rate_limit_exhausted');
    sim.clock.advance(3600_000);
    expect((await left()).estimated_num_videos_remaining).toBe(30);
    expect((await create()).status).toBe(200);
    expect(sim.control.stats().creates).toMatchObject({ video: 4, accepted: 3, rejected: 1 });
  });
});

describe('video tasks', () => {
  it('moves a task through every status by sim time, then lists it as a draft', async () => {
    const { sim, json, create } = setup({ variants: { createResponse: 'full' } });
    const res = await create({ prompt: 'a lighthouse at dusk', orientation: 'portrait', n_frames: 450 });
    const created = (await res.json()) as {
      id: string;
      task_type?: string;
      rate_limit_and_credit_balance?: object;
    };
    expect(created.id).toMatch(/^task_01[0-9a-z]{19}$/);
    expect(created.id).toHaveLength(26);
    expect(created.task_type).toBe('video_gen');
    expect(created.rate_limit_and_credit_balance).toBeDefined();

    type Pending = { id: string; status: string; progress_pct: number | null; prompt?: string }[];
    const seen: string[] = [];
    const progress: (number | null)[] = [];
    // 450 frames = 1.5 × the 60 s default: 90 s in all.
    for (let t = 0; t < 100; t++) {
      const pending = await json<Pending>('/nf/pending/v2');
      const item = pending.find((p) => p.id === created.id);
      if (!item) break;
      if (seen[seen.length - 1] !== item.status) seen.push(item.status);
      progress.push(item.progress_pct);
      sim.clock.advance(1000);
    }
    expect(seen).toEqual(['preprocessing', 'queued', 'running', 'processing']);
    expect(progress[0]).toBeNull();
    const numbers = progress.filter((p): p is number => p !== null);
    expect(numbers.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= (numbers[i - 1] ?? 0)))).toBe(true);

    const drafts = await json<{ items: Draft[]; cursor: string | null }>(
      '/project_y/profile/drafts/v2?limit=5',
    );
    const d = drafts.items[0];
    expect(d).toMatchObject({
      task_id: created.id,
      kind: 'sora_draft',
      width: 512,
      height: 896,
      n_frames: 450,
      prompt: 'a lighthouse at dusk',
      reason_str: null,
      markdown_reason_str: null,
    });
    expect(d?.id).toMatch(/^gen_[A-Za-z0-9]+$/);
    expect(d?.url).toMatch(/^https:\/\/videos\.openai\.com\/.*[?&]se=.*&sig=/);
    expect(d?.encodings.source?.path).toBeTruthy();
    expect(d?.encodings.thumbnail?.path).toBeTruthy();
    expect(typeof d?.created_at).toBe('number');
    const legacy = await json<{ items: Draft[] }>('/project_y/profile/drafts?limit=5');
    expect(legacy.items[0]?.id).toBe(d?.id);
  });

  it('pages drafts newest first with a cursor and can 404 the v2 path', async () => {
    const { sim, json, api } = setup();
    const ids = sim.control.seedDrafts({ count: 5, promptPrefix: 'Imported', email: EMAIL });
    const p1 = await json<{ items: Draft[]; cursor: string | null }>('/project_y/profile/drafts/v2?limit=2');
    expect(p1.items.map((i) => i.id)).toEqual([ids[4], ids[3]]);
    const p2 = await json<{ items: Draft[]; cursor: string | null }>(
      `/project_y/profile/drafts/v2?limit=2&cursor=${p1.cursor}`,
    );
    expect(p2.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const p3 = await json<{ items: Draft[]; cursor: string | null }>(
      `/project_y/profile/drafts/v2?limit=2&cursor=${p2.cursor}`,
    );
    expect(p3.items.map((i) => i.id)).toEqual([ids[0]]);
    expect(p3.cursor).toBeNull();
    sim.control.setConfig({ variants: { draftsV2: 'not_found' } });
    expect((await api('/project_y/profile/drafts/v2')).status).toBe(404);
    expect((await api('/project_y/profile/drafts')).status).toBe(200);
  });

  it('lists a new draft without URLs for a while when the variant says so', async () => {
    const { sim, json, create } = setup({ variants: { draftUrlDelaySec: 5 } });
    await create();
    sim.clock.advance(60_000);
    const early = await json<{ items: Draft[] }>('/project_y/profile/drafts/v2');
    expect(early.items[0]).toMatchObject({ url: null, downloadable_url: null, encodings: {} });
    sim.clock.advance(5000);
    expect((await json<{ items: Draft[] }>('/project_y/profile/drafts/v2')).items[0]?.url).toBeTruthy();
  });

  it('points drafts at a foreign media host when the variant says so, and logs requests made there', async () => {
    const { sim, json, create } = setup({ variants: { mediaHost: 'foreign' } });
    await create();
    sim.clock.advance(120_000);
    const [item] = (await json<{ items: Draft[] }>('/project_y/profile/drafts/v2')).items;
    for (const url of [item?.url, item?.downloadable_url]) {
      expect(new URL(String(url)).host).toBe('media.elsewhere.example');
    }
    // It serves the file, as a careless client would find out: every request there is logged.
    const res = await sim.fetch(String(item?.url));
    expect(res.status).toBe(200);
    expect(sim.control.log({ host: 'media.elsewhere.example' })).toHaveLength(1);
  });

  it('runs a parse service that answers clean links on its own mirror', async () => {
    const { sim, api } = setup();
    const posted = await api('/project_y/post', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SENTINEL },
      body: JSON.stringify({
        attachments_to_create: [
          { generation_id: sim.control.seedDrafts({ count: 1, email: EMAIL })[0], kind: 'sora' },
        ],
        post_text: '',
      }),
    });
    const { post } = (await posted.json()) as { post: { id: string } };
    const ask = (url: unknown) =>
      sim.fetch('https://parse.sim.example/get-sora-link', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
    const answer = (await (await ask(`https://sora.chatgpt.com/p/${post.id}`)).json()) as {
      download_link: string;
    };
    expect(new URL(answer.download_link).host).toBe('media.elsewhere.example');
    const file = await sim.fetch(answer.download_link);
    expect(file.headers.get('x-sim-watermark')).toBe('none');
    expect((await ask('https://example.com/x')).status).toBe(400);
    expect((await ask(`https://sora.chatgpt.com/p/s_${'0'.repeat(32)}`)).status).toBe(404);
    expect(sim.control.log({ host: 'parse.sim.example' })).toHaveLength(3);
  });

  it('enforces the concurrency ceiling and records the maximum seen', async () => {
    const { sim, create } = setup();
    for (let i = 0; i < 3; i++) expect((await create()).status).toBe(200);
    const refused = await create();
    expect(refused.status).toBe(429);
    const e = (await refused.json()) as {
      error: { code: string; message: string; details: { num_tasks: number } };
    };
    expect(e.error).toMatchObject({ code: 'too_many_concurrent_tasks', details: { num_tasks: 3 } });
    expect(e.error.message).toBe('You already have 3 generations in progress');
    sim.clock.advance(60_000);
    expect((await create()).status).toBe(200);
    expect(sim.control.stats().maxConcurrentObserved).toBe(3);
  });

  it('validates bodies: sentinel, frames, orientation, Pro-only options, remix target', async () => {
    const { sim, api, create } = setup();
    const noSentinel = await api('/nf/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'video', prompt: 'x', orientation: 'landscape', n_frames: 300 }),
    });
    expect(noSentinel.status).toBe(400);
    expect((await errorOf(noSentinel)).code).toBe('sentinel_block');
    expect((await create({ n_frames: 200 })).status).toBe(400);
    expect((await create({ orientation: 'square' })).status).toBe(400);
    for (const extra of [{ model: 'sy_ore' }, { size: 'large' }, { n_frames: 750 }]) {
      const r = await create(extra);
      expect(r.status).toBe(400);
      expect((await errorOf(r)).code).toBe('pro_required');
    }
    sim.control.upsertUser({ email: EMAIL, plan: 'pro' });
    expect((await create({ n_frames: 750, model: 'sy_ore' })).status).toBe(200);
    expect((await create({ remix_target_id: `s_${'0'.repeat(32)}` })).status).toBe(404);
    expect((await create({ remix_target_id: 'not-a-post' })).status).toBe(400);
    const target = sim.state.seededPostIds[0];
    expect((await create({ remix_target_id: target, cameo_ids: [], cameo_replacements: {} })).status).toBe(
      200,
    );
  });

  it('keeps the raw storyboard body and the parsed shots; logs the sentinel source', async () => {
    const { sim, api } = setup();
    const prompt =
      'current timeline:\nShot 1:\nduration: 5.0sec\nScene: a cat jumps\n\nShot 2:\nduration: 10.0sec\n' +
      'Scene: the cat looks\n\ninstructions:\nwarm light';
    const body = {
      kind: 'video',
      prompt,
      title: 'Draft your video',
      orientation: 'landscape',
      n_frames: 450,
      storyboard_id: null,
    };
    const res = await api('/nf/create/storyboard', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SENTINEL },
      body: JSON.stringify(body),
    });
    const { id } = (await res.json()) as { id: string };
    expect(sim.state.videoTasks.get(id)?.storyboard).toEqual({
      shots: [
        { durationSec: 5, scene: 'a cat jumps' },
        { durationSec: 10, scene: 'the cat looks' },
      ],
      instructions: 'warm light',
    });
    const entry = sim.control.log({ path: '/backend/nf/create/storyboard' })[0];
    expect(entry?.rawBody).toBe(JSON.stringify(body));
    expect(entry).toMatchObject({
      sentinel: SENTINEL['openai-sentinel-token'],
      sentinelSource: 'random',
      hasBearer: true,
    });
  });

  it('recognises tokens from the page sentinel SDK', async () => {
    const { sim, create, api } = setup({ pageSentinel: true, sentinelMode: 'page_only' });
    const html = await (await sim.fetch(`${SORA}/`)).text();
    const key = /c: "(pk_[A-Za-z0-9]+)"/.exec(html)?.[1];
    expect(key).toBeTruthy();
    expect((await create()).status).toBe(400);
    const token = (id: string) =>
      JSON.stringify({ p: 'gAAAAABx', t: 'sim', c: key, id, flow: 'sora_2_create_task' });
    const send = (id: string) =>
      api('/nf/create', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'openai-sentinel-token': token(id),
          'oai-device-id': 'dev-1234-abcd',
        },
        body: JSON.stringify({ kind: 'video', prompt: 'x', orientation: 'landscape', n_frames: 300 }),
      });
    expect((await send('dev-1234-abcd')).status).toBe(200);
    // page_only takes a page token without the device id too; strict mode does not.
    expect((await send('abc')).status).toBe(200);
    sim.control.setConfig({ sentinelMode: 'strict' });
    expect((await send('abc')).status).toBe(400);
    expect((await send('dev-1234-abcd')).status).toBe(200);
    expect(sim.control.log({ path: '/backend/nf/create' }).map((e) => e.sentinelSource)).toEqual([
      'random',
      'page',
      'page_no_device',
      'page_no_device',
      'page',
    ]);
  });

  it('ends blocked prompts as policy-violation drafts, optionally failed in pending first', async () => {
    const { sim, json, create } = setup({ variants: { policyFailedFirst: true } });
    sim.control.setPolicy({ blocked: ['forbidden'] });
    const { id } = (await (await create({ prompt: 'something FORBIDDEN here' })).json()) as { id: string };
    sim.clock.advance(60_000);
    const pending = await json<{ id: string; status: string; failure_reason: string }[]>('/nf/pending/v2');
    expect(pending.find((p) => p.id === id)).toMatchObject({
      status: 'failed',
      failure_reason: expect.any(String),
    });
    sim.clock.advance(10_000);
    expect(await json('/nf/pending/v2')).toEqual([]);
    const d = (await json<{ items: Draft[] }>('/project_y/profile/drafts/v2')).items[0];
    expect(d).toMatchObject({ task_id: id, kind: 'sora_content_violation', url: null });
    expect(d?.reason_str).toBeTruthy();
    expect(d?.markdown_reason_str).toBeTruthy();
  });
});

describe('faults', () => {
  it('answers each kind with its status and code, honours times/after and can be cleared', async () => {
    const { sim, api } = setup();
    sim.control.addFault({ path: '/backend/nf/check', kind: 'heavy_load', after: 1, times: 1 });
    expect((await api('/nf/check')).status).toBe(200);
    const heavy = await api('/nf/check');
    expect(heavy.status).toBe(503);
    expect(await errorOf(heavy)).toMatchObject({
      code: 'heavy_load',
      message: "We're under heavy load, please try again later.",
    });
    expect((await api('/nf/check')).status).toBe(200);

    const cases: [string, number, string | null][] = [
      ['token_expired', 401, 'token_expired'],
      ['token_invalidated', 401, 'token_invalidated'],
      ['sentinel_block', 400, 'sentinel_block'],
      ['too_many_concurrent', 429, 'too_many_concurrent_tasks'],
      ['rate_limit_exhausted', 429, 'rate_limit_exhausted'],
      ['rate_limited', 429, 'rate_limited'],
      ['server_error', 500, null],
      ['unsupported_country', 403, 'unsupported_country_code'],
    ];
    for (const [kind, status, code] of cases) {
      sim.control.clearFaults();
      sim.control.addFault({ method: 'GET', path: '/backend/*', kind: kind as 'status' });
      const r = await api('/me');
      expect([kind, r.status]).toEqual([kind, status]);
      const e = await errorOf(r);
      expect([kind, e.code]).toEqual([kind, code]);
      if (kind === 'unsupported_country') expect(e).toMatchObject({ param: 'XX' });
      if (kind === 'rate_limited') expect(r.headers.get('retry-after')).toBe('30');
    }
    sim.control.clearFaults();
    sim.control.addFault({ path: '/backend/me', kind: 'status', status: 418, code: 'teapot' });
    const teapot = await api('/me');
    expect([teapot.status, (await errorOf(teapot)).code]).toEqual([418, 'teapot']);

    sim.control.clearFaults();
    sim.control.addFault({ path: '/backend/me', kind: 'cloudflare' });
    const cf = await api('/me');
    expect(cf.status).toBe(403);
    expect(cf.headers.get('cf-mitigated')).toBe('challenge');
    expect(await cf.text()).toMatch(/Just a moment/);

    sim.control.clearFaults();
    sim.control.addFault({ path: '/backend/me', kind: 'malformed_json' });
    await expect((await api('/me')).json()).rejects.toThrow();
    sim.control.clearFaults();
    expect((await api('/me')).status).toBe(200);
    const log = sim.control.log({ path: '/backend/me' });
    expect(log.filter((e) => e.fault).length).toBeGreaterThan(5);
    expect(sim.control.stats().faultsTriggered).toBeGreaterThan(5);
  });

  it('fails a seeded share of backend calls at random, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const { sim, api } = setup({
        randomFaults: { rate: 0.2, seed, kinds: ['heavy_load', 'server_error'] },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) statuses.push((await api('/nf/check')).status);
      // Pages and media are not backend calls: untouched by the default path.
      for (let i = 0; i < 50; i++) expect((await sim.fetch(`${SORA}/`)).status).toBe(200);
      return { statuses, stats: sim.control.stats() };
    };
    const a = await run(5);
    const failed = a.statuses.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(300 * 0.1);
    expect(failed.length).toBeLessThan(300 * 0.3);
    expect(new Set(failed)).toEqual(new Set([503, 500]));
    expect(a.stats.randomFaultsByKind).toEqual({
      heavy_load: failed.filter((s) => s === 503).length,
      server_error: failed.filter((s) => s === 500).length,
    });
    expect(a.stats.faultsTriggered).toBe(failed.length);
    expect((await run(5)).statuses).toEqual(a.statuses);
    expect((await run(6)).statuses).not.toEqual(a.statuses);
  });

  it('draws random faults from every real-failure kind by default, and refuses bad settings', async () => {
    const { sim, api } = setup({ randomFaults: { rate: 1, seed: 3, path: '/backend/me' } });
    for (let i = 0; i < 200; i++) {
      // `hang` answers only the abort; the other kinds answer or reject at once.
      await api('/me', { signal: AbortSignal.timeout(5) }).catch(() => null);
    }
    expect((await api('/nf/check')).status).toBe(200);
    const kinds = Object.keys(sim.control.stats().randomFaultsByKind).sort();
    expect(kinds).toEqual(
      [
        'answer_lost',
        'cloudflare',
        'drop',
        'hang',
        'heavy_load',
        'malformed_json',
        'rate_limit_exhausted',
        'rate_limited',
        'sentinel_block',
        'server_error',
        'token_expired',
        'token_invalidated',
        'too_many_concurrent',
        'unsupported_country',
      ].sort(),
    );
    expect(() => sim.control.setConfig({ randomFaults: { rate: 2, seed: 1 } })).toThrow(/rate/);
    expect(() =>
      sim.control.setConfig({ randomFaults: { rate: 0.1, seed: 1, kinds: ['delay' as 'drop'] } }),
    ).toThrow(/kinds/);
    sim.control.setConfig({ randomFaults: null });
    expect((await api('/me')).status).toBe(200);
  }, 20_000);

  it('drops the connection (fetch rejects) and hangs until aborted', async () => {
    const { sim, api } = setup();
    sim.control.addFault({ path: '/backend/nf/pending/v2', kind: 'drop', times: 1 });
    const dropped = await api('/nf/pending/v2').catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(TypeError);
    expect(isSimDrop(dropped)).toBe(true);
    expect((dropped as Error).message).toBe('fetch failed');
    expect((await api('/nf/pending/v2')).status).toBe(200);

    sim.control.addFault({ path: '/backend/nf/check', kind: 'hang' });
    const ac = new AbortController();
    const hung = api('/nf/check', { signal: ac.signal });
    ac.abort();
    await expect(hung).rejects.toThrow();
    const released = api('/nf/check').catch((e: unknown) => e);
    // Yield (no timer) until the request has reached the hang, so clearing the faults releases it.
    for (let i = 0; i < 100 && !sim.control.log().some((e) => e.outcome === 'pending'); i++) {
      await new Promise((r) => setImmediate(r));
    }
    sim.control.clearFaults();
    expect(isSimDrop(await released)).toBe(true);
    expect(sim.control.log({ path: '/backend/nf/*' }).map((e) => e.outcome)).toEqual([
      'dropped',
      'response',
      'aborted',
      'dropped',
    ]);
  });

  it('targets one request by its body: a prompt among creates on the same path', async () => {
    const { sim, create } = setup();
    sim.control.addFault({ path: '/backend/nf/create', bodyIncludes: 'boat #2', kind: 'heavy_load' });
    expect((await create({ prompt: 'a boat #1' })).status).toBe(200);
    expect((await create({ prompt: 'a boat #2' })).status).toBe(503);
    expect((await create({ prompt: 'a boat #3' })).status).toBe(200);
    expect(sim.control.faults()[0]).toMatchObject({ matched: 1, triggered: 1 });
    expect(() => sim.control.addFault({ path: '/x', kind: 'drop', bodyIncludes: '' })).toThrow(
      /bodyIncludes/,
    );
  });

  it('answer_lost: the backend does the work, then the connection drops before the answer', async () => {
    const { sim, create } = setup();
    sim.control.addFault({ path: '/backend/nf/create', kind: 'answer_lost', times: 1 });
    const lost = await create({ prompt: 'a lost answer' }).catch((e: unknown) => e);
    expect(isSimDrop(lost)).toBe(true);
    // The task exists: a blind retry would create a second one.
    expect(sim.control.state().videoTasks).toHaveLength(1);
    const [entry] = sim.control.log({ path: '/backend/nf/create' });
    expect(entry).toMatchObject({ status: 200, outcome: 'dropped', fault: { kind: 'answer_lost' } });
    expect(reachedBackend(entry as LogEntry)).toBe(true);
    expect((await create({ prompt: 'answered' })).status).toBe(200);
    expect(sim.control.state().videoTasks).toHaveLength(2);
  });

  it('is reachable over the control API on any host', async () => {
    const { sim, api } = setup();
    const add = await sim.fetch('https://127.0.0.1:8443/__sim/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/backend/nf/check', kind: 'status', status: 502 }),
    });
    expect(await add.json()).toMatchObject({ id: expect.any(String), kind: 'status' });
    expect((await api('/nf/check')).status).toBe(502);
    await sim.fetch(`${SORA}/__sim/faults`, { method: 'DELETE' });
    expect((await api('/nf/check')).status).toBe(200);
    const bad = await sim.fetch('https://localhost/__sim/faults', {
      method: 'POST',
      body: '{"path":"x","kind":"nope"}',
    });
    expect(bad.status).toBe(400);
    const clock = await sim.fetch('https://localhost/__sim/clock', {
      method: 'POST',
      body: '{"advanceMs":5000}',
    });
    expect(((await clock.json()) as { now: number }).now).toBe(sim.clock.now());
    const state = (await (await sim.fetch('https://127.0.0.1/__sim/state')).json()) as {
      seededPostIds: string[];
    };
    expect(state.seededPostIds).toHaveLength(4);
  });
});

describe('media, posts and images', () => {
  async function finishedDraft(h: Harness): Promise<Draft> {
    await h.create({ prompt: 'a red kite' });
    h.sim.clock.advance(60_000);
    const d = (await h.json<{ items: Draft[] }>('/project_y/profile/drafts/v2')).items[0];
    if (!d) throw new Error('no draft');
    return d;
  }

  it('serves signed media: watermarked draft, ranges, expiry, bad signature, unknown', async () => {
    const h = setup();
    const d = await finishedDraft(h);
    const res = await h.sim.fetch(d.url ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('x-sim-watermark')).toBe('present');
    expect(same(await bytes(res), loadFixture('video-wm-landscape.mp4'))).toBe(true);

    const part = await h.sim.fetch(d.url ?? '', { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(
      `bytes 0-99/${loadFixture('video-wm-landscape.mp4').length}`,
    );
    expect((await bytes(part)).length).toBe(100);

    const tampered = (d.url ?? '').replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await h.sim.fetch(tampered)).status).toBe(403);
    expect((await h.sim.fetch('https://videos.openai.com/vg-assets/nothing.mp4?se=x&sig=y')).status).toBe(
      404,
    );
    h.sim.clock.advance(3 * 86_400_000 + 1000);
    expect((await h.sim.fetch(d.url ?? '')).status).toBe(403);
  });

  it('publishes (unlisted), exposes a clean source, reads and deletes the post', async () => {
    const h = setup();
    const d = await finishedDraft(h);
    const publish = (extra: object, headers: Record<string, string> = SENTINEL) =>
      h.api('/project_y/post', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          attachments_to_create: [{ generation_id: d.id, kind: 'sora' }],
          post_text: '',
          ...extra,
        }),
      });
    expect((await publish({}, {})).status).toBe(400);
    const created = (await (await publish({ destinations: [{ type: 'shared_link_unlisted' }] })).json()) as {
      post: { id: string; permalink: string };
    };
    expect(created.post.id).toMatch(/^s_[0-9a-f]{32}$/);
    expect(created.post.permalink).toBe(`https://sora.chatgpt.com/p/${created.post.id}`);

    type Post = {
      post: {
        attachments: {
          generation_id: string;
          downloadable_url: string;
          encodings: { source: { path: string } };
        }[];
      };
    };
    const got = await h.json<Post>(`/project_y/post/${created.post.id}`);
    const att = got.post.attachments[0];
    expect(att?.generation_id).toBe(d.id);
    const clean = await h.sim.fetch(att?.encodings.source.path ?? '');
    expect(clean.headers.get('x-sim-watermark')).toBe('none');
    const cleanBytes = await bytes(clean);
    expect(same(cleanBytes, loadFixture('video-clean-landscape.mp4'))).toBe(true);
    expect(same(cleanBytes, loadFixture('video-wm-landscape.mp4'))).toBe(false);
    expect((await h.sim.fetch(att?.downloadable_url ?? '')).headers.get('x-sim-watermark')).toBe('none');

    const page = await h.sim.fetch(`${SORA}/p/${created.post.id}`);
    expect(await page.text()).toContain('<video');
    expect((await h.api(`/project_y/post/${created.post.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await h.api(`/project_y/post/${created.post.id}`)).status).toBe(404);
    expect(
      (await publish({ attachments_to_create: [{ generation_id: 'gen_nope', kind: 'sora' }] })).status,
    ).toBe(404);
  });

  it('serves a feed with linked cards and one card identified only by data-post-id', async () => {
    const { sim } = setup();
    const html = await (await sim.fetch(`${SORA}/`)).text();
    const ids = sim.state.seededPostIds;
    expect(html.match(/<a class="post-link" href="\/p\/s_[0-9a-f]{32}"><video/g)?.length).toBe(
      ids.length - 1,
    );
    expect(html).toMatch(
      /<article class="card" data-post-id="s_[0-9a-f]{32}"><div class="media"><div class="player">\n<video/,
    );
  });

  it('uploads images, generates images through recent_tasks, rejects other files', async () => {
    const h = setup({ variants: { imageUrlDelaySec: 2 } });
    const upload = (file: Blob, name: string) => {
      const form = new FormData();
      form.append('file', file, name);
      form.append('file_name', name);
      return h.api('/uploads', { method: 'POST', body: form });
    };
    const up = (await (
      await upload(new Blob([loadFixture('image.png')], { type: 'image/png' }), 'a.png')
    ).json()) as {
      id: string;
    };
    expect(up.id).toMatch(/^upload_/);
    expect((await upload(new Blob(['hello'], { type: 'text/plain' }), 'a.txt')).status).toBe(400);
    h.sim.control.setConfig({ uploadMaxBytes: 100 });
    expect((await upload(new Blob([loadFixture('image.png')], { type: 'image/png' }), 'a.png')).status).toBe(
      400,
    );

    const gen = await h.api('/video_gen', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SENTINEL },
      body: JSON.stringify({
        type: 'image_gen',
        operation: 'remix',
        prompt: 'a fox',
        width: 360,
        height: 540,
        n_variants: 2,
        n_frames: 1,
        inpaint_items: [{ type: 'image', frame_index: 0, upload_media_id: up.id }],
      }),
    });
    const { id } = (await gen.json()) as { id: string };
    type Recent = {
      task_responses: { id: string; status: string; generations: { id: string; url: string | null }[] }[];
    };
    const status = async () =>
      (await h.json<Recent>('/v2/recent_tasks?limit=5')).task_responses.find((t) => t.id === id);
    expect((await status())?.status).toBe('queued');
    h.sim.clock.advance(3000);
    expect((await status())?.status).toBe('running');
    h.sim.clock.advance(12_000);
    const done = await status();
    expect(done?.status).toBe('succeeded');
    expect(done?.generations.map((g) => g.url)).toEqual([null, null]);
    h.sim.clock.advance(2000);
    const ready = await status();
    expect(ready?.generations[0]?.id).toMatch(/^gen_/);
    const img = await h.sim.fetch(ready?.generations[0]?.url ?? '');
    expect(img.headers.get('content-type')).toMatch(/^image\//);
  });
});

describe('characters', () => {
  it('runs upload → in_progress → file upload → finalize → visibility → delete', async () => {
    const h = setup();
    const form = new FormData();
    form.append('file', new Blob([loadFixture('video-noaudio.mp4')], { type: 'video/mp4' }), 'me.mp4');
    form.append('timestamps', '0,3');
    const { id } = (await (await h.api('/characters/upload', { method: 'POST', body: form })).json()) as {
      id: string;
    };
    expect(id).toMatch(/^cameo_/);

    type Progress = {
      status: string;
      status_message: string | null;
      profile_asset_url: string | null;
      username_hint: string | null;
    };
    const statuses: string[] = [];
    let done: Progress | undefined;
    for (let i = 0; i < 40 && !done; i++) {
      const p = await h.json<Progress>(`/project_y/cameos/in_progress/${id}`);
      if (statuses[statuses.length - 1] !== p.status) statuses.push(p.status);
      if (p.profile_asset_url) done = p;
      h.sim.clock.advance(1000);
    }
    expect(statuses).toEqual(['uploading', 'processing', 'generating_profile', 'finalized']);
    const profile = await h.sim.fetch(done?.profile_asset_url ?? '');
    expect(profile.headers.get('content-type')).toBe('image/webp');

    const file = new FormData();
    file.append('file', new Blob([await profile.arrayBuffer()], { type: 'image/webp' }), 'profile.webp');
    file.append('use_case', 'profile');
    const { asset_pointer } = (await (
      await h.api('/project_y/file/upload', { method: 'POST', body: file })
    ).json()) as {
      asset_pointer: string;
    };
    expect(asset_pointer).toMatch(/^sediment:\/\/file_/);

    const finalize = await h.api('/characters/finalize', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        cameo_id: id,
        username: 'ada.cameo',
        display_name: 'Ada',
        profile_asset_pointer: asset_pointer,
        instruction_set: null,
        safety_instruction_set: null,
      }),
    });
    const { character } = (await finalize.json()) as { character: { character_id: string } };
    expect(character.character_id).toMatch(/^ch_[0-9a-f]{32}$/);
    const vis = await h.api(`/project_y/cameos/by_id/${id}/update_v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visibility: 'public' }),
    });
    expect(vis.status).toBe(200);
    expect((await h.create({ prompt: '@ada.cameo waves', cameo_ids: [character.character_id] })).status).toBe(
      200,
    );
    expect(
      (await h.api(`/project_y/characters/${character.character_id}`, { method: 'DELETE' })).status,
    ).toBe(200);
    expect(
      (await h.api(`/project_y/characters/${character.character_id}`, { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('can make cameos fail or stall', async () => {
    const h = setup({ variants: { cameoDone: 'completed_message' } });
    const start = async () => {
      const form = new FormData();
      form.append('file', new Blob([loadFixture('video-noaudio.mp4')], { type: 'video/mp4' }), 'me.mp4');
      form.append('timestamps', '1,4');
      return (
        (await (await h.api('/characters/upload', { method: 'POST', body: form })).json()) as { id: string }
      ).id;
    };
    h.sim.control.setCameoOutcome({ outcome: 'fail' });
    const failing = await start();
    h.sim.control.setCameoOutcome({ outcome: 'normal' });
    const normal = await start();
    const stalled = await start();
    h.sim.control.setCameoOutcome({ id: stalled, outcome: 'stall' });
    h.sim.clock.advance(600_000);
    const view = (id: string) =>
      h.json<{ status: string; status_message: string | null }>(`/project_y/cameos/in_progress/${id}`);
    expect((await view(failing)).status).toBe('failed');
    expect(await view(normal)).toMatchObject({ status_message: 'Completed' });
    expect((await view(stalled)).status).toBe('processing');
  });
});

describe('variants, log and reset', () => {
  it('draws random variants deterministically from a seed', async () => {
    const shapes = async () => {
      const h = setup({ seed: 3, randomVariants: { seed: 99 } });
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        out.push(
          Object.keys(await (await h.create()).json())
            .sort()
            .join(','),
        );
        h.sim.clock.advance(60_000);
      }
      return out;
    };
    const a = await shapes();
    expect(await shapes()).toEqual(a);
    expect(a.every((s) => s.split(',').includes('id'))).toBe(true);
  });

  it('logs multipart summaries, device ids and users; reset restores the initial state', async () => {
    const h = setup();
    const form = new FormData();
    form.append('file', new Blob([loadFixture('image.webp')], { type: 'image/webp' }), 'x.webp');
    form.append('file_name', 'x.webp');
    await h.api('/uploads', { method: 'POST', body: form, headers: { 'oai-device-id': 'dev-1' } });
    const e = h.sim.control.log({ path: '/backend/uploads' })[0];
    expect(e).toMatchObject({
      method: 'POST',
      host: 'sora.chatgpt.com',
      status: 200,
      user: EMAIL,
      deviceId: 'dev-1',
      multipart: {
        fields: { file_name: 'x.webp' },
        files: [{ field: 'file', name: 'x.webp', type: 'image/webp' }],
      },
    });
    expect(h.sim.control.stats().byRoute['POST sora.chatgpt.com/backend/uploads']).toBe(1);
    h.sim.control.reset();
    expect(h.sim.control.log()).toEqual([]);
    expect(h.sim.state.uploads.size).toBe(0);
    expect(h.sim.state.seededPostIds).toHaveLength(4);
    expect((await h.api('/me')).status).toBe(401);
  });
});
