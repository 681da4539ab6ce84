import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BACKEND_BASE } from '../../lib/sora/config';
import { parseRetryAfter } from '../../lib/sora/error-map';
import { SoraError } from '../../lib/sora/errors';
import { createSoraHttp, type FetchFn, type GetAccessTokenOptions } from '../../lib/sora/http';
import { AnyBodySchema } from '../../lib/sora/schemas';
import type { SentinelFlow } from '../../lib/sora/sentinel';
import { failure } from './harness/failure';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.first-SECRET-token.sig';
const TOKEN2 = 'eyJhbGciOiJSUzI1NiJ9.second-SECRET-token.sig';
const NOW = Date.parse('2026-01-10T12:00:00Z');

type Reply = Response | ((req: Request) => Response | Promise<Response>);

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const envelope = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  json({ error: { type: 'invalid_request_error', param: null, ...error } }, status, headers);

interface SetupOptions {
  deviceId?: string | undefined;
  noDeviceFn?: boolean;
  timeoutMs?: number | (() => number | Promise<number>);
  getAccessToken?: (opts?: GetAccessTokenOptions) => Promise<string>;
}

function setup(replies: Reply[], options: SetupOptions = {}) {
  const queue = [...replies];
  const requests: Request[] = [];
  const inits: RequestInit[] = [];
  const fetch = vi.fn<FetchFn>(async (input, init) => {
    const req = new Request(input, init);
    requests.push(req);
    inits.push(init ?? {});
    const next = queue.shift();
    if (next === undefined) throw new Error('unexpected extra request');
    return typeof next === 'function' ? next(req) : next;
  });
  const getAccessToken = vi.fn(
    options.getAccessToken ?? (async (o?: GetAccessTokenOptions) => (o?.forceRefresh ? TOKEN2 : TOKEN)),
  );
  let n = 0;
  const sentinelToken = vi.fn(async (_flow: SentinelFlow) => `sentinel${++n}`);
  const invalidate = vi.fn();
  const http = createSoraHttp({
    fetch,
    getAccessToken,
    ...(options.noDeviceFn
      ? {}
      : { getDeviceId: async () => ('deviceId' in options ? options.deviceId : 'dev-1') }),
    sentinel: { token: sentinelToken, invalidate },
    now: () => NOW,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { http, fetch, requests, inits, getAccessToken, sentinelToken, invalidate };
}

const Obj = v.looseObject({ ok: v.boolean() });

afterEach(() => {
  vi.useRealTimers();
});

describe('request basics', () => {
  it('sends Bearer and device id, no sentinel by default, and parses the answer', async () => {
    const t = setup([json({ ok: true, extra: 1 })]);
    const out = await t.http.request({
      method: 'GET',
      path: '/nf/check',
      query: { limit: 5, x: undefined },
      schema: Obj,
    });
    expect(out).toEqual({ ok: true, extra: 1 });
    const req = t.requests[0]!;
    expect(req.url).toBe(`${BACKEND_BASE}/nf/check?limit=5`);
    expect(req.method).toBe('GET');
    expect(req.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.get('oai-device-id')).toBe('dev-1');
    expect(req.headers.has('openai-sentinel-token')).toBe(false);
    expect(t.sentinelToken).not.toHaveBeenCalled();
    expect(t.getAccessToken).toHaveBeenCalledTimes(1);
    expect(t.getAccessToken.mock.calls[0]?.[0]).toBeUndefined();
  });

  it('leaves out oai-device-id when no id is known', async () => {
    const a = setup([json({ ok: true })], { deviceId: undefined });
    await a.http.request({ method: 'GET', path: '/me', schema: Obj });
    expect(a.requests[0]!.headers.has('oai-device-id')).toBe(false);
    const b = setup([json({ ok: true })], { noDeviceFn: true });
    await b.http.request({ method: 'GET', path: '/me', schema: Obj });
    expect(b.requests[0]!.headers.has('oai-device-id')).toBe(false);
  });

  it('sends the sentinel token only when asked, with the right flow', async () => {
    const t = setup([json({ ok: true }), json({ ok: true })]);
    await t.http.request({ method: 'POST', path: '/nf/create', json: { a: 1 }, sentinel: true, schema: Obj });
    await t.http.request({
      method: 'POST',
      path: '/project_y/post',
      json: {},
      sentinel: 'sora_2_create_post',
      schema: Obj,
    });
    expect(t.requests[0]!.headers.get('openai-sentinel-token')).toBe('sentinel1');
    expect(t.requests[1]!.headers.get('openai-sentinel-token')).toBe('sentinel2');
    expect(t.sentinelToken.mock.calls.map((c) => c[0])).toEqual(['sora_2_create_task', 'sora_2_create_post']);
    expect(t.requests[0]!.headers.get('content-type')).toBe('application/json');
    expect(await t.requests[0]!.json()).toEqual({ a: 1 });
  });

  it('sends multipart forms, absolute URLs, credentials and extra headers, without letting them override auth', async () => {
    const t = setup([json({ ok: true })]);
    const form = new FormData();
    form.append('file', new Blob(['x'], { type: 'image/png' }), 'a.png');
    await t.http.request({
      method: 'POST',
      path: 'https://sora.chatgpt.com/backend/uploads',
      form,
      credentials: 'include',
      headers: { authorization: 'Bearer nope', 'x-extra': '1' },
      schema: Obj,
    });
    const req = t.requests[0]!;
    expect(req.url).toBe('https://sora.chatgpt.com/backend/uploads');
    expect(req.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.get('x-extra')).toBe('1');
    expect(t.inits[0]!.credentials).toBe('include');
    const got = await req.formData();
    expect(got.get('file')).toBeInstanceOf(Blob);
  });

  it('never sends the access token to a host outside the backend', async () => {
    const t = setup([json({ ok: true })]);
    for (const path of [
      'https://evil.example/backend/me',
      'https://videos.openai.com/x',
      'https://sora.chatgpt.com/api/x',
    ]) {
      await expect(t.http.request({ method: 'GET', path, schema: Obj })).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
    expect(t.requests).toHaveLength(0);
  });

  it('does not set credentials unless asked', async () => {
    const t = setup([json({ ok: true })]);
    await t.http.request({ method: 'GET', path: '/me', schema: Obj });
    expect(t.inits[0]!.credentials).toBeUndefined();
  });

  it('accepts an empty 200 or 204 body where the schema allows it', async () => {
    const t = setup([new Response('', { status: 200 }), new Response(null, { status: 204 })]);
    await expect(
      t.http.request({ method: 'DELETE', path: '/project_y/post/x', schema: AnyBodySchema }),
    ).resolves.toBe(undefined);
    await expect(
      t.http.request({ method: 'DELETE', path: '/project_y/post/x', schema: AnyBodySchema }),
    ).resolves.toBe(undefined);
  });

  it('maps an empty body where an object is needed, malformed JSON and a wrong shape to bad_response', async () => {
    const t = setup([
      new Response(null, { status: 204 }),
      new Response('{"ok": tru', { status: 200 }),
      json({ ok: 'yes' }),
      new Response('<html>hello</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    ]);
    for (let i = 0; i < 3; i++) {
      const e = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
      expect(e.code).toBe('bad_response');
    }
    // A web page where JSON is due is not a garbled answer but a site that is no longer the Sora app
    // (NOTES.md "Service status"; tests/unit/service-status.test.ts has the whole table).
    const page = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    expect(page.code).toBe('service_unavailable');
  });

  it('does not retry transient errors itself', async () => {
    const t = setup([new Response('oops', { status: 502 })]);
    const e = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    expect(e.code).toBe('server_error');
    expect(e.status).toBe(502);
    expect(t.fetch).toHaveBeenCalledTimes(1);
  });
});

describe('error mapping', () => {
  const cases: Array<{ name: string; reply: () => Response; code: string; check?: (e: SoraError) => void }> =
    [
      {
        name: 'unsupported_country_code (403)',
        reply: () =>
          envelope(403, {
            code: 'unsupported_country_code',
            param: 'KP',
            message: 'Country, region, or territory not supported',
          }),
        code: 'unsupported_country',
        check: (e) => expect(e.param).toBe('KP'),
      },
      {
        name: 'unsupported_country_code (400, top-level status)',
        reply: () =>
          json({ status: 400, error: { code: 'unsupported_country_code', param: 'CN', message: 'no' } }, 400),
        code: 'unsupported_country',
        check: (e) => expect(e.param).toBe('CN'),
      },
      {
        name: 'heavy_load code',
        reply: () =>
          envelope(503, { code: 'heavy_load', message: "We're under heavy load, please try again later." }),
        code: 'heavy_load',
      },
      {
        name: 'heavy load message without code (429)',
        reply: () =>
          envelope(429, { code: null, message: "We're under heavy load, please try again later." }),
        code: 'heavy_load',
      },
      {
        name: '429 too_many_concurrent_tasks',
        reply: () =>
          envelope(429, {
            code: 'too_many_concurrent_tasks',
            message: 'You already have 3 generations in progress',
            details: { num_tasks: 3 },
          }),
        code: 'too_many_concurrent',
        check: (e) => {
          expect(e.numTasks).toBe(3);
          expect(e.status).toBe(429);
        },
      },
      {
        name: '429 too_many_concurrent_tasks without details (count from the message)',
        reply: () =>
          envelope(429, {
            code: 'too_many_concurrent_tasks',
            message: 'You already have 2 generations in progress',
          }),
        code: 'too_many_concurrent',
        check: (e) => expect(e.numTasks).toBe(2),
      },
      {
        name: '429 rate_limit_exhausted',
        reply: () => envelope(429, { code: 'rate_limit_exhausted', message: 'Daily limit reached' }),
        code: 'daily_limit',
      },
      {
        name: '429 with retry-after seconds',
        reply: () => envelope(429, { code: 'rate_limited', message: 'slow down' }, { 'retry-after': '30' }),
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBe(30_000),
      },
      {
        name: '429 with retry-after HTTP date',
        reply: () =>
          new Response('Too Many Requests', {
            status: 429,
            headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() },
          }),
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBe(90_000),
      },
      {
        name: '429 without retry-after',
        reply: () => envelope(429, { message: 'slow down' }),
        code: 'rate_limited',
        check: (e) => expect(e.retryAfterMs).toBeUndefined(),
      },
      {
        name: '403 cf-mitigated: challenge',
        reply: () => new Response('', { status: 403, headers: { 'cf-mitigated': 'challenge' } }),
        code: 'cloudflare_challenge',
      },
      {
        name: '403 HTML "Just a moment"',
        reply: () =>
          new Response(
            '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>',
            {
              status: 403,
              headers: { 'content-type': 'text/html' },
            },
          ),
        code: 'cloudflare_challenge',
      },
      {
        name: '503 HTML "Just a moment"',
        reply: () => new Response('<html><title>Just a moment...</title></html>', { status: 503 }),
        code: 'cloudflare_challenge',
      },
      {
        name: 'plain 403',
        reply: () => envelope(403, { message: 'Forbidden resource' }),
        code: 'bad_request',
        check: (e) => expect(e.message).toContain('Forbidden resource'),
      },
      { name: '404', reply: () => envelope(404, { message: 'Not found' }), code: 'not_found' },
      {
        name: '400 other',
        reply: () => envelope(400, { code: 'invalid_prompt', message: 'Prompt too long' }),
        code: 'bad_request',
        check: (e) => {
          expect(e.message).toContain('Prompt too long');
          expect(e.serverCode).toBe('invalid_prompt');
          expect(e.status).toBe(400);
        },
      },
      { name: '422 without body', reply: () => new Response('', { status: 422 }), code: 'bad_request' },
      { name: '500', reply: () => envelope(500, { message: 'Internal error' }), code: 'server_error' },
      {
        name: '502 HTML',
        reply: () => new Response('<html>Bad gateway</html>', { status: 502 }),
        code: 'server_error',
      },
    ];

  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const t = setup([c.reply()]);
      const e = await failure(t.http.request({ method: 'POST', path: '/nf/create', json: {}, schema: Obj }));
      expect(e.code).toBe(c.code);
      c.check?.(e);
      expect(t.fetch).toHaveBeenCalledTimes(1);
      expect(e.message).not.toContain(TOKEN);
    });
  }

  it('parses retry-after forms', () => {
    expect(parseRetryAfter('5', NOW)).toBe(5000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter(new Date(NOW - 10_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe('auth retry', () => {
  const variants: Array<[string, () => Response]> = [
    ['token_expired', () => envelope(401, { code: 'token_expired', message: 'Token expired' })],
    [
      'token_invalidated',
      () =>
        envelope(401, {
          code: 'token_invalidated',
          message: 'Your authentication token has been invalidated.',
        }),
    ],
    [
      'unparsable token',
      () =>
        envelope(401, {
          code: null,
          message: 'Could not parse your authentication token. Please try signing in again.',
        }),
    ],
    [
      'missing bearer',
      () => envelope(401, { code: null, message: 'Missing bearer authentication in header' }),
    ],
    ['bare 401', () => new Response('', { status: 401 })],
  ];

  for (const [name, reply] of variants) {
    it(`${name}: refreshes once with the stale token and retries once`, async () => {
      const t = setup([reply(), json({ ok: true })]);
      await expect(t.http.request({ method: 'GET', path: '/me', schema: Obj })).resolves.toEqual({
        ok: true,
      });
      expect(t.getAccessToken).toHaveBeenCalledTimes(2);
      expect(t.getAccessToken.mock.calls[1]?.[0]).toEqual({ forceRefresh: true, staleToken: TOKEN });
      expect(t.requests[0]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      expect(t.requests[1]!.headers.get('authorization')).toBe(`Bearer ${TOKEN2}`);
    });
  }

  it('a second 401 → auth_expired, with exactly one forced refresh', async () => {
    const t = setup([
      envelope(401, { code: 'token_expired', message: `Token ${TOKEN} expired` }),
      envelope(401, { code: 'token_expired', message: `Token ${TOKEN2} expired` }),
    ]);
    const e = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    expect(e.code).toBe('auth_expired');
    expect(e.status).toBe(401);
    expect(t.fetch).toHaveBeenCalledTimes(2);
    expect(t.getAccessToken.mock.calls.filter((c) => c[0]?.forceRefresh)).toHaveLength(1);
    expect(e.message).not.toContain('SECRET');
  });

  it('passes logged_out from the token source through without sending anything', async () => {
    const t = setup([], {
      getAccessToken: async () => {
        throw new SoraError('logged_out', 'No session.');
      },
    });
    const e = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    expect(e.code).toBe('logged_out');
    expect(t.fetch).not.toHaveBeenCalled();
  });

  it('passes logged_out from the forced refresh through', async () => {
    const t = setup([envelope(401, { code: 'token_invalidated', message: 'x' })], {
      getAccessToken: async (o) => {
        if (o?.forceRefresh) throw new SoraError('logged_out', 'No session.');
        return TOKEN;
      },
    });
    expect((await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }))).code).toBe(
      'logged_out',
    );
  });
});

describe('sentinel retry', () => {
  const rejections: Array<[string, () => Response]> = [
    ['sentinel_block', () => envelope(400, { code: 'sentinel_block', message: 'Blocked' })],
    [
      'invalid_request "didn\'t look right"',
      () =>
        envelope(400, {
          code: 'invalid_request',
          message: "Hmmm something didn't look right with your request. Please try again later.",
        }),
    ],
  ];

  for (const [name, reply] of rejections) {
    it(`${name}: invalidates, takes a fresh sentinel token and retries once`, async () => {
      const t = setup([reply(), json({ ok: true })]);
      await expect(
        t.http.request({ method: 'POST', path: '/nf/create', json: {}, sentinel: true, schema: Obj }),
      ).resolves.toEqual({ ok: true });
      expect(t.invalidate).toHaveBeenCalledTimes(1);
      expect(t.requests[0]!.headers.get('openai-sentinel-token')).toBe('sentinel1');
      expect(t.requests[1]!.headers.get('openai-sentinel-token')).toBe('sentinel2');
      expect(t.requests[1]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    });

    it(`${name} twice → sentinel_rejected`, async () => {
      const t = setup([reply(), reply()]);
      const e = await failure(
        t.http.request({ method: 'POST', path: '/nf/create', json: {}, sentinel: true, schema: Obj }),
      );
      expect(e.code).toBe('sentinel_rejected');
      expect(t.fetch).toHaveBeenCalledTimes(2);
      expect(t.invalidate).toHaveBeenCalledTimes(1);
    });
  }

  it('without a sentinel header there is nothing to retry', async () => {
    const t = setup([envelope(400, { code: 'sentinel_block', message: 'Blocked' })]);
    const e = await failure(t.http.request({ method: 'POST', path: '/x', json: {}, schema: Obj }));
    expect(e.code).toBe('sentinel_rejected');
    expect(t.fetch).toHaveBeenCalledTimes(1);
  });

  it('auth and sentinel retries combine (at most one each)', async () => {
    const t = setup([
      envelope(401, { code: 'token_expired', message: 'expired' }),
      envelope(400, { code: 'sentinel_block', message: 'Blocked' }),
      json({ ok: true }),
    ]);
    await expect(
      t.http.request({ method: 'POST', path: '/nf/create', json: {}, sentinel: true, schema: Obj }),
    ).resolves.toEqual({ ok: true });
    expect(t.fetch).toHaveBeenCalledTimes(3);
    expect(t.requests[2]!.headers.get('authorization')).toBe(`Bearer ${TOKEN2}`);
    expect(t.requests[2]!.headers.get('openai-sentinel-token')).toBe('sentinel2');
  });

  it('a sentinel source that fails → sentinel_unavailable, nothing sent', async () => {
    const fetch = vi.fn<FetchFn>();
    const http = createSoraHttp({
      fetch,
      getAccessToken: async () => TOKEN,
      sentinel: {
        token: async () => {
          throw new Error('no');
        },
      },
    });
    const e = await failure(
      http.request({ method: 'POST', path: '/nf/create', json: {}, sentinel: true, schema: Obj }),
    );
    expect(e.code).toBe('sentinel_unavailable');
    expect(e.param).toBe('exchange_failed');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('network, timeout, abort', () => {
  it('fetch rejection → network', async () => {
    const t = setup([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    const e = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    expect(e.code).toBe('network');
  });

  it('a body that fails half way → network', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"ok":'));
        controller.error(new Error('connection reset'));
      },
    });
    const t = setup([new Response(body, { status: 200 })]);
    expect((await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }))).code).toBe('network');
  });

  it('a fetch that never answers (and ignores its signal) → timeout', async () => {
    vi.useFakeTimers();
    const t = setup([() => new Promise<Response>(() => {})], { timeoutMs: 50 });
    const p = failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    await vi.advanceTimersByTimeAsync(60);
    const e = await p;
    expect(e.code).toBe('timeout');
  });

  it('a fetch that honours the signal → timeout, not network; per-call timeoutMs wins', async () => {
    vi.useFakeTimers();
    const t = setup(
      [
        (req) =>
          new Promise<Response>((_, reject) => {
            req.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          }),
      ],
      { timeoutMs: 60_000 },
    );
    const p = failure(t.http.request({ method: 'GET', path: '/me', schema: Obj, timeoutMs: 20 }));
    await vi.advanceTimersByTimeAsync(25);
    expect((await p).code).toBe('timeout');
  });

  it("a timeout given as a function is asked before every request (the user's setting may change)", async () => {
    vi.useFakeTimers();
    const never = () => new Promise<Response>(() => {});
    let setting = 60_000;
    const t = setup([never, never], { timeoutMs: async () => setting });
    const first = failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    await vi.advanceTimersByTimeAsync(30_000);
    setting = 5_000;
    const second = failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
    await vi.advanceTimersByTimeAsync(5_100);
    expect((await second).code).toBe('timeout');
    let firstDone = false;
    void first.then(() => {
      firstDone = true;
    });
    await vi.advanceTimersByTimeAsync(20_000);
    // The request already under way keeps the wait it started with.
    expect(firstDone).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await first).code).toBe('timeout');
  });

  it('a body that never ends → timeout', async () => {
    const t = setup([new Response(new ReadableStream({ start() {} }), { status: 200 })], { timeoutMs: 5 });
    expect((await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }))).code).toBe('timeout');
  });

  it('an external abort → aborted', async () => {
    const t = setup([() => new Promise<Response>(() => {})]);
    const controller = new AbortController();
    const p = failure(t.http.request({ method: 'GET', path: '/me', schema: Obj, signal: controller.signal }));
    await vi.waitFor(() => expect(t.fetch).toHaveBeenCalled());
    controller.abort();
    expect((await p).code).toBe('aborted');
  });

  it('an already aborted signal → aborted without sending', async () => {
    const t = setup([json({ ok: true })]);
    const e = await failure(
      t.http.request({ method: 'GET', path: '/me', schema: Obj, signal: AbortSignal.abort() }),
    );
    expect(e.code).toBe('aborted');
    expect(t.fetch).not.toHaveBeenCalled();
  });
});

describe('the token never leaks', () => {
  it('is redacted from server messages and absent from every error', async () => {
    const replies: Array<() => Response> = [
      () => envelope(400, { message: `bad header Bearer ${TOKEN}` }),
      () => envelope(404, { message: `no ${TOKEN}` }),
      () => envelope(429, { message: `slow ${TOKEN}` }),
      () => envelope(500, { message: `crash ${TOKEN}` }),
      () => envelope(401, { code: 'token_expired', message: `expired ${TOKEN}` }),
      () => new Response(`<html>${TOKEN}</html>`, { status: 200 }),
    ];
    for (const reply of replies) {
      const t = setup([reply(), reply()], {
        getAccessToken: async () => TOKEN,
      });
      const e = await failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
      expect(e.message).not.toContain(TOKEN);
      expect(e.message).not.toContain('SECRET');
      expect(JSON.stringify(e.toJSON())).not.toContain('SECRET');
      expect(String(e.stack)).not.toContain('SECRET');
    }
  });
});

describe('a partly echoed token', () => {
  // A realistic access token: a JWT whose payload is long enough that Sora's echo of a slice of it is not
  // the whole thing and does not start at `eyJ`.
  const AT = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${'eyJzdWIiOiJ1c2VyLXNlY3JldC1wYXlsb2FkIn0'.repeat(4)}.Zm9vYmFyYmF6cXV4c2lnbmF0dXJlLXBhcnQ`;
  const middle = AT.slice(60, 60 + 24);
  const tail = AT.slice(-20);

  async function errorFor(error: Record<string, unknown>, status = 400): Promise<SoraError> {
    const t = setup([envelope(status, error), envelope(status, error)], { getAccessToken: async () => AT });
    return failure(t.http.request({ method: 'GET', path: '/me', schema: Obj }));
  }

  /** Everything of the error that could reach a page, a log, a stored job or an export. */
  const everything = (e: SoraError) =>
    [e.message, e.param ?? '', e.serverCode ?? '', JSON.stringify(e.toJSON()), String(e.stack)].join('\n');

  it('is redacted when Sora echoes a slice of it in `message`', async () => {
    const e = await errorFor({ message: `Invalid header: Bearer …${middle}… (truncated)` });
    expect(everything(e)).not.toContain(middle);
    expect(e.message).toContain('[redacted]');
    // The readable part of Sora's message is kept.
    expect(e.message).toContain('Invalid header');
  });

  it('is redacted when Sora echoes the token’s end in `param`', async () => {
    const e = await errorFor({ message: 'bad auth', param: `authorization=${tail}` });
    expect(everything(e)).not.toContain(tail);
    expect(e.param).toBe('authorization=[redacted]');
    expect(e.toJSON().param).toBe('authorization=[redacted]');
  });

  it('is redacted from `code` and `type` too', async () => {
    const e = await errorFor({ code: `bad_token_${middle}`, type: middle, message: 'no' });
    expect(everything(e)).not.toContain(middle);
  });

  it('redacts a JWT-looking run even when it is not the token of the call', async () => {
    const other = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzb21lb25lLWVsc2UifQ.c2lnbmF0dXJl';
    const e = await errorFor({ message: `stale token ${other}`, param: other.slice(0, 30) });
    expect(everything(e)).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(e.message).toContain('stale token [redacted]');
  });

  it('leaves short runs and ordinary text alone', async () => {
    // 15 characters of the token are not an echo: they could be any word.
    const short = AT.slice(100, 115);
    const e = await errorFor({ message: `prompt too long near ${short}`, param: 'prompt' });
    expect(e.message).toContain(short);
    expect(e.param).toBe('prompt');
  });
});
