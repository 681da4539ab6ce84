/**
 * Turns a refused HTTP answer into a {@link SoraError}, as `shared/sora-api/NOTES.md` "Errors" describes.
 * Pure: no fetch, no retries (the http core decides about the one auth retry and the one sentinel retry
 * from {@link ErrorKind}).
 */
import { type ServiceSeen, SoraError } from './errors';
import { redactSecrets } from './redact';

/** What the error body said, from `{"error":{message,type,param,code,details}}` or looser shapes. */
export interface ErrorEnvelope {
  message?: string;
  type?: string;
  param?: string;
  code?: string;
  details?: Record<string, unknown>;
  /** The top-level `status` some answers carry. */
  status?: number | string;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty). */
  text: string;
}

const asString = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses JSON, or returns `undefined` when the text is not JSON. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Reads the error envelope from a body. Understands `{"error":{…}}`, `{"error":"code",
 * "error_description":"…"}` (OAuth), `{"detail":"…"}` and `{"message":"…"}`.
 */
export function parseEnvelope(text: string): ErrorEnvelope | undefined {
  const parsed = tryParseJson(text);
  if (!parsed.ok || !isRecord(parsed.value)) return undefined;
  const body = parsed.value;
  const status = typeof body.status === 'number' || typeof body.status === 'string' ? body.status : undefined;
  const err = body.error;
  if (isRecord(err)) {
    return {
      message: asString(err.message),
      type: asString(err.type),
      param: asString(err.param),
      code: asString(err.code),
      details: isRecord(err.details) ? err.details : undefined,
      status,
    };
  }
  if (typeof err === 'string') {
    return { code: err, message: asString(body.error_description) ?? asString(body.message) ?? err, status };
  }
  const detail = body.detail;
  if (typeof detail === 'string') return { message: detail, status };
  if (isRecord(detail)) return { message: asString(detail.message), code: asString(detail.code), status };
  if (typeof body.message === 'string') return { message: body.message, code: asString(body.code), status };
  return undefined;
}

/**
 * `retry-after` in ms: delta-seconds (`"30"`, `"1.5"`) or an HTTP date (relative to `now`). Negative
 * deltas become 0; anything unreadable is `undefined`.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const SENTINEL_MESSAGE = /didn['’`]?t look right/i;
const HEAVY_LOAD_MESSAGE = /under heavy load/i;

/**
 * How the http core should react: `auth` → force an AT refresh and retry once; `sentinel` → new sentinel
 * token and retry once; `final` → throw `error`.
 */
export type ErrorKind = 'auth' | 'sentinel' | 'final';

export interface ClassifiedError {
  kind: ErrorKind;
  /** The error to throw (for `auth` / `sentinel`: the one to throw when the retry is used up). */
  error: SoraError;
}

export interface ClassifyContext {
  now: number;
  /** Replaces secrets in any text taken from the server before it goes into a message. */
  redact: (s: string) => string;
  /** Short description of the call for messages, e.g. "POST /nf/create". */
  what: string;
}

const hasCode = (env: ErrorEnvelope | undefined, ...codes: string[]) =>
  env !== undefined && codes.some((c) => env.code === c || env.type === c);

function isCloudflareChallenge(answer: RawAnswer, isJson: boolean): boolean {
  if ((answer.headers.get('cf-mitigated') ?? '').toLowerCase().includes('challenge')) return true;
  return !isJson && /just a moment/i.test(answer.text);
}

/** The content type without parameters (`text/html`), or undefined. */
export function contentTypeOf(headers: Headers): string | undefined {
  const value = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  return value ? value : undefined;
}

/** A web page rather than an API answer: declared as HTML, or a body that starts like markup. */
export function looksLikeHtml(answer: RawAnswer): boolean {
  return contentTypeOf(answer.headers) === 'text/html' || /^\s*</.test(answer.text);
}

/** The one sentence of NOTES.md "Service status", with what was seen kept on the error. */
export function serviceUnavailable(seen: ServiceSeen): SoraError {
  return new SoraError('service_unavailable', 'Sora is not answering at sora.chatgpt.com.', {
    ...(seen.status === undefined ? {} : { status: seen.status }),
    seen,
  });
}

/**
 * Whether a refused answer comes from something other than the Sora app (NOTES.md "Service status"): 410,
 * a redirect, or a 4xx that is a web page instead of Sora's JSON error envelope. A 404 WITH the envelope is
 * one missing item and stays `not_found`; Cloudflare's page is checked before this. 5xx pages stay
 * `server_error` (passing trouble behind Cloudflare looks like that).
 */
function serviceSeen(answer: RawAnswer, isJson: boolean, what: string): ServiceSeen | undefined {
  const { status } = answer;
  const contentType = contentTypeOf(answer.headers);
  const base = { status, what, ...(contentType ? { contentType } : {}) };
  if (status >= 300 && status < 400) {
    let host: string | undefined;
    try {
      const location = answer.headers.get('location');
      if (location) host = new URL(location, 'https://sora.chatgpt.com/').host;
    } catch {
      host = undefined;
    }
    return { kind: 'redirect', ...base, ...(host ? { host } : {}) };
  }
  if (status === 410) return { kind: 'status', ...base };
  if (status >= 400 && status < 500 && !isJson && answer.text.trim() !== '') {
    return { kind: looksLikeHtml(answer) ? 'html' : 'status', ...base };
  }
  return undefined;
}

/** Maps a non-2xx answer (or a 2xx Cloudflare page) to a SoraError and tells whether a retry may help. */
export function classifyError(answer: RawAnswer, ctx: ClassifyContext): ClassifiedError {
  const { status, headers } = answer;
  const isJson = tryParseJson(answer.text).ok;
  const env = parseEnvelope(answer.text);
  // Every field of the answer that can end up in the error is cleaned, not only the message: a service may
  // echo a token into `param`, `code` or `type` as well. JWT-looking runs go even when the caller knows no
  // secret (the session read).
  const clean = (s: string | undefined) => (s === undefined ? undefined : redactSecrets(ctx.redact(s)));
  const serverMessage = env?.message ? clean(env.message)?.slice(0, 500) : undefined;
  const param = clean(env?.param)?.slice(0, 200);
  const base = {
    status,
    serverCode: clean(env?.code ?? env?.type)?.slice(0, 200),
    param,
  };
  const final = (error: SoraError): ClassifiedError => ({ kind: 'final', error });
  const withServer = (fallback: string) => (serverMessage ? `${fallback}: ${serverMessage}` : fallback);

  if (isCloudflareChallenge(answer, isJson)) {
    return final(
      new SoraError(
        'cloudflare_challenge',
        'Sora asked for a browser check (Cloudflare). Open sora.chatgpt.com once, then try again.',
        base,
      ),
    );
  }
  const seen = status === 401 || status === 429 ? undefined : serviceSeen(answer, isJson, ctx.what);
  if (seen) return final(serviceUnavailable(seen));
  if (hasCode(env, 'unsupported_country_code')) {
    return final(
      new SoraError(
        'unsupported_country',
        param ? `Sora is not available in this country (${param}).` : 'Sora is not available here.',
        base,
      ),
    );
  }
  if (status === 401) {
    // The documented ones are token_expired, token_invalidated, "Could not parse your authentication token"
    // and "Missing bearer authentication"; any other 401 is treated the same way (refresh once, retry once).
    return {
      kind: 'auth',
      error: new SoraError(
        'auth_expired',
        'Your Sora session has expired. Log in at sora.chatgpt.com again.',
        base,
      ),
    };
  }
  if (
    (status >= 400 && status < 500 && hasCode(env, 'sentinel_block')) ||
    (status === 400 && serverMessage !== undefined && SENTINEL_MESSAGE.test(serverMessage))
  ) {
    return {
      kind: 'sentinel',
      error: new SoraError(
        'sentinel_rejected',
        'Sora refused the request security check (sentinel token). Open sora.chatgpt.com once, then try again.',
        base,
      ),
    };
  }
  if (hasCode(env, 'heavy_load') || (serverMessage !== undefined && HEAVY_LOAD_MESSAGE.test(serverMessage))) {
    return final(
      new SoraError('heavy_load', 'Sora is under heavy load. Trying again later.', {
        ...base,
        retryAfterMs: parseRetryAfter(headers.get('retry-after'), ctx.now),
      }),
    );
  }
  if (status === 429) {
    if (hasCode(env, 'too_many_concurrent_tasks')) {
      const fromDetails = env?.details?.num_tasks;
      const fromMessage = serverMessage?.match(/(\d+)\s+generations?\s+in\s+progress/i)?.[1];
      const numTasks =
        typeof fromDetails === 'number'
          ? fromDetails
          : typeof fromDetails === 'string' && /^\d+$/.test(fromDetails)
            ? Number(fromDetails)
            : fromMessage !== undefined
              ? Number(fromMessage)
              : undefined;
      return final(
        new SoraError('too_many_concurrent', withServer('Too many generations in progress'), {
          ...base,
          numTasks,
        }),
      );
    }
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), ctx.now);
    if (hasCode(env, 'rate_limit_exhausted')) {
      return final(
        new SoraError('daily_limit', 'The daily Sora allowance is used up.', { ...base, retryAfterMs }),
      );
    }
    return final(
      new SoraError('rate_limited', withServer('Sora is rate limiting requests'), { ...base, retryAfterMs }),
    );
  }
  if (status === 404) {
    return final(new SoraError('not_found', withServer(`Not found (${ctx.what})`), base));
  }
  if (status >= 400 && status < 500) {
    // The catalogue's sentence already says "Sora refused the request: {message}", so the message is only
    // the reason (saying it twice read "Sora refused the request: Sora refused the request (410): Gone").
    return final(
      new SoraError('bad_request', serverMessage ? `${serverMessage} (${status})` : `HTTP ${status}`, base),
    );
  }
  if (status >= 500) {
    return final(
      new SoraError('server_error', withServer(`Sora server error (${status})`), {
        ...base,
        retryAfterMs: parseRetryAfter(headers.get('retry-after'), ctx.now),
      }),
    );
  }
  return final(new SoraError('bad_response', `Unexpected answer ${status} from ${ctx.what}`, base));
}
