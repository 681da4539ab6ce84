/**
 * The alarm that wakes a persisted worker (jobs, downloads, characters) while it has open work: a stopped
 * service worker loses its timers, an alarm survives. Created only when absent: `alarms.create` on an
 * existing name restarts its period, so creating it on every change would keep pushing the first wake-up
 * away for as long as a busy batch keeps changing.
 */
import { browser } from 'wxt/browser';

/** Chrome's shortest period for a packed extension. */
export const BACKSTOP_PERIOD_MIN = 0.5;

/** One chain per alarm: a look-then-create must not land after a later call's clear. */
const chains = new Map<string, Promise<void>>();

export function keepBackstop(name: string, open: boolean): Promise<void> {
  const run = (chains.get(name) ?? Promise.resolve()).then(async () => {
    if (!open) {
      await browser.alarms.clear(name);
      return;
    }
    if (!(await browser.alarms.get(name)))
      await browser.alarms.create(name, { periodInMinutes: BACKSTOP_PERIOD_MIN });
  });
  chains.set(
    name,
    run.catch(() => {}),
  );
  return run;
}
