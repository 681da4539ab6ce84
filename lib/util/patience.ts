/**
 * "Wait for Sora to answer": one number the user sets (settings `patienceSec`), and every wait that exists
 * because Sora may be slow to answer a request or to list what it did. They come from here and nowhere else,
 * so they keep their order when the number changes (a fast connection can take 10 s, a slow one 90 s).
 *
 * Not derived from it, on purpose: what Sora tells us to wait (Retry-After, the daily limit's reset time, its
 * concurrency ceiling), how long Sora takes to generate (stall and resolve limits), and our own backoff caps.
 * Those protect Sora from us or follow Sora's pace, not the line's.
 *
 * Pure numbers, no settings or browser imports: lib/sora and the features receive numbers, the background
 * reads the setting and passes them down (lib/background/patience.ts).
 */

/** The setting's range and default, in seconds (the default reproduces every wait as it always was). */
export const PATIENCE_SEC = { min: 5, max: 120, default: 30 } as const;

export interface PatienceWaits {
  /** One request to Sora with no answer is given up after this (lib/sora/http.ts, the session read). */
  requestTimeoutMs: number;
  /**
   * An unanswered create is looked for on Sora this long after it was sent before it is sent again
   * (lib/jobs: `orphanGraceMs`, and the slot it holds meanwhile).
   */
  orphanGraceMs: number;
  /** "Not among your posts" is believed only once an unanswered publish is this old (lib/media). */
  publishSettleMs: number;
  /**
   * How soon a stopping condition is looked at again: Sora not answering (lib/jobs `serviceRecheckMs`, the
   * first of its doubling re-checks), a download's or a character's wait on logged out / limits / browser check
   * (lib/media `WAIT_MS`, lib/characters `waitMs`). Sora's own Retry-After still wins where it is longer.
   */
  recheckMs: number;
}

/** The setting as a whole number within its range; anything unreadable is the default. */
export function clampPatienceSec(sec: unknown): number {
  if (typeof sec !== 'number' || !Number.isFinite(sec)) return PATIENCE_SEC.default;
  return Math.min(PATIENCE_SEC.max, Math.max(PATIENCE_SEC.min, Math.round(sec)));
}

export function patienceWaits(sec: number = PATIENCE_SEC.default): PatienceWaits {
  const request = clampPatienceSec(sec) * 1000;
  return {
    requestTimeoutMs: request,
    // The request timed out, but Sora may have taken the create and only answer late, or list the task a
    // moment after: a second request's worth of waiting past the timeout before anything is sent twice.
    orphanGraceMs: 2 * request,
    // A publish Sora was still working on when we gave up appears in the posts list shortly after the
    // timeout; half a request's worth past it is enough, and the download goes on sooner than a create would.
    publishSettleMs: 1.5 * request,
    // Longer than one request, so a look never starts while the previous one may still hang; and a person
    // who waits less for an answer also hears sooner that the condition is gone.
    recheckMs: 2 * request,
  };
}

/** The waits with the default setting: the constants the features start from. */
export const DEFAULT_PATIENCE_WAITS: PatienceWaits = patienceWaits();
