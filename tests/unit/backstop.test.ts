import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { keepBackstop } from '../../lib/background/backstop';

describe('the wake-up alarm of a persisted worker', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps its first schedule while work stays open', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await keepBackstop('w', true);
      const first = (await fakeBrowser.alarms.get('w'))?.scheduledTime;
      vi.setSystemTime(Date.now() + 20_000);
      await keepBackstop('w', true);
      expect((await fakeBrowser.alarms.get('w'))?.scheduledTime).toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows the last call when open and closed cross (the work ended: no alarm left)', async () => {
    await Promise.all([keepBackstop('w', true), keepBackstop('w', false)]);
    expect(await fakeBrowser.alarms.get('w')).toBeUndefined();
    await Promise.all([keepBackstop('w', false), keepBackstop('w', true)]);
    expect(await fakeBrowser.alarms.get('w')).toBeDefined();
  });
});
