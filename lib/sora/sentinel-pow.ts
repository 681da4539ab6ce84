/**
 * Hand-made sentinel tokens (NOTES.md, *Sentinel token*, "Or made by hand"): the requirements exchange at
 * chatgpt.com, then a proof of work over a browser fingerprint, assembled into the header value
 * `{"p","t","c","id","flow"}`. Everything Sora-specific about it is in this file and `config.ts`.
 *
 * ```
 *   token(flow) ──► site access to chatgpt.com? ──no──► SentinelUnavailableError('no_access')
 *                        │ yes
 *                        ▼
 *   POST /backend-api/sentinel/req {p: "gAAAAAC"+requirements, id: uuid, flow: "sora_init"}
 *                        │ {token, proofofwork:{required, seed, difficulty}, turnstile:{dx}}
 *                        ▼                                  (no answer / junk ──► 'exchange_failed')
 *   find b: sha3_512(seed + b) ≤ difficulty   (in slices, yielding to the event loop between them)
 *                        ▼
 *   {"p":"gAAAAAB"+b+"~S", "t":dx, "c":token, "id":uuid, "flow":flow}
 * ```
 *
 * The fingerprint's exact fields are *unverified*; what is known is its shape (18 values, an attempt counter at
 * index 3, the elapsed time at index 9) and that the service checks the hash against the seed it issued.
 */
import { sha3_512 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as v from 'valibot';
import { yieldToEventLoop } from '../util/yield';
import { SENTINEL_INIT_FLOW, SENTINEL_REQUIREMENTS_URL, SENTINEL_SDK_URL } from './config';
import { type SentinelFlow, type SentinelSource, SentinelUnavailableError } from './sentinel';

export const REQUIREMENTS_PREFIX = 'gAAAAAC';
export const PROOF_PREFIX = 'gAAAAAB';
export const PROOF_SUFFIX = '~S';
/** The requirements proof is a light proof of its own, at a fixed easy difficulty (as public clients do). */
const REQUIREMENTS_DIFFICULTY = '0fffff';

/** What the fingerprint reads from the environment; the background passes the worker's own values. */
export interface FingerprintEnv {
  userAgent: string;
  language: string;
  languages: readonly string[];
  hardwareConcurrency: number;
  /** Screen width + height; a service worker has no screen, so a common desktop size stands in. */
  screenSum: number;
  heapLimit: number;
  timeOrigin: number;
  performanceNow(): number;
}

export function workerFingerprintEnv(): FingerprintEnv {
  const nav = globalThis.navigator as Navigator | undefined;
  const perf = globalThis.performance as
    | (Performance & { memory?: { jsHeapSizeLimit?: number } })
    | undefined;
  return {
    userAgent: nav?.userAgent ?? '',
    language: nav?.language ?? 'en-US',
    languages: nav?.languages ?? ['en-US'],
    hardwareConcurrency: nav?.hardwareConcurrency ?? 8,
    screenSum: 1920 + 1080,
    heapLimit: perf?.memory?.jsHeapSizeLimit ?? 4294705152,
    timeOrigin: perf?.timeOrigin ?? Date.now(),
    performanceNow: () => perf?.now() ?? 0,
  };
}

/** The 18-value fingerprint array; `attempt` and `elapsedMs` change per try. */
export function fingerprint(env: FingerprintEnv, sid: string, attempt: number, elapsedMs: number): unknown[] {
  return [
    env.screenSum,
    new Date().toString(),
    env.heapLimit,
    attempt,
    env.userAgent,
    SENTINEL_SDK_URL,
    null,
    env.language,
    env.languages.join(','),
    elapsedMs,
    `hardwareConcurrency−${env.hardwareConcurrency}`,
    'location',
    'fetch',
    env.performanceNow(),
    sid,
    '',
    env.hardwareConcurrency,
    env.timeOrigin,
  ];
}

/** base64 of the UTF-8 JSON (the date string may hold a non-Latin time-zone name, which `btoa` refuses). */
export function encodeFingerprint(config: readonly unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(config));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Whether `sha3_512(seed + b)` starts at or below the hex `difficulty` (compared over its length). */
export function meetsDifficulty(seed: string, b: string, difficulty: string): boolean {
  const hex = bytesToHex(sha3_512(new TextEncoder().encode(seed + b)));
  return hex.slice(0, difficulty.length) <= difficulty.toLowerCase();
}

export interface SolveOptions {
  /** Give up after this many tries. */
  maxAttempts?: number;
  /** Work this long before letting the event loop run. */
  sliceMs?: number;
  yieldFn?: () => Promise<void>;
  clock?: () => number;
}

/** Finds a fingerprint `b` for the challenge; `null` when `maxAttempts` are used up. */
export async function solveProof(
  seed: string,
  difficulty: string,
  env: FingerprintEnv,
  sid: string,
  options: SolveOptions = {},
): Promise<{ b: string; attempts: number } | null> {
  const maxAttempts = options.maxAttempts ?? 2_000_000;
  const sliceMs = options.sliceMs ?? 8;
  const yieldFn = options.yieldFn ?? yieldToEventLoop;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  let sliceStart = started;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const b = encodeFingerprint(fingerprint(env, sid, attempt, Math.round(clock() - started)));
    if (meetsDifficulty(seed, b, difficulty)) return { b, attempts: attempt + 1 };
    if (clock() - sliceStart >= sliceMs) {
      await yieldFn();
      sliceStart = clock();
    }
  }
  return null;
}

const challengeSchema = v.looseObject({
  token: v.pipe(v.string(), v.minLength(1)),
  proofofwork: v.optional(
    v.nullable(
      v.looseObject({
        required: v.optional(v.nullable(v.boolean())),
        seed: v.optional(v.nullable(v.string())),
        difficulty: v.optional(v.nullable(v.string())),
      }),
    ),
  ),
  turnstile: v.optional(v.nullable(v.looseObject({ dx: v.optional(v.nullable(v.string())) }))),
});

export interface PowSentinelDeps {
  /** Whether the extension may reach chatgpt.com (its site access may be withheld by the user). */
  hasAccess(): Promise<boolean>;
  fetch?: typeof fetch;
  env?: () => FingerprintEnv;
  uuid?: () => string;
  /** The exchange may take this long. Default 15 s. */
  timeoutMs?: number;
  solve?: SolveOptions;
}

const HEX = /^[0-9a-fA-F]{1,32}$/;

export function powSentinel(deps: PowSentinelDeps): SentinelSource {
  const fetchFn = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const env = deps.env ?? workerFingerprintEnv;
  const uuid = deps.uuid ?? (() => crypto.randomUUID());
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const failed = (why: string) => new SentinelUnavailableError('exchange_failed', why);

  async function requirements(e: FingerprintEnv, sid: string): Promise<string> {
    const seed = String(Math.random());
    const solved = await solveProof(seed, REQUIREMENTS_DIFFICULTY, e, sid, deps.solve);
    if (!solved) throw failed('could not make the requirements proof');
    return REQUIREMENTS_PREFIX + solved.b + PROOF_SUFFIX;
  }

  return {
    async token(flow: SentinelFlow) {
      let access = false;
      try {
        access = await deps.hasAccess();
      } catch {
        access = false;
      }
      if (!access) throw new SentinelUnavailableError('no_access', 'no site access to chatgpt.com');
      const e = env();
      const id = uuid();
      let answer: unknown;
      try {
        const res = await fetchFn(SENTINEL_REQUIREMENTS_URL, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body: JSON.stringify({ p: await requirements(e, id), id, flow: SENTINEL_INIT_FLOW }),
          credentials: 'include',
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) throw failed(`the requirements exchange answered ${res.status}`);
        answer = await res.json();
      } catch (err) {
        if (err instanceof SentinelUnavailableError) throw err;
        throw failed('the requirements exchange did not answer');
      }
      const parsed = v.safeParse(challengeSchema, answer);
      if (!parsed.success) throw failed('the requirements exchange gave no challenge');
      const { token, proofofwork, turnstile } = parsed.output;
      let p: string;
      if (proofofwork?.required) {
        const { seed, difficulty } = proofofwork;
        if (!seed || !difficulty || !HEX.test(difficulty))
          throw failed('the challenge has no seed or difficulty');
        const solved = await solveProof(seed, difficulty, e, id, deps.solve);
        if (!solved) throw failed('the proof of work was not found');
        p = PROOF_PREFIX + solved.b + PROOF_SUFFIX;
      } else {
        p = PROOF_PREFIX + encodeFingerprint(fingerprint(e, id, 0, 0)) + PROOF_SUFFIX;
      }
      return JSON.stringify({ p, t: turnstile?.dx ?? '', c: token, id, flow });
    },
  };
}
