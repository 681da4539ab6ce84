import type { ClockView } from './types';

/**
 * Sim time runs at `speed` × real time from an anchor. Changing the speed re-anchors, so time never jumps.
 * Real time is read through `Date.now()` on every call, so vitest fake timers drive the sim clock too.
 */
export class SimClock {
  #anchorReal = 0;
  #anchorSim = 0;
  #speed = 1;

  constructor(speed = 1, startAt: number | null = null) {
    this.reset(speed, startAt);
  }

  reset(speed = 1, startAt: number | null = null): void {
    this.#anchorReal = Date.now();
    this.#anchorSim = startAt ?? this.#anchorReal;
    this.#speed = checkSpeed(speed);
  }

  /** Sim epoch milliseconds. */
  now(): number {
    return Math.floor(this.#anchorSim + (Date.now() - this.#anchorReal) * this.#speed);
  }

  get speed(): number {
    return this.#speed;
  }

  setSpeed(speed: number): void {
    const now = this.now();
    this.#anchorReal = Date.now();
    this.#anchorSim = now;
    this.#speed = checkSpeed(speed);
  }

  /** Moves sim time forward (negative values are refused: lazily computed states must never go back). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance needs a finite ms >= 0, got ${ms}`);
    this.#anchorSim += ms;
  }

  view(): ClockView {
    const now = this.now();
    return { now, iso: new Date(now).toISOString(), speed: this.#speed };
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0)
    throw new RangeError(`speed must be a finite number >= 0, got ${speed}`);
  return speed;
}
