import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cachedSentinel,
  chainSentinel,
  randomAlphanumeric,
  type SentinelSource,
  SentinelUnavailableError,
} from '../../lib/sora/sentinel';

afterEach(() => {
  vi.useRealTimers();
});

describe('randomAlphanumeric', () => {
  it('has the asked length', () => {
    expect(randomAlphanumeric(0)).toBe('');
    expect(randomAlphanumeric(64)).toMatch(/^[A-Za-z0-9]{64}$/);
  });
});

describe('chainSentinel', () => {
  it('answers with the first source that makes a token, passing the device id', async () => {
    const first: SentinelSource = {
      token: async () => Promise.reject(new SentinelUnavailableError('no_tab', 'x')),
    };
    const second = { token: vi.fn(async (flow: string) => `made-${flow}`) };
    const s = chainSentinel([first, second]);
    await expect(s.token('sora_2_create_post', { deviceId: 'dev-1234' })).resolves.toBe(
      'made-sora_2_create_post',
    );
    expect(second.token).toHaveBeenCalledWith('sora_2_create_post', { deviceId: 'dev-1234' });
  });

  it('when every source fails, rejects with the reason that tells the user most', async () => {
    const noTab: SentinelSource = {
      token: async () => Promise.reject(new SentinelUnavailableError('no_tab', 'a')),
    };
    const noAccess: SentinelSource = {
      token: async () => Promise.reject(new SentinelUnavailableError('no_access', 'b')),
    };
    const broken: SentinelSource = { token: async () => Promise.reject(new Error('boom')) };
    await expect(chainSentinel([noTab, noAccess]).token('f')).rejects.toMatchObject({ reason: 'no_access' });
    await expect(chainSentinel([noTab, broken]).token('f')).rejects.toMatchObject({
      reason: 'exchange_failed',
    });
    await expect(chainSentinel([noTab]).token('f')).rejects.toMatchObject({ reason: 'no_tab' });
  });

  it('an empty token is not a token', async () => {
    const empty: SentinelSource = { token: async () => '' };
    await expect(chainSentinel([empty]).token('f')).rejects.toBeInstanceOf(SentinelUnavailableError);
  });

  it('invalidate reaches every source', () => {
    const a = { token: async () => 'x', invalidate: vi.fn() };
    const b = { token: async () => 'y', invalidate: vi.fn() };
    chainSentinel([a, b]).invalidate?.();
    expect(a.invalidate).toHaveBeenCalledTimes(1);
    expect(b.invalidate).toHaveBeenCalledTimes(1);
  });
});

describe('cachedSentinel', () => {
  const counting = () => {
    let n = 0;
    return { token: vi.fn(async (flow: string) => `${flow}#${++n}`), invalidate: vi.fn() };
  };

  it('reuses a token for its life, per flow and device, and makes it once for parallel askers', async () => {
    let t = 0;
    const source = counting();
    const s = cachedSentinel(source, { lifeMs: 1000, now: () => t });
    const [a, b] = await Promise.all([s.token('f', { deviceId: 'd1' }), s.token('f', { deviceId: 'd1' })]);
    expect([a, b]).toEqual(['f#1', 'f#1']);
    expect(await s.token('g', { deviceId: 'd1' })).toBe('g#2');
    expect(await s.token('f', { deviceId: 'd2' })).toBe('f#3');
    t = 999;
    expect(await s.token('f', { deviceId: 'd1' })).toBe('f#1');
    t = 1000;
    expect(await s.token('f', { deviceId: 'd1' })).toBe('f#4');
  });

  it('a refusal drops the cache; a refusal after reuse makes tokens single-use from then on', async () => {
    const source = counting();
    const s = cachedSentinel(source, { lifeMs: 60_000, now: () => 0 });
    expect(await s.token('f')).toBe('f#1');
    s.invalidate?.(); // refused on first use: the token itself was bad, reuse is still fine
    expect(source.invalidate).toHaveBeenCalledTimes(1);
    expect(await s.token('f')).toBe('f#2');
    expect(await s.token('f')).toBe('f#2');
    s.invalidate?.(); // refused after a reuse: this service wants a new token per request
    expect(await s.token('f')).toBe('f#3');
    expect(await s.token('f')).toBe('f#4');
  });

  it('a failed make is not cached', async () => {
    let fail = true;
    const s = cachedSentinel(
      { token: async () => (fail ? Promise.reject(new SentinelUnavailableError('no_tab', 'x')) : 'ok') },
      { lifeMs: 60_000 },
    );
    await expect(s.token('f')).rejects.toBeInstanceOf(SentinelUnavailableError);
    fail = false;
    await expect(s.token('f')).resolves.toBe('ok');
  });
});
