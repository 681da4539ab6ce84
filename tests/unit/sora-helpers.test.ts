import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { getSubscriptions, parseEndTs, summarizePlan } from '../../lib/sora/endpoints/account';
import { toCameoStatus } from '../../lib/sora/endpoints/characters';
import { buildImageBody } from '../../lib/sora/endpoints/image';
import { publishPost } from '../../lib/sora/endpoints/posts';
import { exchangeRefreshToken, fetchSession } from '../../lib/sora/endpoints/session';
import { buildStoryboardBody, buildVideoBody, getDrafts } from '../../lib/sora/endpoints/video';
import { SoraError } from '../../lib/sora/errors';
import { createSoraHttp, type FetchFn } from '../../lib/sora/http';
import {
  bestMediaUrl,
  classifyDraft,
  findAttachment,
  postThumbnailUrl,
  thumbnailUrl,
} from '../../lib/sora/media';
import {
  estimatedCost,
  frameCount,
  isProPlan,
  requiresPro,
  STYLE_IDS,
  secondsFromFrames,
  toQuotaSnapshot,
} from '../../lib/sora/quota';
import { DraftItemSchema } from '../../lib/sora/schemas';

const POST = 's_690d100857248191b679e6de12db840e';
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function stubHttp(handler: (req: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = vi.fn<FetchFn>(async (input, init) => {
    const req = new Request(input, init);
    requests.push(req);
    return handler(req);
  });
  const http = createSoraHttp({
    fetch,
    getAccessToken: async () => 'at',
    sentinel: { token: async () => 'sentinel' },
  });
  return { http, requests, fetch };
}

describe('quota helpers', () => {
  it('converts seconds and frames', () => {
    expect([5, 10, 15, 25].map(frameCount)).toEqual([150, 300, 450, 750]);
    expect(secondsFromFrames(450)).toBe(15);
    expect(estimatedCost(300)).toBe(1);
    expect(estimatedCost(450)).toBe(2);
    expect(estimatedCost(750)).toBe(4);
    expect(STYLE_IDS).toHaveLength(10);
  });

  it('knows what needs Pro', () => {
    expect(isProPlan('chatgpt_pro')).toBe(true);
    expect(isProPlan('chatgpt_plus')).toBe(false);
    expect(isProPlan(undefined)).toBe(false);
    expect(requiresPro({ model: 'sy_8', size: 'small', nFrames: 450 })).toBe(false);
    expect(requiresPro({ model: 'sy_ore' })).toBe(true);
    expect(requiresPro({ size: 'large' })).toBe(true);
    expect(requiresPro({ nFrames: 750 })).toBe(true);
  });

  it('turns the allowance into a snapshot', () => {
    expect(
      toQuotaSnapshot(
        { estimated_num_videos_remaining: 27, rate_limit_reached: false, access_resets_in_seconds: 60 },
        1000,
      ),
    ).toEqual({ remaining: 27, rateLimitReached: false, resetsAt: 61_000 });
    expect(toQuotaSnapshot({ estimated_num_videos_remaining: 0 }, 0)).toEqual({
      remaining: 0,
      rateLimitReached: true,
    });
  });
});

describe('plan summary', () => {
  it('reads end_ts as text or number and prefers Pro', () => {
    expect(parseEndTs('2025-11-13T16:58:21Z')).toBe(Date.parse('2025-11-13T16:58:21Z'));
    expect(parseEndTs(1_763_053_101)).toBe(1_763_053_101_000);
    expect(parseEndTs(1_763_053_101_000)).toBe(1_763_053_101_000);
    expect(parseEndTs('1763053101')).toBe(1_763_053_101_000);
    expect(parseEndTs('nope')).toBeUndefined();
    expect(summarizePlan({ data: [] })).toBeNull();
    expect(summarizePlan({})).toBeNull();
    expect(
      summarizePlan({
        data: [
          { plan: { id: 'chatgpt_plus', title: 'ChatGPT Plus' }, end_ts: 1 },
          { plan: { id: 'chatgpt_pro', title: 'ChatGPT Pro' }, end_ts: '2030-01-01T00:00:00Z' },
        ],
      }),
    ).toEqual({
      id: 'chatgpt_pro',
      title: 'ChatGPT Pro',
      isPro: true,
      endsAt: Date.parse('2030-01-01T00:00:00Z'),
    });
  });

  it('accepts both end_ts forms through the schema', async () => {
    const { http } = stubHttp(() =>
      json({ data: [{ plan: { id: 'chatgpt_plus', title: 'Plus' }, end_ts: 1_700_000_000 }] }),
    );
    const res = await getSubscriptions(http);
    expect(summarizePlan(res)?.endsAt).toBe(1_700_000_000_000);
  });
});

describe('media helpers', () => {
  const draft = (o: Record<string, unknown>) => v.parse(DraftItemSchema, { id: 'gen_1', ...o });

  it('prefers the clean source, then downloadable_url, then url', () => {
    expect(bestMediaUrl({ url: 'u', downloadable_url: 'd', encodings: { source: { path: 's' } } })).toBe('s');
    expect(bestMediaUrl({ url: 'u', downloadable_url: 'd', encodings: { source: { path: '' } } })).toBe('d');
    expect(bestMediaUrl({ url: 'u', downloadable_url: null })).toBe('u');
    expect(bestMediaUrl({})).toBeUndefined();
    expect(thumbnailUrl({ encodings: { thumbnail: { path: 't' } } })).toBe('t');
  });

  it('classifies drafts', () => {
    expect(
      classifyDraft(draft({ kind: 'sora_draft', url: 'u', encodings: { thumbnail: { path: 't' } } })),
    ).toEqual({
      state: 'ready',
      url: 'u',
      thumbnailUrl: 't',
    });
    expect(classifyDraft(draft({ kind: 'sora_draft', url: null }))).toEqual({ state: 'no_url_yet' });
    expect(classifyDraft(draft({ kind: 'sora_content_violation', reason_str: 'Nope' }))).toEqual({
      state: 'violation',
      reason: 'Nope',
    });
    expect(classifyDraft(draft({ kind: 'sora_draft', reason_str: 'Policy', url: 'u' }))).toEqual({
      state: 'violation',
      reason: 'Policy',
    });
    expect(classifyDraft(draft({ kind: 'sora_content_violation' }))).toEqual({ state: 'violation' });
    expect(classifyDraft(draft({ kind: 'sora_error', error_reason: 'Internal' }))).toEqual({
      state: 'failed',
      reason: 'Internal',
    });
    expect(classifyDraft(draft({ kind: 'sora_error' }))).toEqual({ state: 'failed' });
  });

  it('finds attachments and thumbnails of posts', () => {
    const post = {
      preview_image_url: null,
      attachments: [
        { generation_id: 'gen_a', encodings: { thumbnail: { path: 'ta' } } },
        { generation_id: 'gen_b', url: 'ub' },
      ],
    };
    expect(findAttachment(post, 'gen_b')?.url).toBe('ub');
    expect(findAttachment(post)?.generation_id).toBe('gen_a');
    expect(findAttachment({ attachments: null })).toBeUndefined();
    expect(postThumbnailUrl(post)).toBe('ta');
  });
});

describe('request bodies', () => {
  it('text-to-video matches the reference', () => {
    expect(buildVideoBody({ prompt: 'A cat dancing', nFrames: 450 })).toEqual({
      kind: 'video',
      prompt: 'A cat dancing',
      orientation: 'landscape',
      size: 'small',
      n_frames: 450,
      model: 'sy_8',
      inpaint_items: [],
      style_id: null,
    });
  });

  it('image-to-video and remix', () => {
    expect(buildVideoBody({ prompt: 'p', uploadId: 'upload_1', styleId: 'anime' })).toMatchObject({
      inpaint_items: [{ kind: 'upload', upload_id: 'upload_1' }],
      style_id: 'anime',
    });
    expect(
      buildVideoBody({
        prompt: 'p',
        remixTargetId: `https://sora.chatgpt.com/p/${POST}?x=1`,
        orientation: 'portrait',
      }),
    ).toMatchObject({
      remix_target_id: POST,
      cameo_ids: [],
      cameo_replacements: {},
      orientation: 'portrait',
    });
    expect(() => buildVideoBody({ prompt: 'p', remixTargetId: 'nope' })).toThrowError(SoraError);
    expect(() => buildVideoBody({ prompt: '  ' })).toThrowError(/prompt/i);
    expect(() => buildVideoBody({ prompt: 'p', nFrames: 0 })).toThrowError(SoraError);
  });

  it('storyboard keeps the null fields', () => {
    const body = buildStoryboardBody({ prompt: 'Shot 1:\nduration: 5.0sec\nScene: x', nFrames: 150 });
    expect(body).toEqual({
      kind: 'video',
      prompt: 'Shot 1:\nduration: 5.0sec\nScene: x',
      title: 'Draft your video',
      orientation: 'landscape',
      size: 'small',
      n_frames: 150,
      storyboard_id: null,
      inpaint_items: [],
      remix_target_id: null,
      model: 'sy_8',
      metadata: null,
      style_id: null,
      cameo_ids: null,
      cameo_replacements: null,
      audio_caption: null,
      audio_transcript: null,
      video_caption: null,
    });
    expect(JSON.parse(JSON.stringify(body))).toHaveProperty('video_caption', null);
  });

  it('images', () => {
    expect(buildImageBody({ prompt: 'sunset' })).toEqual({
      type: 'image_gen',
      operation: 'simple_compose',
      prompt: 'sunset',
      width: 360,
      height: 360,
      n_variants: 1,
      n_frames: 1,
      inpaint_items: [],
    });
    expect(buildImageBody({ prompt: 'x', uploadMediaId: 'm1', width: 540, height: 360 })).toMatchObject({
      operation: 'remix',
      width: 540,
      inpaint_items: [{ type: 'image', frame_index: 0, upload_media_id: 'm1' }],
    });
  });
});

describe('cameo status', () => {
  it.each([
    [{ status: 'finalized' }, 'ready'],
    [{ status: 'processing', status_message: 'Completed' }, 'ready'],
    [{ status: 'processing', profile_asset_url: 'https://videos.openai.com/p.webp' }, 'ready'],
    [{ status: 'failed', profile_asset_url: 'x' }, 'failed'],
    [{ status: 'error' }, 'failed'],
    [{ status: 'generating_profile' }, 'processing'],
    [{}, 'processing'],
  ])('%o → %s', (raw, state) => {
    expect(toCameoStatus(raw).state).toBe(state);
  });
});

describe('fallbacks', () => {
  it('drafts: v2 404 → legacy, remembered per http core', async () => {
    const t = stubHttp((req) =>
      new URL(req.url).pathname.endsWith('/v2')
        ? json({ error: { message: 'nf' } }, 404)
        : json({ items: [], cursor: null }),
    );
    await expect(getDrafts(t.http, { limit: 5 })).resolves.toEqual({ items: [], cursor: null });
    await getDrafts(t.http, { limit: 5, cursor: 'c1' });
    expect(t.requests.map((r) => new URL(r.url).pathname + new URL(r.url).search)).toEqual([
      '/backend/project_y/profile/drafts/v2?limit=5',
      '/backend/project_y/profile/drafts?limit=5',
      '/backend/project_y/profile/drafts?limit=5&cursor=c1',
    ]);
    const other = stubHttp(() => json({ items: [] }));
    await getDrafts(other.http, { limit: 1 });
    expect(new URL(other.requests[0]!.url).pathname).toBe('/backend/project_y/profile/drafts/v2');
  });

  it('publish: destinations refused → plain form; other errors pass', async () => {
    const t = stubHttp(async (req) => {
      const body = (await req.json()) as Record<string, unknown>;
      return body.destinations
        ? json({ error: { message: 'unknown field' } }, 400)
        : json({ post: { id: POST } });
    });
    await expect(publishPost(t.http, { generationId: 'gen_1' })).resolves.toMatchObject({
      post: { id: POST },
    });
    expect(t.requests).toHaveLength(2);
    expect(t.requests[1]!.headers.get('openai-sentinel-token')).toBe('sentinel');
    const u = stubHttp(() => json({ error: { message: 'x' } }, 500));
    await expect(publishPost(u.http, { generationId: 'gen_1' })).rejects.toMatchObject({
      code: 'server_error',
    });
    expect(u.requests).toHaveLength(1);
  });
});

describe('session and oauth', () => {
  it('reads the session, {} when logged out, 401 as logged out', async () => {
    const fetch = vi
      .fn<FetchFn>()
      .mockResolvedValueOnce(
        json({ accessToken: 'at', user: { email: 'a@b.c', name: null }, expires: '2026-04-01' }),
      )
      .mockResolvedValueOnce(json({}))
      .mockResolvedValueOnce(json({ error: 'unauthorized' }, 401));
    await expect(fetchSession(fetch, { cookieHeader: 'a=b' })).resolves.toEqual({
      accessToken: 'at',
      user: { email: 'a@b.c' },
      expires: '2026-04-01',
    });
    const init = fetch.mock.calls[0]?.[1];
    expect(init?.credentials).toBe('include');
    expect(new Headers(init?.headers).get('cookie')).toBe('a=b');
    await expect(fetchSession(fetch)).resolves.toEqual({});
    await expect(fetchSession(fetch)).resolves.toEqual({});
  });

  it('maps a Cloudflare page on the session', async () => {
    const fetch = vi.fn<FetchFn>(
      async () => new Response('<title>Just a moment...</title>', { status: 403 }),
    );
    await expect(fetchSession(fetch)).rejects.toMatchObject({ code: 'cloudflare_challenge' });
  });

  it('exchanges a refresh token', async () => {
    const fetch = vi
      .fn<FetchFn>()
      .mockResolvedValueOnce(json({ access_token: 'at2', refresh_token: 'rt2', expires_in: 3600 }))
      .mockResolvedValueOnce(json({ error: 'invalid_grant', error_description: 'Bad rt-secret' }, 400));
    await expect(exchangeRefreshToken(fetch, 'rt-secret')).resolves.toEqual({
      accessToken: 'at2',
      refreshToken: 'rt2',
      expiresIn: 3600,
    });
    const req = new Request('https://x', fetch.mock.calls[0]?.[1]);
    expect(fetch.mock.calls[0]?.[0]).toBe('https://auth.openai.com/oauth/token');
    expect(await req.json()).toEqual({
      client_id: 'app_LlGpXReQgckcGGUo2JrYvtJK',
      grant_type: 'refresh_token',
      redirect_uri: 'com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback',
      refresh_token: 'rt-secret',
    });
    const e = await exchangeRefreshToken(fetch, 'rt-secret').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'auth_expired' });
    expect((e as Error).message).not.toContain('rt-secret');
  });
});
