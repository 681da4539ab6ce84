import { describe, expect, it, vi } from 'vitest';
import { type AccountReaders, createAccountService } from '../../lib/account/service';
import { toQuota } from '../../lib/account/snapshot';
import { parseEndTs, summarizePlan as toPlan } from '../../lib/sora/endpoints/account';
import { SoraError } from '../../lib/sora/errors';

/** The account snapshot's storage item (lib/util/storage-items.ts), in memory. */
function memoryArea() {
  const slot: { value: unknown } = { value: null };
  return {
    slot,
    async getValue() {
      return slot.value;
    },
    async setValue(value: unknown) {
      slot.value = value;
    },
  };
}

const okReaders = (): AccountReaders => ({
  readMe: async () => ({ email: 'ada@example.com', name: 'Ada', username: 'ada' }),
  readSubscriptions: async () => ({
    data: [{ plan: { id: 'chatgpt_pro', title: 'ChatGPT Pro' }, end_ts: 1_900_000_000 }],
  }),
  readQuota: async () => ({
    estimated_num_videos_remaining: 27,
    rate_limit_reached: false,
    access_resets_in_seconds: 3600,
  }),
});

const noSleep = { attempts: 4, baseMs: 1, sleep: async () => {} };

describe('account snapshot shapes', () => {
  it('reads end_ts as RFC 3339 text, epoch seconds, epoch ms, or numeric text', () => {
    expect(parseEndTs('2025-11-13T16:58:21Z')).toBe(Date.UTC(2025, 10, 13, 16, 58, 21));
    expect(parseEndTs(1_763_052_701)).toBe(1_763_052_701_000);
    expect(parseEndTs(1_763_052_701_000)).toBe(1_763_052_701_000);
    expect(parseEndTs('1763052701')).toBe(1_763_052_701_000);
    expect(parseEndTs(null)).toBeUndefined();
    expect(parseEndTs('not a date')).toBeUndefined();
  });

  it('treats an empty subscription list as the free plan and chatgpt_pro as Pro', () => {
    expect(toPlan({ data: [] })).toBeNull();
    expect(toPlan({})).toBeNull();
    expect(toPlan({ data: [{ plan: { id: 'chatgpt_plus', title: 'ChatGPT Plus' } }] })).toMatchObject({
      isPro: false,
      title: 'ChatGPT Plus',
    });
    expect(toPlan({ data: [{ plan: { id: 'chatgpt_pro', title: null } }] })).toMatchObject({
      isPro: true,
      title: 'chatgpt_pro',
    });
  });

  it('turns access_resets_in_seconds into an absolute reset time', () => {
    expect(
      toQuota(
        { estimated_num_videos_remaining: 0, rate_limit_reached: true, access_resets_in_seconds: 60 },
        1000,
      ),
    ).toEqual({ remaining: 0, rateLimitReached: true, resetsAt: 61_000 });
    expect(toQuota({}, 0)).toBeNull();
  });
});

describe('account service', () => {
  it('caches the snapshot in storage and tells listeners', async () => {
    const cache = memoryArea();
    const onChange = vi.fn();
    const service = createAccountService({ readers: okReaders(), cache, onChange, now: () => 5000 });
    const snap = await service.refresh();
    expect(snap).toMatchObject({
      status: 'ok',
      email: 'ada@example.com',
      plan: { isPro: true },
      quota: { remaining: 27 },
    });
    expect(cache.slot.value).toEqual(snap);
    expect(onChange).toHaveBeenCalledWith(snap);
  });

  it('shares one read among concurrent callers', async () => {
    const readers = okReaders();
    const readMe = vi.fn(readers.readMe);
    const service = createAccountService({ readers: { ...readers, readMe }, cache: memoryArea() });
    await Promise.all([service.refresh(), service.refresh(), service.get({ refresh: true })]);
    expect(readMe).toHaveBeenCalledTimes(1);
  });

  it('retries heavy load and then shows the figures', async () => {
    const readers = okReaders();
    let calls = 0;
    const readQuota = async () => {
      calls++;
      if (calls <= 2) throw new SoraError('heavy_load', 'under heavy load');
      return readers.readQuota();
    };
    const service = createAccountService({
      readers: { ...readers, readQuota },
      cache: memoryArea(),
      retry: noSleep,
    });
    const snap = await service.refresh();
    expect(calls).toBe(3);
    expect(snap).toMatchObject({ status: 'ok', quota: { remaining: 27 } });
    expect(snap.error).toBeUndefined();
  });

  it('keeps the last figures, marked with the error, when Sora cannot be reached', async () => {
    const cache = memoryArea();
    let fail = false;
    const readers = okReaders();
    const readMe = async () => {
      if (fail) throw new SoraError('network', 'offline');
      return readers.readMe();
    };
    const service = createAccountService({ readers: { ...readers, readMe }, cache, retry: noSleep });
    await service.refresh();
    fail = true;
    const snap = await service.refresh();
    expect(snap).toMatchObject({ status: 'ok', email: 'ada@example.com', error: { code: 'network' } });
  });

  it('forgets the account when the session is gone', async () => {
    const cache = memoryArea();
    const service = createAccountService({ readers: okReaders(), cache });
    await service.refresh();
    const gone = createAccountService({
      readers: {
        ...okReaders(),
        readMe: async () => Promise.reject(new SoraError('logged_out', 'no session')),
      },
      cache,
    });
    const snap = await gone.refresh();
    expect(snap.status).toBe('logged_out');
    expect(snap.email).toBeUndefined();
  });

  it('does not retry what retrying cannot fix', async () => {
    const readQuota = vi.fn(async () =>
      Promise.reject(new SoraError('unsupported_country', 'no', { param: 'XX' })),
    );
    const service = createAccountService({
      readers: { ...okReaders(), readQuota },
      cache: memoryArea(),
      retry: noSleep,
    });
    const snap = await service.refresh();
    expect(readQuota).toHaveBeenCalledTimes(1);
    expect(snap).toMatchObject({ status: 'error', error: { code: 'unsupported_country', param: 'XX' } });
  });

  it('answers from a fresh cache without asking Sora', async () => {
    const readers = okReaders();
    const readMe = vi.fn(readers.readMe);
    let now = 0;
    const service = createAccountService({
      readers: { ...readers, readMe },
      cache: memoryArea(),
      now: () => now,
    });
    await service.refresh();
    now = 10_000;
    await service.get();
    expect(readMe).toHaveBeenCalledTimes(1);
    now = 60_000;
    await service.get();
    expect(readMe).toHaveBeenCalledTimes(2);
  });

  it('a read still out when the person logs out does not bring the account back', async () => {
    const cache = memoryArea();
    const onChange = vi.fn();
    let answer: () => void = () => {};
    const readers = okReaders();
    let reads = 0;
    const service = createAccountService({
      readers: {
        ...readers,
        // The first read waits for the test; a later one (the next login) answers at once.
        readMe: () =>
          reads++ === 0
            ? new Promise((resolve) => (answer = () => resolve(readers.readMe())))
            : readers.readMe(),
      },
      cache,
      onChange,
    });
    const late = service.refresh();
    await service.markLoggedOut();
    answer();
    expect((await late).status).toBe('logged_out');
    expect(onChange).toHaveBeenLastCalledWith({ status: 'logged_out' });
    expect(await service.get()).toMatchObject({ status: 'ok', email: 'ada@example.com' });
  });
});
