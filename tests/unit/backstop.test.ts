import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { keepBackstop, persistedWorker } from '../../lib/background/backstop';

const yes = async () => true;

describe('the wake-up alarm of a persisted worker', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps its first schedule while work stays open', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await keepBackstop('w', yes);
      const first = (await fakeBrowser.alarms.get('w'))?.scheduledTime;
      vi.setSystemTime(Date.now() + 20_000);
      await keepBackstop('w', yes);
      expect((await fakeBrowser.alarms.get('w'))?.scheduledTime).toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows the work as it is when the last check runs (the work ended: no alarm left)', async () => {
    let open = true;
    // The first check reads "open" and is held until the test lets it finish; the end of the work is
    // announced (a second check) while it is held.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reads = 0;
    const isOpen = async () => {
      const seen = open;
      if (++reads === 1) await held;
      return seen;
    };
    const slow = keepBackstop('w', isOpen);
    await vi.waitFor(() => expect(reads).toBe(1));
    open = false;
    const ended = keepBackstop('w', isOpen);
    release();
    await Promise.all([slow, ended]);
    expect(await fakeBrowser.alarms.get('w')).toBeUndefined();
    // Work again: the next check keeps an alarm.
    open = true;
    await keepBackstop('w', isOpen);
    expect(await fakeBrowser.alarms.get('w')).toBeDefined();
  });

  it('the runner: each wake-up runs a round, then the alarm follows the work', async () => {
    let open = 2;
    const rounds: string[] = [];
    const runner = persistedWorker('w', {
      label: 'w',
      tick: async () => {
        rounds.push('tick');
        open--;
      },
      afterTick: async () => void rounds.push('after'),
      isOpen: async () => open > 0,
    });
    const alarm = () => fakeBrowser.alarms.get('w');
    runner.wake();
    await vi.waitFor(async () => expect(await alarm()).toBeDefined());
    // The alarm is the runner's own: firing it is another wake-up, which ends the work and clears it.
    runner.alarms.w?.();
    await vi.waitFor(async () => expect(await alarm()).toBeUndefined());
    expect(rounds).toEqual(['tick', 'after', 'tick', 'after']);
    // New work (a change) brings the alarm back without a round.
    open = 1;
    runner.changed();
    await vi.waitFor(async () => expect(await alarm()).toBeDefined());
    expect(rounds).toHaveLength(4);
  });
});
