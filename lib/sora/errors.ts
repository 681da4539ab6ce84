/**
 * One error type for everything that can go wrong talking to Sora. Callers branch on `code`, never on
 * messages; `message` is a readable English fallback, the UI shows a localized text per code.
 */
export const SORA_ERROR_CODES = [
  /** 401 token_expired / token_invalidated / unparsable token, still failing after one refresh. */
  'auth_expired',
  /** No session cookie, or /api/auth/session answered without an accessToken. */
  'logged_out',
  /** 400 sentinel_block, or invalid_request "something didn't look right" (sentinel token refused). */
  'sentinel_rejected',
  /**
   * No real sentinel token could be made (no Sora tab, no site access to chatgpt.com, or its exchange failed):
   * nothing was sent; the job waits. `param` holds the reason (`no_access` / `exchange_failed` / `no_tab`).
   */
  'sentinel_unavailable',
  /** 429 too_many_concurrent_tasks: the account already runs its ceiling of tasks. */
  'too_many_concurrent',
  /** 429 rate_limit_exhausted: the daily allowance is used up. */
  'daily_limit',
  /** Any other 429; honour `retryAfterMs`. */
  'rate_limited',
  /** "We're under heavy load" (code heavy_load). */
  'heavy_load',
  /** HTTP 5xx. */
  'server_error',
  /** unsupported_country_code; `param` holds the country. */
  'unsupported_country',
  /** Cloudflare challenge: 403 with cf-mitigated: challenge or a "Just a moment" page. */
  'cloudflare_challenge',
  /** 404. */
  'not_found',
  /** Any other 4xx Sora refused. */
  'bad_request',
  /** The content was refused by Sora's policy (a violation draft or a failed task with a reason). */
  'policy_violation',
  /** fetch itself failed: offline, DNS, connection dropped. */
  'network',
  /** No answer within the time limit. */
  'timeout',
  /** The answer was not JSON or did not have the shape we need. */
  'bad_response',
  /** The caller aborted the request. */
  'aborted',
  /**
   * sora.chatgpt.com answered with something that is not the Sora app (404 / 410 without Sora's error
   * envelope, HTML where JSON is due, a redirect away) or could not be reached while the browser is online.
   * `seen` says which. Not transient in the retry sense: callers pause and re-check (NOTES.md "Service status").
   */
  'service_unavailable',
  /** Not Sora: the browser refused to store more (QuotaExceededError). Nothing was written; retried later. */
  'storage_full',
  /** Not Sora: the database was written by a newer version of the extension; it is open read-only. */
  'storage_read_only',
] as const;

export type SoraErrorCode = (typeof SORA_ERROR_CODES)[number];

/** What was seen when Sora did not answer as the Sora app (no secrets, no bodies). */
export interface ServiceSeen {
  /**
   * `status`: a 404 / 410 without Sora's error envelope; `html`: a web page (or other non-JSON) where JSON is
   * due; `redirect`: sent to another address; `unreachable`: no answer at all (DNS, TLS, dropped connection).
   */
  kind: 'status' | 'html' | 'redirect' | 'unreachable';
  status?: number;
  /** The answer's content type, without parameters. */
  contentType?: string;
  /** The redirect target's host, when the browser lets us see it (it hides it from extensions). */
  host?: string;
  /** What the request was, e.g. "GET /nf/check". */
  what?: string;
}

export interface SoraErrorInit {
  status?: number;
  /** Sora's own error code (`error.code`), kept for diagnostics. */
  serverCode?: string;
  /** `error.param`, e.g. the country for unsupported_country_code. */
  param?: string;
  retryAfterMs?: number;
  /** For too_many_concurrent: `error.details.num_tasks`. */
  numTasks?: number;
  /** Refused by the extension's own checks: nothing was sent to Sora. */
  local?: boolean;
  /** For service_unavailable: what was seen. */
  seen?: ServiceSeen;
  cause?: unknown;
}

export class SoraError extends Error {
  readonly code: SoraErrorCode;
  readonly status?: number;
  readonly serverCode?: string;
  readonly param?: string;
  readonly retryAfterMs?: number;
  readonly numTasks?: number;
  readonly local?: boolean;
  readonly seen?: ServiceSeen;

  constructor(code: SoraErrorCode, message: string, init: SoraErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SoraError';
    this.code = code;
    this.status = init.status;
    this.serverCode = init.serverCode;
    this.param = init.param;
    this.retryAfterMs = init.retryAfterMs;
    this.numTasks = init.numTasks;
    if (init.local) this.local = true;
    if (init.seen) this.seen = init.seen;
  }

  /** The plain `{code, message, …}` form that crosses the message layer and is stored on jobs. */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.param === undefined ? {} : { param: this.param }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.local ? { local: true } : {}),
      ...(this.seen ? { seen: { ...this.seen } } : {}),
    };
  }
}

export interface SerializedError {
  code: SoraErrorCode;
  message: string;
  status?: number;
  param?: string;
  retryAfterMs?: number;
  /** Refused by the extension's own checks (bad input): nothing was sent to Sora. */
  local?: boolean;
  /** For service_unavailable: what was seen. */
  seen?: ServiceSeen;
}

/** Errors worth retrying later with backoff; everything else needs the user or is final. */
export function isTransient(code: SoraErrorCode): boolean {
  return (
    code === 'heavy_load' ||
    code === 'server_error' ||
    code === 'network' ||
    code === 'timeout' ||
    code === 'rate_limited' ||
    code === 'bad_response'
  );
}

export function isSoraError(e: unknown): e is SoraError {
  return e instanceof SoraError;
}

export const STORAGE_FULL_MESSAGE =
  'Your browser refused to store more: free space on the disk (or clear other sites’ data), and Companion carries on where it stopped.';

/** A refused write for quota, however the browser names it (lib/db/storage.ts has the fuller check). */
const isQuotaName = (e: unknown): boolean => {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
};

/** Turns anything thrown into the serializable form, without ever including request headers. */
export function toSerializedError(e: unknown): SerializedError {
  if (e instanceof SoraError) return e.toJSON();
  if (isQuotaName(e)) return { code: 'storage_full', message: STORAGE_FULL_MESSAGE };
  if (e instanceof Error && e.name === 'AbortError') return { code: 'aborted', message: 'Canceled.' };
  return { code: 'bad_response', message: e instanceof Error ? e.message : String(e) };
}
