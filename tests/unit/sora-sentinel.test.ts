import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fallbackSentinel,
  randomAlphanumeric,
  randomSentinel,
  type SentinelSource,
} from '../../lib/sora/sentinel';

afterEach(() => {
  vi.useRealTimers();
});

describe('randomSentinel', () => {
  it('makes 10–20 alphanumeric characters, different each time', async () => {
    const s = randomSentinel();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const t = await s.token('sora_2_create_task');
      expect(t).toMatch(/^[A-Za-z0-9]{10,20}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(200);
  });

  it('randomAlphanumeric has the asked length', () => {
    expect(randomAlphanumeric(0)).toBe('');
    expect(randomAlphanumeric(64)).toMatch(/^[A-Za-z0-9]{64}$/);
  });
});

describe('fallbackSentinel', () => {
  const fallback: SentinelSource = { token: async () => 'fallback', invalidate: vi.fn() };

  it('uses the primary when it answers', async () => {
    const primary = { token: vi.fn(async (flow: string) => `page-${flow}`) };
    const s = fallbackSentinel(primary, fallback);
    await expect(s.token('sora_2_create_post')).resolves.toBe('page-sora_2_create_post');
  });

  it('falls back when the primary fails or answers nothing', async () => {
    const failing = fallbackSentinel({ token: async () => Promise.reject(new Error('no page')) }, fallback);
    await expect(failing.token('f')).resolves.toBe('fallback');
    const empty = fallbackSentinel({ token: async () => '' }, fallback);
    await expect(empty.token('f')).resolves.toBe('fallback');
  });

  it('falls back when the primary is too slow', async () => {
    vi.useFakeTimers();
    const s = fallbackSentinel({ token: () => new Promise<string>(() => {}) }, fallback, { timeoutMs: 100 });
    const p = s.token('f');
    await vi.advanceTimersByTimeAsync(101);
    await expect(p).resolves.toBe('fallback');
  });

  it('invalidates both sources', () => {
    const primary = { token: async () => 'x', invalidate: vi.fn() };
    const fb = { token: async () => 'y', invalidate: vi.fn() };
    fallbackSentinel(primary, fb).invalidate?.();
    expect(primary.invalidate).toHaveBeenCalledTimes(1);
    expect(fb.invalidate).toHaveBeenCalledTimes(1);
  });
});
