/**
 * The one runner of a persisted worker (jobs, downloads, characters), and the alarm that wakes it while it has
 * open work: a stopped service worker loses its timers, an alarm survives. The alarm is created only when
 * absent: `alarms.create` on an existing name restarts its period, so creating it on every change would keep
 * pushing the first wake-up away for as long as a busy batch keeps changing.
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

/** What the runner needs from a persisted worker (the job engine, the downloads, the character flow). */
export interface PersistedWork {
  /** One round of its work; it re-arms its own in-life timer. */
  tick(): Promise<void>;
  /** Whether an alarm must keep waking a stopped worker for it. */
  isOpen(): Promise<boolean>;
  /** False when it must not run at all now (e.g. a newer version's read-only database). */
  canRun?(): Promise<boolean>;
  /** After each round that ran (e.g. the badge): the backstop's check follows it. */
  afterTick?(): Promise<void>;
  label: string;
}

/**
 * The one runner of a persisted worker in the background: every wake-up (the worker's start, any message,
 * its alarm) runs a round and then keeps or clears its backstop alarm; every change of its work keeps or
 * clears the alarm too. The worker's own events go to pages from its feature.
 */
export function persistedWorker(alarm: string, work: PersistedWork) {
  const keep = (): Promise<void> => keepBackstop(alarm, () => work.isOpen());
  const round = async () => {
    if (work.canRun && !(await work.canRun())) return;
    await work.tick();
    await work.afterTick?.();
    await keep();
  };
  const wake = (): void => {
    void round().catch((e: unknown) => console.warn(`[${work.label}]`, e instanceof Error ? e.message : e));
  };
  return {
    wake,
    /** After a change of its work (a new job, one that ended): keep or clear the alarm. */
    changed: (): void => void keep().catch(() => {}),
    alarms: { [alarm]: wake } as Readonly<Record<string, () => void>>,
  };
}
