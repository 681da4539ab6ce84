/**
 * The sentinel service as the simulator enforces it (NOTES.md, *Sentinel token*).
 *
 * Tokens it recognises, as logged in `LogEntry.sentinelSource`:
 * - `page`: made by the SDK stand-in of a simulated Sora page, carrying the request's device id as `id`;
 *   `page_no_device` when its `id` is not the request's `oai-device-id`.
 * - `pow`: hand-made, its `c` a challenge this simulator issued at `chatgpt.com/backend-api/sentinel/req`, its
 *   `id` the one sent with that exchange, and `sha3_512(seed + b)` within the issued difficulty;
 *   `bad_proof` when the hash misses, `expired` past the token's life, `replayed` when the challenge was
 *   already used and `sentinelSingleUse` is on.
 * - `json`: well-formed JSON naming a challenge nobody issued; `random`: the reference's 10–20 characters;
 *   `invalid`: anything else; `missing`: no header.
 *
 * Modes: `lenient` accepts everything but `invalid` / `missing`; `page_only` accepts page tokens only;
 * `strict` accepts `page` and `pow` only (the real service since January 2026).
 */
import { sha3_512 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SentinelSource, SimConfig } from './types';

export interface SentinelChallenge {
  token: string;
  seed: string;
  difficulty: string;
  /** The `id` sent with the exchange: hand-made tokens carry it. */
  id: string;
  issuedAt: number;
  uses: number;
}

const PROOF = /^gAAAAAB(.+)~S$/;

export function decodeFingerprint(b: string): unknown[] | null {
  try {
    const bytes = Uint8Array.from(atob(b), (ch) => ch.charCodeAt(0));
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export function proofMeets(seed: string, b: string, difficulty: string): boolean {
  const hex = bytesToHex(sha3_512(new TextEncoder().encode(seed + b)));
  return hex.slice(0, difficulty.length) <= difficulty.toLowerCase();
}

export interface ClassifyInput {
  value: string;
  deviceId: string | null;
  pageKeys: ReadonlySet<string>;
  challenges: Map<string, SentinelChallenge>;
  config: Pick<SimConfig, 'sentinelTokenLifeSec' | 'sentinelSingleUse'>;
  /** Real epoch ms (a token's life is wall-clock time, whatever the sim clock's speed). */
  now: number;
}

/** What kind of token a request carried; counts a use of a hand-made token's challenge. */
export function classifySentinelToken(input: ClassifyInput): SentinelSource {
  const v = input.value.trim();
  if (!v) return 'missing';
  if (!v.startsWith('{')) return /^[A-Za-z0-9]{10,20}$/.test(v) ? 'random' : 'invalid';
  let t: Record<string, unknown>;
  try {
    t = JSON.parse(v) as Record<string, unknown>;
  } catch {
    return 'invalid';
  }
  if (!['p', 't', 'c', 'id', 'flow'].every((k) => typeof t[k] === 'string')) return 'invalid';
  const { p, c, id } = t as Record<'p' | 'c' | 'id', string>;
  if (input.pageKeys.has(c)) return id === input.deviceId ? 'page' : 'page_no_device';
  const challenge = input.challenges.get(c);
  if (!challenge) return 'json';
  challenge.uses++;
  if (id !== challenge.id) return 'json';
  if (input.now - challenge.issuedAt > input.config.sentinelTokenLifeSec * 1000) return 'expired';
  if (input.config.sentinelSingleUse && challenge.uses > 1) return 'replayed';
  const b = PROOF.exec(p)?.[1];
  if (!b || decodeFingerprint(b) === null) return 'bad_proof';
  return proofMeets(challenge.seed, b, challenge.difficulty) ? 'pow' : 'bad_proof';
}

export function sentinelAccepted(mode: SimConfig['sentinelMode'], source: SentinelSource | null): boolean {
  switch (mode) {
    case 'strict':
      return source === 'page' || source === 'pow';
    case 'page_only':
      return source === 'page' || source === 'page_no_device';
    default:
      return source !== null && source !== 'missing' && source !== 'invalid';
  }
}
