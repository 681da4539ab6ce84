import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from '../../lib/util/backoff';

describe('backoff', () => {
  it('grows exponentially, stays within the cap and keeps jitter in the upper half', () => {
    expect(backoffDelay(0, { baseMs: 1000, random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { baseMs: 1000, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { baseMs: 1000, random: () => 1 })).toBe(8000);
    expect(backoffDelay(30, { baseMs: 1000, maxMs: 60_000, random: () => 1 })).toBe(60_000);
  });

  it('retries only retryable errors, up to the attempt limit', async () => {
    const slept: number[] = [];
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('boom');
        },
        {
          attempts: 3,
          shouldRetry: () => true,
          sleep: async (ms) => void slept.push(ms),
          random: () => 1,
          baseMs: 10,
        },
      ),
    ).rejects.toThrow('boom');
    expect(calls).toBe(3);
    expect(slept).toEqual([10, 20]);

    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('final');
        },
        { attempts: 5, shouldRetry: () => false },
      ),
    ).rejects.toThrow('final');
    expect(calls).toBe(1);
  });
});
