/**
 * The `openai-sentinel-token` header behind one interface.
 *
 * The endpoint reference says "a random 10–20 character string"; the real service stopped accepting those in
 * January 2026 (NOTES.md, *Sentinel token*). A real token is made either by OpenAI's sentinel SDK in a
 * sora.chatgpt.com page (lib/sentinel-page) or by hand: the requirements exchange at chatgpt.com plus a proof of
 * work (`./sentinel-pow.ts`). The background chains them (`chainSentinel`), caches what they make
 * (`cachedSentinel`), and when no source can make a token the request is not sent: the caller gets
 * `SentinelUnavailableError` (→ SoraError `sentinel_unavailable`) and the job waits. A random string is never
 * sent.
 *
 * Flow names (the `flow` field of a real sentinel token):
 * - `sora_2_create_task` — every generation request: `POST /nf/create`, `POST /nf/create/storyboard`,
 *   `POST /video_gen` (images) and `long_video_extension`. This is the flow seen in real browser traffic.
 * - `sora_2_create_post` — `POST /project_y/post` (publishing). Not observed on the wire; our best guess
 *   following the same naming.
 */

export const SENTINEL_FLOWS = {
  createTask: 'sora_2_create_task',
  createPost: 'sora_2_create_post',
} as const;

export type KnownSentinelFlow = (typeof SENTINEL_FLOWS)[keyof typeof SENTINEL_FLOWS];
/** A known flow name, or any other string a future endpoint might need. */
export type SentinelFlow = KnownSentinelFlow | (string & {});

export interface SentinelContext {
  /** The `oai-did` device id the request goes out with (`oai-device-id`); SDK tokens carry it as `id`. */
  deviceId?: string;
}

export interface SentinelSource {
  /**
   * A token for one request of the given flow. Rejects with `SentinelUnavailableError` when this source cannot
   * make one now (no tab, no access, the exchange failed); any other rejection counts as `exchange_failed`.
   */
  token(flow: SentinelFlow, ctx?: SentinelContext): Promise<string>;
  /** Called when Sora refused a token: drop any cached token so the next `token()` is fresh. */
  invalidate?(): void;
}

/**
 * Why no token could be made, best first (a chain reports the most useful one):
 * - `no_access`: no Sora tab answered and the extension may not reach chatgpt.com (site access withheld).
 * - `exchange_failed`: chatgpt.com's requirements exchange did not give a usable challenge.
 * - `no_tab`: no sora.chatgpt.com tab could make one (and no other source was tried).
 */
export type SentinelUnavailableReason = 'no_access' | 'exchange_failed' | 'no_tab';

export class SentinelUnavailableError extends Error {
  readonly reason: SentinelUnavailableReason;
  constructor(reason: SentinelUnavailableReason, message: string) {
    super(message);
    this.name = 'SentinelUnavailableError';
    this.reason = reason;
  }
}

const REASON_RANK: Record<SentinelUnavailableReason, number> = {
  no_access: 0,
  exchange_failed: 1,
  no_tab: 2,
};

function asUnavailable(e: unknown): SentinelUnavailableError {
  if (e instanceof SentinelUnavailableError) return e;
  return new SentinelUnavailableError('exchange_failed', e instanceof Error ? e.message : String(e));
}

/**
 * Asks each source in order and answers with the first token. When all fail, rejects with the reason that tells
 * the user most (no access beats a failed exchange beats no tab).
 */
export function chainSentinel(sources: readonly SentinelSource[]): SentinelSource {
  return {
    async token(flow, ctx) {
      let best: SentinelUnavailableError | null = null;
      for (const source of sources) {
        try {
          const value = await source.token(flow, ctx);
          if (typeof value === 'string' && value.length > 0) return value;
          throw new SentinelUnavailableError('exchange_failed', 'an empty sentinel token');
        } catch (e) {
          const why = asUnavailable(e);
          if (best === null || REASON_RANK[why.reason] < REASON_RANK[best.reason]) best = why;
        }
      }
      throw best ?? new SentinelUnavailableError('no_tab', 'no sentinel source');
    },
    invalidate() {
      for (const source of sources) source.invalidate?.();
    },
  };
}

export interface CachedSentinelOptions {
  /** How long a token is used before a new one is made. */
  lifeMs: number;
  now?: () => number;
}

interface CacheEntry {
  value: Promise<string>;
  madeAt: number;
  used: boolean;
}

/**
 * Keeps a token per flow and device for its useful life, made once however many requests ask at the same time.
 * Real clients reuse SDK tokens until refused (NOTES.md). When Sora refuses a token this cache had already
 * handed out before, it learns that tokens are single-use here and stops reusing them for the rest of this
 * worker's life — so a service that does not accept replays costs one refusal, not one per request.
 */
export function cachedSentinel(source: SentinelSource, options: CachedSentinelOptions): SentinelSource {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  let singleUse = false;
  let reusedSinceInvalidate = false;
  return {
    token(flow, ctx) {
      const key = `${flow}\n${ctx?.deviceId ?? ''}`;
      const hit = cache.get(key);
      if (hit && now() - hit.madeAt < options.lifeMs && !(singleUse && hit.used)) {
        if (hit.used) reusedSinceInvalidate = true;
        hit.used = true;
        return hit.value;
      }
      const entry: CacheEntry = { value: source.token(flow, ctx), madeAt: now(), used: true };
      cache.set(key, entry);
      entry.value.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
      return entry.value;
    },
    invalidate() {
      if (reusedSinceInvalidate) singleUse = true;
      reusedSinceInvalidate = false;
      cache.clear();
      source.invalidate?.();
    },
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A uniformly random alphanumeric string of `length` characters (rejection sampling, no modulo bias). */
export function randomAlphanumeric(length: number): string {
  const n = ALPHANUMERIC.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b >= limit) continue;
      out += ALPHANUMERIC[b % n];
      if (out.length === length) break;
    }
  }
  return out;
}
