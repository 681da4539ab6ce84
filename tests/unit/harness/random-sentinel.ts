/**
 * The reference's sentinel: a random 10–20 character string per request. The real service refuses these and
 * the product never sends one; unit tests that are not about tokens use it against the lenient simulator.
 */
import { randomAlphanumeric, type SentinelSource } from '../../../lib/sora/sentinel';

export function randomSentinel(): SentinelSource {
  return { token: async () => randomAlphanumeric(10 + Math.floor(Math.random() * 11)) };
}
