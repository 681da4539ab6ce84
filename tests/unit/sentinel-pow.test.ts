/**
 * Hand-made sentinel tokens against the simulator's strict sentinel mode: the requirements exchange at
 * chatgpt.com, the proof of work verified against the seed and difficulty the simulator issued, and the
 * request core's answer when no token can be made (nothing is sent).
 */
import { describe, expect, it, vi } from 'vitest';
import { pageSentinel } from '../../lib/sentinel-page/source';
import { createVideo } from '../../lib/sora/endpoints/video';
import { createSoraHttp, type FetchFn } from '../../lib/sora/http';
import { cachedSentinel, chainSentinel, type SentinelSource } from '../../lib/sora/sentinel';
import {
  encodeFingerprint,
  fingerprint,
  meetsDifficulty,
  powSentinel,
  solveProof,
  workerFingerprintEnv,
} from '../../lib/sora/sentinel-pow';
import { createSim, type SimConfigPatch } from '../sim/app';
import { decodeFingerprint } from '../sim/sentinel';
import { failure } from './harness/failure';

const EMAIL = 'pow@example.com';

function setup(patch: SimConfigPatch = {}, access = true) {
  const sim = createSim({ speed: 0, seed: 7, sentinelMode: 'strict', ...patch });
  const login = sim.control.login(EMAIL);
  const fetchFn: FetchFn = async (input, init) => sim.app.fetch(new Request(input, init));
  const source = powSentinel({ hasAccess: async () => access, fetch: fetchFn });
  /** A request core for the same user with the given sentinel source. */
  const httpWith = (sentinel: SentinelSource) =>
    createSoraHttp({
      fetch: fetchFn,
      getAccessToken: async () => sim.control.accessToken(EMAIL),
      getDeviceId: async () => login.deviceId.value,
      sentinel,
    });
  return { sim, login, http: httpWith(source), source, httpWith };
}

describe('hand-made sentinel tokens in strict mode', () => {
  it('a create with a hand-made token is accepted and logged as a verified proof of work', async () => {
    const t = setup();
    await expect(createVideo(t.http, { prompt: 'a lighthouse at dusk' })).resolves.toHaveProperty('id');
    const [exchange] = t.sim.control.log({ path: '/backend-api/sentinel/req' });
    expect(exchange?.host).toBe('chatgpt.com');
    expect(exchange?.rawBody).toMatch(/"flow":"sora_init"/);
    const [create] = t.sim.control.log({ path: '/backend/nf/create' });
    expect(create?.status).toBe(200);
    expect(create?.sentinelSource).toBe('pow');
    const header = JSON.parse(create?.sentinel ?? '{}') as Record<string, string>;
    expect(Object.keys(header)).toEqual(['p', 't', 'c', 'id', 'flow']);
    expect(header.flow).toBe('sora_2_create_task');
    expect(header.p).toMatch(/^gAAAAAB.+~S$/);
    // The fingerprint is the 18 values NOTES.md describes.
    expect(decodeFingerprint(header.p?.slice(7, -2) ?? '')).toHaveLength(18);
    // The device id still goes out as oai-device-id.
    expect(create?.deviceId).toBe(t.login.deviceId.value);
  });

  it('strict mode refuses random, forged and expired tokens with sentinel_block', async () => {
    const t = setup({ sentinelTokenLifeSec: 60 });
    const forged = t.httpWith({
      token: async (flow) => {
        const real = JSON.parse(await t.source.token(flow)) as Record<string, string>;
        return JSON.stringify({ ...real, p: 'gAAAAABAAAA~S' });
      },
    });
    expect((await failure(createVideo(forged, { prompt: 'x' }))).code).toBe('sentinel_rejected');
    const kinds = t.sim.control.log({ path: '/backend/nf/create' }).map((e) => e.sentinelSource);
    expect(kinds).toEqual(['bad_proof', 'bad_proof']);

    const random = t.httpWith({ token: async () => 'abcdefghij12345' });
    expect((await failure(createVideo(random, { prompt: 'x' }))).code).toBe('sentinel_rejected');
    expect(t.sim.control.log({ path: '/backend/nf/create' }).at(-1)?.sentinelSource).toBe('random');

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const stale = await t.source.token('sora_2_create_task');
      vi.setSystemTime(Date.now() + 61_000);
      const replaying = t.httpWith({ token: async () => stale });
      expect((await failure(createVideo(replaying, { prompt: 'x' }))).code).toBe('sentinel_rejected');
      expect(t.sim.control.log({ path: '/backend/nf/create' }).at(-1)?.sentinelSource).toBe('expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('single-use challenges: a cached token is refused once on reuse, then every create gets a fresh one', async () => {
    const t = setup({ sentinelSingleUse: true, ceiling: 10 });
    const cached = t.httpWith(cachedSentinel(t.source, { lifeMs: 60_000 }));
    for (const prompt of ['one', 'two', 'three', 'four']) await createVideo(cached, { prompt });
    const kinds = t.sim.control.log({ path: '/backend/nf/create' }).map((e) => e.sentinelSource);
    expect(kinds).toEqual(['pow', 'replayed', 'pow', 'pow', 'pow']);
  });

  it('reusable tokens: a batch asks chatgpt.com once', async () => {
    const t = setup();
    const cached = t.httpWith(cachedSentinel(t.source, { lifeMs: 60_000 }));
    for (const prompt of ['one', 'two', 'three']) await createVideo(cached, { prompt });
    expect(t.sim.control.log({ path: '/backend-api/sentinel/req' })).toHaveLength(1);
    expect(t.sim.control.log({ path: '/backend/nf/create' }).map((e) => e.sentinelSource)).toEqual([
      'pow',
      'pow',
      'pow',
    ]);
  });
});

describe('when no token can be made, nothing is sent', () => {
  it('no Sora tab and no site access to chatgpt.com → sentinel_unavailable (no_access), no create, no exchange', async () => {
    const t = setup({}, false);
    const http = t.httpWith(
      chainSentinel([pageSentinel({ findTabs: async () => [], sendToTab: vi.fn() }), t.source]),
    );
    const e = await failure(createVideo(http, { prompt: 'x' }));
    expect(e.code).toBe('sentinel_unavailable');
    expect(e.param).toBe('no_access');
    expect(t.sim.control.log({ path: '/backend/nf/create' })).toHaveLength(0);
    expect(t.sim.control.log({ path: '/backend-api/sentinel/req' })).toHaveLength(0);
  });

  it('the exchange failing (server error, junk, dropped) → sentinel_unavailable (exchange_failed)', async () => {
    const t = setup();
    t.sim.control.addFault({
      host: 'chatgpt.com',
      path: '/backend-api/sentinel/req',
      kind: 'server_error',
      times: 1,
    });
    expect((await failure(createVideo(t.http, { prompt: 'x' }))).param).toBe('exchange_failed');
    t.sim.control.addFault({
      host: 'chatgpt.com',
      path: '/backend-api/sentinel/req',
      kind: 'malformed_json',
      times: 1,
    });
    expect((await failure(createVideo(t.http, { prompt: 'x' }))).param).toBe('exchange_failed');
    t.sim.control.addFault({
      host: 'chatgpt.com',
      path: '/backend-api/sentinel/req',
      kind: 'drop',
      times: 1,
    });
    expect((await failure(createVideo(t.http, { prompt: 'x' }))).param).toBe('exchange_failed');
    expect(t.sim.control.log({ path: '/backend/nf/create' })).toHaveLength(0);
    // Once the exchange answers again, the create goes out.
    await expect(createVideo(t.http, { prompt: 'x' })).resolves.toHaveProperty('id');
  });
});

describe('the proof of work', () => {
  const env = workerFingerprintEnv();

  it('finds a fingerprint whose sha3-512 meets the difficulty, and the attempt counter moves', async () => {
    const solved = await solveProof('0.123456', '0fffff', env, 'sid');
    expect(solved).not.toBeNull();
    expect(meetsDifficulty('0.123456', solved?.b ?? '', '0fffff')).toBe(true);
    const config = decodeFingerprint(solved?.b ?? '');
    expect(config?.[3]).toBe((solved?.attempts ?? 0) - 1);
  });

  it('encodes non-Latin text (a Chinese time-zone name) without throwing', () => {
    const config = fingerprint(env, 'sid', 0, 0);
    config[1] = 'Sun Dec 06 2026 16:00:00 GMT+0800 (中国标准时间)';
    expect(decodeFingerprint(encodeFingerprint(config))?.[1]).toBe(config[1]);
  });

  it('lets the event loop run while it works: a timer set before it fires before it ends', async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    // An all-zero difficulty is practically never met: the loop runs all its attempts.
    const solved = await solveProof('seed', '00000000', env, 'sid', { maxAttempts: 3000, sliceMs: 1 });
    expect(solved).toBeNull();
    expect(fired).toBe(true);
  });
});
