/**
 * The wake-up loop shared by the persisted jobs (generation engine, character flow): `tick()` runs one
 * pass, concurrent calls coalesce into at most one more pass, and `arm(at)` keeps a single timer for the
 * next wanted pass. Nothing here is state that matters: after a service-worker stop the owner re-arms
 * from what it stored.
 */
export type CancelTimer = () => void;
export type SetTimer = (fn: () => void, ms: number) => CancelTimer;

export const defaultSetTimer: SetTimer = (fn, ms) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

export interface TickerDeps {
  /** One pass. It arms the next wake-up itself (through `arm`). */
  run(): Promise<void>;
  now(): number;
  setTimer: SetTimer;
  onError(error: unknown): void;
  /** A pass went through (e.g. storage took writes again after refusing them). */
  onOk?(): void;
  /** After a failed pass, try again this soon rather than stalling until an outside wake-up. */
  retryMs: number;
}

export interface Ticker {
  tick(): Promise<void>;
  /** One timer for the next pass at `wake` (epoch ms), or none. */
  arm(wake: number | null): void;
  dispose(): void;
  readonly disposed: boolean;
}

export function createTicker(deps: TickerDeps): Ticker {
  let cancelTimer: CancelTimer | null = null;
  let running: Promise<void> | null = null;
  let rerun = false;
  let disposed = false;

  function arm(wake: number | null): void {
    cancelTimer?.();
    cancelTimer = null;
    if (wake === null || disposed) return;
    cancelTimer = deps.setTimer(
      () => {
        cancelTimer = null;
        void tick();
      },
      Math.max(0, wake - deps.now()),
    );
  }

  function tick(): Promise<void> {
    if (disposed) return Promise.resolve();
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      do {
        rerun = false;
        try {
          await deps.run();
          deps.onOk?.();
        } catch (e) {
          deps.onError(e);
          arm(deps.now() + deps.retryMs);
        }
      } while (rerun && !disposed);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    tick,
    arm,
    dispose() {
      disposed = true;
      cancelTimer?.();
      cancelTimer = null;
    },
    get disposed() {
      return disposed;
    },
  };
}
