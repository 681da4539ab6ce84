/**
 * The user's "wait for Sora to answer" setting, handed to the request core, the job engine, the download
 * worker and the character flow as numbers (lib/util/patience.ts derives them). Read once, then followed
 * through storage changes, so a change applies to the next wait without a restart and no request waits on a
 * storage read. One follower serves them all: one read at start-up, one storage listener.
 */
import type { FlowOptions } from '../characters/context';
import type { PatienceOptions } from '../jobs/context';
import type { MediaWaits } from '../media/context';
import { loadSettings, onSettingsChanged } from '../settings';
import { DEFAULT_PATIENCE_WAITS, type PatienceWaits, patienceWaits } from '../util/patience';

/** The current waits. Made once per worker life (./services.ts) and handed to every part that waits on Sora. */
export function followPatience(): () => Promise<PatienceWaits> {
  let current: Promise<PatienceWaits> = loadSettings().then(
    (s) => patienceWaits(s.patienceSec),
    () => DEFAULT_PATIENCE_WAITS,
  );
  onSettingsChanged((s) => {
    current = Promise.resolve(patienceWaits(s.patienceSec));
  });
  return () => current;
}

export const requestTimeout = (waits: () => Promise<PatienceWaits>) => async (): Promise<number> =>
  (await waits()).requestTimeoutMs;

export const engineWaits = (waits: () => Promise<PatienceWaits>) => async (): Promise<PatienceOptions> => {
  const w = await waits();
  return { orphanGraceMs: w.orphanGraceMs, serviceRecheckMs: w.recheckMs };
};

export const mediaWaits = (waits: () => Promise<PatienceWaits>) => async (): Promise<MediaWaits> => {
  const w = await waits();
  return { waitMs: w.recheckMs, publishSettleMs: w.publishSettleMs };
};

export const flowWaits =
  (waits: () => Promise<PatienceWaits>) => async (): Promise<Pick<FlowOptions, 'waitMs'>> => ({
    waitMs: (await waits()).recheckMs,
  });
