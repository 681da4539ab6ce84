/**
 * A request core for one simulator user, as most unit tests against the in-process simulator need it: the
 * user exists (plan as asked), its access token is fixed, the reference's random sentinel token (the
 * simulator is lenient unless a test asks for more), and the core's clock is the simulator's.
 */
import { openCompanionDb } from '../../../lib/db/schema';
import { createEngine } from '../../../lib/jobs/engine';
import { createSoraPort } from '../../../lib/jobs/sora-port';
import { isFinal } from '../../../lib/jobs/states';
import { createSoraHttp, type FetchFn } from '../../../lib/sora/http';
import { createSim } from '../../sim/app';
import type { SimConfigPatch } from '../../sim/types';
import { createManualClock, runUntil } from '../fakes/jobs';
import { randomSentinel } from './random-sentinel';

export interface SimClientOptions {
  email: string;
  seed: number;
  plan?: 'free' | 'plus' | 'pro';
  config?: SimConfigPatch;
  /** Wraps the simulator's fetch (to drop, delay or count calls). */
  wrapFetch?: (f: FetchFn) => FetchFn;
}

export function simClient(opts: SimClientOptions) {
  const sim = createSim({ speed: 0, seed: opts.seed, ...opts.config });
  sim.control.upsertUser({ email: opts.email, plan: opts.plan ?? 'pro' });
  const token = sim.control.accessToken(opts.email);
  const http = createSoraHttp({
    fetch: opts.wrapFetch ? opts.wrapFetch(sim.fetch) : sim.fetch,
    getAccessToken: async () => token,
    sentinel: randomSentinel(),
    now: () => sim.clock.now(),
  });
  return { sim, http, token };
}

/**
 * The real job engine against a simulator user, on the simulator's clock (driven by hand): `runToEnd()` ticks
 * until every job is final or `limitMs` of simulated time has passed. The caller closes `db`.
 */
export async function simEngine(opts: SimClientOptions & { dbName: string; limitMs: number }) {
  const { sim, http, token } = simClient(opts);
  const db = await openCompanionDb({ name: opts.dbName });
  const clock = createManualClock(sim.clock.now(), {
    now: () => sim.clock.now(),
    advance: (ms) => sim.clock.advance(ms),
  });
  const engine = createEngine({
    db,
    port: createSoraPort(http),
    now: clock.now,
    setTimer: clock.setTimer,
    random: () => 0.5,
    autoTick: false,
  });
  const runToEnd = async () => {
    await engine.tick();
    return runUntil(
      engine,
      clock,
      async () => (await engine.list()).every((j) => isFinal(j.state)),
      opts.limitMs,
    );
  };
  return { sim, http, token, db, engine, runToEnd };
}
