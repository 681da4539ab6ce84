/**
 * Exponential backoff with full jitter: spreads retries of many clients (and of many jobs of one client)
 * so they do not hit a loaded server in lockstep.
 */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1 → the random value; tests pass a fixed one. */
  random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt));
  // Never zero: half fixed, half random keeps some spacing even with an unlucky draw.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryOptions extends BackoffOptions {
  attempts: number;
  shouldRetry: (error: unknown) => boolean;
  /** Overrides the computed delay, e.g. from a retry-after header. */
  delayFor?: (error: unknown, computedMs: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn` until it succeeds, a non-retryable error occurs or the attempts are used up. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= opts.attempts || !opts.shouldRetry(error)) throw error;
      const computed = backoffDelay(attempt, opts);
      await sleep(opts.delayFor ? opts.delayFor(error, computed) : computed);
    }
  }
}
