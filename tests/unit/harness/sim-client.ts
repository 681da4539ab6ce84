/**
 * A request core for one simulator user, as most unit tests against the in-process simulator need it: the
 * user exists (plan as asked), its access token is fixed, the reference's random sentinel token (the
 * simulator is lenient unless a test asks for more), and the core's clock is the simulator's.
 */
import { createSoraHttp, type FetchFn } from '../../../lib/sora/http';
import { createSim } from '../../sim/app';
import type { SimConfigPatch } from '../../sim/types';
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
