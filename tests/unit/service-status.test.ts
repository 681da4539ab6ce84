/**
 * "Sora is not answering at sora.chatgpt.com" (NOTES.md "Service status"): how the request core tells it
 * from a missing item, Cloudflare and a network that is down; the record pages read; the queue waiting
 * without burning attempts and coming back by itself.
 */
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import { errorText } from '../../lib/i18n/popup';
import { createEngine } from '../../lib/jobs/engine';
import { isFinal } from '../../lib/jobs/states';
import {
  createServiceStatusTracker,
  nextServiceStatus,
  type ServiceStatus,
} from '../../lib/service-status/status';
import { fetchSession } from '../../lib/sora/endpoints/session';
import { type ServiceSeen, SoraError } from '../../lib/sora/errors';
import { createReachability, createSoraHttp, type FetchFn } from '../../lib/sora/http';
import { AnyBodySchema } from '../../lib/sora/schemas';
import { createSim } from '../sim/app';
import type { ServiceMode } from '../sim/types';
import { createFakeSora, createManualClock, runUntil } from './fakes/jobs';
import { failure } from './harness/failure';

const Obj = v.looseObject({ ok: v.boolean() });

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const htmlPage = (status: number, text = '<!DOCTYPE html><html><body><h1>Not here</h1></body></html>') =>
  new Response(text, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

/** A response as a browser hands an extension a redirect it did not follow. */
function opaqueRedirect(): Response {
  const res = new Response(null, { status: 200 });
  Object.defineProperty(res, 'type', { value: 'opaqueredirect' });
  Object.defineProperty(res, 'status', { value: 0 });
  return res;
}

function core(reply: () => Response | Promise<Response>, online?: () => boolean | undefined) {
  const inits: RequestInit[] = [];
  const outcomes: (SoraError | null)[] = [];
  const fetch = vi.fn<FetchFn>(async (_input, init) => {
    inits.push(init ?? {});
    return reply();
  });
  const http = createSoraHttp({
    fetch,
    getAccessToken: async () => 'eyJ.SECRET.sig',
    sentinel: { token: async () => 'sentinel' },
    reachability: createReachability(online),
    onOutcome: (e) => outcomes.push(e),
  });
  return { http, inits, outcomes };
}

const get = (http: ReturnType<typeof core>['http'], path = '/nf/pending/v2') =>
  http.request({ method: 'GET', path, schema: Obj });

describe('the request core tells "Sora is not answering" apart', () => {
  const table: { name: string; reply: () => Response; code: string; seen?: Partial<ServiceSeen> }[] = [
    {
      name: '404 with Sora’s error envelope (one missing item)',
      reply: () =>
        json({ error: { message: 'Not found', type: 'invalid_request_error', code: 'not_found' } }, 404),
      code: 'not_found',
    },
    {
      name: '404 web page',
      reply: () => htmlPage(404),
      code: 'service_unavailable',
      seen: { kind: 'html', status: 404, contentType: 'text/html', what: 'GET /nf/pending/v2' },
    },
    {
      name: '410 Gone (plain text)',
      reply: () => new Response('Gone', { status: 410, headers: { 'content-type': 'text/plain' } }),
      code: 'service_unavailable',
      seen: { kind: 'status', status: 410 },
    },
    {
      name: '410 even with a JSON body',
      reply: () => json({ detail: 'gone' }, 410),
      code: 'service_unavailable',
      seen: { kind: 'status', status: 410 },
    },
    {
      name: '200 web page where JSON is due',
      reply: () => htmlPage(200),
      code: 'service_unavailable',
      seen: { kind: 'html', status: 200 },
    },
    {
      name: '200 JSON cut short (not a page)',
      reply: () => new Response('{"ok":', { status: 200, headers: { 'content-type': 'application/json' } }),
      code: 'bad_response',
    },
    {
      name: '403 Cloudflare challenge page',
      reply: () =>
        new Response('<html><title>Just a moment...</title></html>', {
          status: 403,
          headers: { 'content-type': 'text/html', 'cf-mitigated': 'challenge' },
        }),
      code: 'cloudflare_challenge',
    },
    {
      name: '200 "Just a moment" page',
      reply: () => htmlPage(200, '<html><title>Just a moment...</title></html>'),
      code: 'cloudflare_challenge',
    },
    { name: '502 page (passing trouble)', reply: () => htmlPage(502), code: 'server_error' },
    {
      name: 'a redirect the browser did not follow',
      reply: opaqueRedirect,
      code: 'service_unavailable',
      seen: { kind: 'redirect' },
    },
    {
      name: 'a visible 302 to another site',
      reply: () => new Response(null, { status: 302, headers: { location: 'https://openai.com/sora' } }),
      code: 'service_unavailable',
      seen: { kind: 'redirect', status: 302, host: 'openai.com' },
    },
  ];
  for (const row of table) {
    it(row.name, async () => {
      const { http, outcomes } = core(row.reply);
      const e = await failure(get(http));
      expect(e.code).toBe(row.code);
      if (row.seen) expect(e.seen).toMatchObject(row.seen);
      else expect(e.seen).toBeUndefined();
      // Sora's app answered (its envelope) or something else did: the outcome reaches the status keeper.
      expect(outcomes).toEqual([e]);
    });
  }

  it('never follows a redirect with the access token', async () => {
    const { http, inits } = core(() => json({ ok: true }));
    await get(http);
    expect(inits[0]?.redirect).toBe('manual');
  });

  it('reads a followed redirect that ended on another host as "not answering"', async () => {
    const res = json({ ok: true });
    Object.defineProperty(res, 'redirected', { value: true });
    Object.defineProperty(res, 'url', { value: 'https://openai.com/index/sora' });
    const { http } = core(() => res);
    const e = await failure(get(http));
    expect(e).toMatchObject({ code: 'service_unavailable', seen: { kind: 'redirect', host: 'openai.com' } });
  });

  it('one dropped connection is the network; a second in a row while online is Sora not answering', async () => {
    const { http } = core(
      () => Promise.reject(new TypeError('fetch failed')),
      () => true,
    );
    expect((await failure(get(http))).code).toBe('network');
    const second = await failure(get(http));
    expect(second).toMatchObject({ code: 'service_unavailable', seen: { kind: 'unreachable' } });
  });

  it('an answer in between starts the count again', async () => {
    const replies = [
      () => Promise.reject(new TypeError('fetch failed')),
      () => Promise.resolve(json({ ok: true })),
      () => Promise.reject(new TypeError('fetch failed')),
    ];
    const { http } = core(
      () => (replies.shift() as () => Promise<Response>)(),
      () => true,
    );
    expect((await failure(get(http))).code).toBe('network');
    await get(http);
    expect((await failure(get(http))).code).toBe('network');
  });

  it('requests already in flight when the line dropped count as one failure', async () => {
    let fail: (e: Error) => void = () => {};
    const dropped = new Promise<Response>((_, reject) => {
      fail = reject;
    });
    const { http } = core(
      () => dropped,
      () => true,
    );
    const parallel = [get(http), get(http), get(http)].map((p) => failure(p));
    fail(new TypeError('fetch failed'));
    expect((await Promise.all(parallel)).map((e) => e.code)).toEqual(['network', 'network', 'network']);
    // A fresh connection after them fails too: now it is Sora.
    expect((await failure(get(http))).code).toBe('service_unavailable');
  });

  it('offline stays "network down", however often it fails', async () => {
    const { http } = core(
      () => Promise.reject(new TypeError('fetch failed')),
      () => false,
    );
    for (let i = 0; i < 3; i++) expect((await failure(get(http))).code).toBe('network');
  });

  it('says "Sora refused the request" once', async () => {
    const { http } = core(() =>
      json({ error: { message: 'Gone', type: 'invalid_request_error', code: null } }, 400),
    );
    const e = await failure(get(http));
    expect(errorText(e.toJSON())).toBe('Sora refused the request: Gone (400)');
    const bare = await failure(
      core(() => new Response('', { status: 405 })).http.request({
        method: 'POST',
        path: '/nf/create',
        schema: AnyBodySchema,
      }),
    );
    expect(errorText(bare.toJSON())).toBe('Sora refused the request: HTTP 405');
  });
});

describe('the session read on a closed site is not "logged out"', () => {
  const modes: { mode: ServiceMode; seen: Partial<ServiceSeen> }[] = [
    { mode: 'gone_404', seen: { kind: 'html', status: 404 } },
    { mode: 'gone_410', seen: { kind: 'status', status: 410 } },
    { mode: 'html', seen: { kind: 'html', status: 200 } },
    { mode: 'redirect', seen: { kind: 'redirect', status: 302, host: 'openai.com' } },
  ];
  for (const { mode, seen } of modes) {
    it(`sim service mode ${mode}`, async () => {
      const sim = createSim();
      const login = sim.control.login('ana@example.com');
      expect((await fetchSession(sim.fetch, { cookieHeader: login.cookieHeader })).accessToken).toBeTruthy();
      sim.control.setConfig({ service: mode });
      const e = await failure(fetchSession(sim.fetch, { cookieHeader: login.cookieHeader }));
      expect(e).toMatchObject({ code: 'service_unavailable', seen });
      sim.control.setConfig({ service: 'normal' });
      expect((await fetchSession(sim.fetch, { cookieHeader: login.cookieHeader })).accessToken).toBeTruthy();
    });
  }

  it('sim service mode unreachable: the connection ends, twice in a row is "not answering"', async () => {
    const sim = createSim({ service: 'unreachable' });
    const reachability = createReachability(() => true);
    expect((await failure(fetchSession(sim.fetch, { reachability }))).code).toBe('network');
    expect((await failure(fetchSession(sim.fetch, { reachability }))).seen?.kind).toBe('unreachable');
    expect(sim.control.log({ path: '/api/auth/session' }).map((e) => e.outcome)).toEqual([
      'dropped',
      'dropped',
    ]);
  });

  it('a logged-out session still reads as logged out', async () => {
    const sim = createSim();
    expect(await fetchSession(sim.fetch)).toEqual({});
  });
});

describe('the service-status record', () => {
  const seen404: ServiceSeen = { kind: 'html', status: 404, what: 'GET /nf/check' };
  const down = { code: 'service_unavailable' as const, seen: seen404 };

  it('goes to not answering with what was seen, keeps since, and back on an answer', () => {
    const first = nextServiceStatus({ state: 'answering', lastAnsweredAt: 100 }, down, 1000);
    expect(first).toEqual({ state: 'not_answering', seen: seen404, since: 1000, lastAnsweredAt: 100 });
    const again = nextServiceStatus(first, { ...down, seen: { kind: 'status', status: 410 } }, 5000);
    expect(again).toMatchObject({ since: 1000, lastAnsweredAt: 100, seen: { status: 410 } });
    expect(nextServiceStatus(again, null, 9000)).toEqual({ state: 'answering', lastAnsweredAt: 9000 });
  });

  it('Sora’s own refusals count as answers; offline, timeouts and Cloudflare change nothing', () => {
    const downRec = nextServiceStatus(undefined, down, 1) as ServiceStatus;
    expect(nextServiceStatus(downRec, { code: 'not_found', seen: undefined }, 2)?.state).toBe('answering');
    for (const code of ['network', 'timeout', 'cloudflare_challenge', 'server_error'] as const) {
      expect(nextServiceStatus(downRec, { code, seen: undefined }, 3)).toBeUndefined();
    }
  });

  it('the tracker writes storage.local on changes only, and says when the state flips', async () => {
    const store: { value: unknown } = { value: null };
    const set = vi.fn(async (value: unknown) => {
      store.value = value;
    });
    let now = 1000;
    const flips: string[] = [];
    const tracker = createServiceStatusTracker({
      area: { getValue: async () => store.value, setValue: set },
      now: () => now,
      onStateChange: (next) => flips.push(next.state),
    });
    await tracker.observe(null);
    now += 1000;
    await tracker.observe(null);
    expect(set).toHaveBeenCalledTimes(1);
    await tracker.observe(new SoraError('service_unavailable', 'x', { seen: seen404 }));
    await tracker.observe(new SoraError('service_unavailable', 'x', { seen: seen404 }));
    expect(store.value).toMatchObject({
      state: 'not_answering',
      since: 2000,
      lastAnsweredAt: 1000,
    });
    expect(set).toHaveBeenCalledTimes(2);
    now += 1000;
    await tracker.observe(null);
    expect(flips).toEqual(['answering', 'not_answering', 'answering']);
    expect(JSON.stringify(store)).not.toContain('SECRET');
  });
});

describe('the queue while Sora is not answering', () => {
  const T0 = Date.UTC(2026, 4, 1);
  const dbs: CompanionDb[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });
  let n = 0;

  async function setup() {
    const db = await openCompanionDb({ name: `service-status-${++n}` });
    dbs.push(db);
    const clock = createManualClock(T0);
    const sora = createFakeSora({ now: clock.now });
    const engine = createEngine({
      db,
      port: sora.port,
      now: clock.now,
      setTimer: clock.setTimer,
      random: () => 0.5,
      autoTick: false,
    });
    const allFinal = async () => (await engine.list()).every((j) => isFinal(j.state));
    return { db, clock, sora, engine, allFinal };
  }
  const gone = () =>
    new SoraError('service_unavailable', 'Sora is not answering at sora.chatgpt.com.', {
      seen: { kind: 'html', status: 404 },
    });

  it('parks the job without an attempt, re-checks 1 → 2 min with one /nf/check, and finishes when Sora is back', async () => {
    const s = await setup();
    s.sora.fail('create', gone);
    // The first two re-checks still find the closed site.
    s.sora.fail('checkQuota', gone, { times: 2 });
    await s.engine.enqueue([{ kind: 'video', prompt: 'a lighthouse' }]);
    await s.engine.tick();
    const status = await s.engine.status();
    expect(status.pause).toMatchObject({ reason: 'service_unavailable', until: T0 + 60_000 });
    expect((await s.engine.list())[0]).toMatchObject({ state: 'paused', attempts: 0 });

    await runUntil(
      s.engine,
      s.clock,
      async () => (await s.engine.status()).pause?.rechecks === 1,
      10 * 60_000,
    );
    expect((await s.engine.status()).pause?.until).toBe(s.clock.now() + 120_000);
    const createsWhileDown = s.sora.calls.create;
    expect(createsWhileDown).toBe(1);

    expect(await runUntil(s.engine, s.clock, s.allFinal, 60 * 60_000)).toBe(true);
    expect(s.sora.calls.checkQuota).toBe(3);
    const [job] = await s.engine.list();
    expect(job).toMatchObject({ state: 'done', attempts: 1 });
    expect(s.sora.tasks).toHaveLength(1);
  });

  it('a list read on a closed site pauses the queue too; nothing is sent until Sora answers', async () => {
    const s = await setup();
    s.sora.fail('listPending', gone, { times: 1 });
    await s.engine.enqueue([{ kind: 'video', prompt: 'fog' }]);
    await s.engine.tick();
    expect((await s.engine.status()).pause?.reason).toBe('service_unavailable');
    expect(s.sora.calls.create).toBe(0);
    await s.engine.resume(['service_unavailable']);
    expect(await runUntil(s.engine, s.clock, s.allFinal, 60 * 60_000)).toBe(true);
    expect((await s.engine.list())[0]).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a create whose connection died may have reached Sora: it is looked for, never sent twice', async () => {
    const s = await setup();
    s.sora.fail(
      'create',
      () => new SoraError('service_unavailable', 'x', { seen: { kind: 'unreachable' } }),
      { afterEffect: true },
    );
    await s.engine.enqueue([{ kind: 'video', prompt: 'harbour at dawn' }]);
    await s.engine.tick();
    expect((await s.engine.status()).pause?.reason).toBe('service_unavailable');
    expect(await runUntil(s.engine, s.clock, s.allFinal, 2 * 60 * 60_000)).toBe(true);
    expect((await s.engine.list())[0]?.state).toBe('done');
    expect(s.sora.tasks).toHaveLength(1);
    expect(s.sora.calls.create).toBe(1);
  });
});
