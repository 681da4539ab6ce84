/**
 * The alarm that wakes a persisted worker (jobs, downloads, characters) while it has open work: a stopped
 * service worker loses its timers, an alarm survives. Created only when absent: `alarms.create` on an
 * existing name restarts its period, so creating it on every change would keep pushing the first wake-up
 * away for as long as a busy batch keeps changing.
 */
import { browser } from 'wxt/browser';

/** Chrome's shortest period for a packed extension. */
export const BACKSTOP_PERIOD_MIN = 0.5;

/** Per alarm: the check running now, and the one queued behind it. */
const lines = new Map<string, { running: Promise<void>; queued: Promise<void> | null }>();

/**
 * Keeps the alarm while `isOpen()` says there is open work, clears it otherwise. Checks of one alarm run one
 * at a time and each reads the state when it runs: a check that read "open" before the work ended can
 * no longer create the alarm after the check that saw the end cleared it. Calls while one is queued share it.
 */
export function keepBackstop(name: string, isOpen: () => Promise<boolean>): Promise<void> {
  const line = lines.get(name);
  if (line?.queued) return line.queued;
  const check = async () => {
    if (!(await isOpen())) await browser.alarms.clear(name);
    else if (!(await browser.alarms.get(name)))
      await browser.alarms.create(name, { periodInMinutes: BACKSTOP_PERIOD_MIN });
  };
  const after = line?.running.catch(() => {}) ?? Promise.resolve();
  const run: Promise<void> = after.then(() => {
    const current = lines.get(name);
    if (current) current.queued = null;
    return check();
  });
  const entry = { running: run, queued: run as Promise<void> | null };
  lines.set(name, entry);
  void run
    .catch(() => {})
    .then(() => {
      if (lines.get(name) === entry) lines.delete(name);
    });
  return run;
}
