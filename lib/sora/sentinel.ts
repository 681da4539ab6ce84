/**
 * The `openai-sentinel-token` header behind one interface.
 *
 * The endpoint reference says the header is a random 10–20 character alphanumeric string, and the simulator
 * accepts that ({@link randomSentinel}). The real service wants a proof-of-work token from OpenAI's sentinel
 * SDK, which the sora.chatgpt.com page can produce; a page-provided source can later be put in front of the
 * random one with {@link fallbackSentinel} without touching any caller.
 *
 * Flow names (the `flow` field of a real sentinel token):
 * - `sora_2_create_task` — every generation request: `POST /nf/create`, `POST /nf/create/storyboard` and
 *   `POST /video_gen` (images). This is the flow seen in real browser traffic.
 * - `sora_2_create_post` — `POST /project_y/post` (publishing). Not observed on the wire; our best guess
 *   following the same naming. A source that does not know a flow should fall back to `sora_2_create_task`.
 */

export const SENTINEL_FLOWS = {
  createTask: 'sora_2_create_task',
  createPost: 'sora_2_create_post',
} as const;

export type KnownSentinelFlow = (typeof SENTINEL_FLOWS)[keyof typeof SENTINEL_FLOWS];
/** A known flow name, or any other string a future endpoint might need. */
export type SentinelFlow = KnownSentinelFlow | (string & {});

export interface SentinelSource {
  /** A token for one request of the given flow. May reject; the caller then fails or falls back. */
  token(flow: SentinelFlow): Promise<string>;
  /** Called when Sora refused a token: drop any cached token so the next `token()` is fresh. */
  invalidate?(): void;
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

/** A random integer in [min, max] from crypto.getRandomValues. */
function randomInt(min: number, max: number): number {
  const span = max - min + 1;
  const limit = 2 ** 32 - (2 ** 32 % span);
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const x = buf[0]!;
    if (x < limit) return min + (x % span);
  }
}

/** The reference's sentinel: a fresh random 10–20 character alphanumeric string per request. */
export function randomSentinel(): SentinelSource {
  return {
    token: async () => randomAlphanumeric(randomInt(10, 20)),
  };
}

export interface FallbackSentinelOptions {
  /** How long to wait for the primary source before using the fallback. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Asks `primary` first (e.g. a token produced by the sora.chatgpt.com page) and uses `fallback` when the
 * primary rejects, answers an empty string, or takes longer than `timeoutMs`. `invalidate()` reaches both.
 */
export function fallbackSentinel(
  primary: SentinelSource,
  fallback: SentinelSource,
  options: FallbackSentinelOptions = {},
): SentinelSource {
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    async token(flow) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('sentinel source timed out')), timeoutMs);
        });
        const value = await Promise.race([primary.token(flow), timeout]);
        if (typeof value === 'string' && value.length > 0) return value;
      } catch {
        // fall through to the fallback source
      } finally {
        clearTimeout(timer);
      }
      return fallback.token(flow);
    },
    invalidate() {
      primary.invalidate?.();
      fallback.invalidate?.();
    },
  };
}
