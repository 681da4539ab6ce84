/**
 * "Enhance prompt": the endpoint function against the simulator in process (body, trimming, faults), the
 * simulator route's own habits, and the background handler refusing bad input without sending anything.
 */
import { describe, expect, it, vi } from 'vitest';
import { createEnhanceHandlers } from '../../lib/background/enhance';
import { enhanceDurationFor } from '../../lib/enhance/validate';
import { MAX_PROMPT_CHARS } from '../../lib/jobs/limits';
import type { HandlerContext } from '../../lib/messaging/transport';
import { enhancePrompt, fetchSession } from '../../lib/sora/endpoints';
import { SoraError } from '../../lib/sora/errors';
import { createSoraHttp, type FetchFn } from '../../lib/sora/http';
import { createSim } from '../sim/app';
import { failure } from './harness/failure';
import { randomSentinel } from './harness/random-sentinel';

const EMAIL = 'ada@example.com';
const PATH = '/backend/editor/enhance_prompt';

function setup() {
  const sim = createSim({ speed: 0, seed: 7 });
  const login = sim.control.login(EMAIL);
  const fetchFn = vi.fn<FetchFn>(async (input, init) => sim.app.fetch(new Request(input, init)));
  const http = createSoraHttp({
    fetch: fetchFn,
    getAccessToken: async () => {
      const s = await fetchSession(fetchFn, { cookieHeader: login.cookieHeader });
      if (!s.accessToken) throw new SoraError('logged_out', 'Logged out.');
      return s.accessToken;
    },
    getDeviceId: async () => login.deviceId.value,
    sentinel: randomSentinel(),
  });
  const calls = () => sim.control.log({ path: PATH });
  const handler = createEnhanceHandlers(http)['prompt.enhance'] as (
    req: unknown,
    ctx: HandlerContext,
  ) => Promise<{ enhancedPrompt: string; unchanged: boolean }>;
  const ask = (req: unknown) => handler(req, { sender: {} } as HandlerContext);
  return { sim, http, fetchFn, calls, ask };
}

describe('enhancePrompt (lib/sora/endpoints/editor.ts)', () => {
  it('sends prompt, level and length with the Bearer, and returns the suggestion trimmed', async () => {
    const t = setup();
    const text = await enhancePrompt(t.http, {
      prompt: 'a fox in fresh snow',
      expansionLevel: 'medium',
      durationS: 10,
    });
    expect(text).toMatch(/^Cinematic shot: a fox in fresh snow\. .+ Paced for a 10-second video\.$/);
    expect(text).toBe(text.trim());
    const [call] = t.calls();
    expect(call).toMatchObject({
      method: 'POST',
      hasBearer: true,
      status: 200,
      body: { prompt: 'a fox in fresh snow', expansion_level: 'medium', duration_s: 10 },
    });
    expect(call?.sentinel ?? null).toBeNull();
  });

  it('gives longer text for long than for medium, and for 25 s than for 10 s', async () => {
    const t = setup();
    const ask = (expansionLevel: 'medium' | 'long', durationS: 10 | 25) =>
      enhancePrompt(t.http, { prompt: 'a kite over the sea', expansionLevel, durationS });
    const medium10 = await ask('medium', 10);
    const long10 = await ask('long', 10);
    const long25 = await ask('long', 25);
    expect(long10.length).toBeGreaterThan(medium10.length);
    expect(long25.length).toBeGreaterThan(long10.length);
    expect(long25).toContain('25-second');
  });

  it('maps a fault to the SoraError code the catalogue has a sentence for', async () => {
    const t = setup();
    t.sim.control.addFault({ path: PATH, kind: 'heavy_load', times: 1 });
    const e = await failure(
      enhancePrompt(t.http, { prompt: 'a lighthouse', expansionLevel: 'long', durationS: 15 }),
    );
    expect(e.code).toBe('heavy_load');
    t.sim.control.addFault({ path: PATH, kind: 'malformed_json', times: 1 });
    const bad = await failure(
      enhancePrompt(t.http, { prompt: 'a lighthouse', expansionLevel: 'long', durationS: 15 }),
    );
    expect(bad.code).toBe('bad_response');
    // The faults were one-off: the next call works.
    await expect(
      enhancePrompt(t.http, { prompt: 'a lighthouse', expansionLevel: 'long', durationS: 15 }),
    ).resolves.toContain('a lighthouse');
  });
});

describe('simulator route', () => {
  it('answers 401 without a Bearer and 400 for a level or length it does not know', async () => {
    const t = setup();
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      t.sim.fetch(`https://sora.chatgpt.com${PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const noBearer = await post({ prompt: 'x', expansion_level: 'medium', duration_s: 10 });
    expect(noBearer.status).toBe(401);
    const token = t.sim.control.accessToken('bo@example.com');
    const auth = { authorization: `Bearer ${token}` };
    const short = await post({ prompt: 'x', expansion_level: 'short', duration_s: 10 }, auth);
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: { param: string } }).error.param).toBe('expansion_level');
    const five = await post({ prompt: 'x', expansion_level: 'medium', duration_s: 5 }, auth);
    expect(((await five.json()) as { error: { param: string } }).error.param).toBe('duration_s');
    const ok = await post({ prompt: 'x', expansion_level: 'medium', duration_s: 20 }, auth);
    const body = (await ok.json()) as { enhanced_prompt: string };
    expect(body.enhanced_prompt).toMatch(/^\n\n {2}Cinematic shot: x\./);
  });
});

describe('prompt.enhance in the background', () => {
  it('returns the suggestion and says when it differs from the prompt', async () => {
    const t = setup();
    const res = await t.ask({ prompt: '  a paper boat\n', expansionLevel: 'long', durationS: 20 });
    expect(res.unchanged).toBe(false);
    expect(res.enhancedPrompt).toMatch(/^Cinematic shot: a paper boat\./);
    // The prompt goes out trimmed.
    expect(t.calls()[0]?.body).toMatchObject({ prompt: 'a paper boat', duration_s: 20 });
  });

  const bad: Array<[string, unknown]> = [
    ['an empty prompt', { prompt: '', expansionLevel: 'medium', durationS: 10 }],
    ['a prompt of spaces and new lines', { prompt: ' \n\t　', expansionLevel: 'medium', durationS: 10 }],
    [
      'a prompt of zero-width characters',
      { prompt: '\u200b\u200d\ufeff', expansionLevel: 'medium', durationS: 10 },
    ],
    ['a prompt that is not text', { prompt: 42, expansionLevel: 'medium', durationS: 10 }],
    [
      'a prompt too long',
      { prompt: 'a'.repeat(MAX_PROMPT_CHARS + 1), expansionLevel: 'long', durationS: 10 },
    ],
    ['an unknown level', { prompt: 'a fox', expansionLevel: 'short', durationS: 10 }],
    ['a length the enhancer does not take', { prompt: 'a fox', expansionLevel: 'medium', durationS: 5 }],
    ['a length as text', { prompt: 'a fox', expansionLevel: 'medium', durationS: '10' }],
    ['no request at all', null],
  ];
  it.each(bad)('refuses %s with a readable local error and sends nothing', async (_what, req) => {
    const t = setup();
    const e = await failure(t.ask(req));
    expect(e.code).toBe('bad_request');
    expect(e.local).toBe(true);
    expect(e.message).toMatch(/^The (prompt|expansion level|length)/);
    expect(t.fetchFn).not.toHaveBeenCalled();
    expect(t.calls()).toHaveLength(0);
  });

  it('accepts a prompt of exactly the limit', async () => {
    const t = setup();
    const res = await t.ask({
      prompt: 'b'.repeat(MAX_PROMPT_CHARS),
      expansionLevel: 'medium',
      durationS: 10,
    });
    expect(res.unchanged).toBe(false);
  });

  it('turns an answer without text into a readable error, not an empty prompt', async () => {
    const t = setup();
    // A 200 that carries no enhanced_prompt at all.
    t.sim.control.addFault({ path: PATH, kind: 'status', status: 200, times: 1 });
    const missing = await failure(t.ask({ prompt: 'a fox', expansionLevel: 'medium', durationS: 10 }));
    expect(missing.code).toBe('bad_response');
    // One whose text is only blank lines: after trimming there is nothing to offer.
    const real = t.fetchFn.getMockImplementation();
    t.fetchFn.mockImplementation(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.endsWith(PATH)) return (real as FetchFn)(input, init);
      return new Response(JSON.stringify({ enhanced_prompt: '\n \n' }), {
        headers: { 'content-type': 'application/json' },
      });
    });
    const blank = await failure(t.ask({ prompt: 'a fox', expansionLevel: 'medium', durationS: 10 }));
    expect(blank.code).toBe('bad_response');
  });
});

describe('enhanceDurationFor', () => {
  it('maps every video length to the nearest length the enhancer knows (5 s → 10 s)', () => {
    expect([5, 10, 15, 20, 25].map(enhanceDurationFor)).toEqual([10, 10, 15, 20, 25]);
    expect(enhanceDurationFor(Number.NaN)).toBe(10);
    expect(enhanceDurationFor(60)).toBe(25);
  });
});
