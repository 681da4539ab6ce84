/**
 * The one request core every Sora endpoint goes through: base URL, `Authorization: Bearer`, `oai-device-id`,
 * `openai-sentinel-token`, timeout, abort, JSON / schema checking and the error mapping of
 * `shared/sora-api/NOTES.md`.
 *
 * Retries: the core retries only (a) once after a forced access-token refresh when Sora answers 401, and
 * (b) once with a fresh sentinel token when Sora refuses the sentinel token. Transient failures (heavy load,
 * 5xx, 429, network, timeout) are thrown as they are: the job engine owns backoff.
 *
 * The access token never appears in an error message, and nothing here logs.
 */
import * as v from 'valibot';
import { BACKEND_BASE, DEFAULT_TIMEOUT_MS } from './config';
import { classifyError, looksLikeHtml, type RawAnswer, serviceUnavailable, tryParseJson } from './error-map';
import { SoraError } from './errors';
import { redactSecrets } from './redact';
import { SENTINEL_FLOWS, type SentinelFlow, type SentinelSource, SentinelUnavailableError } from './sentinel';

export type FetchFn = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface GetAccessTokenOptions {
  /** Ignore any cached token and ask for a new one (after Sora answered 401). */
  forceRefresh?: boolean;
  /** The token Sora just refused, so a single-flight refresher can tell whether it already moved on. */
  staleToken?: string;
}

export interface SoraHttpDeps {
  /** Default: `globalThis.fetch`, bound. */
  fetch?: FetchFn;
  /** The current access token; throws SoraError 'logged_out' when there is no session. */
  getAccessToken(opts?: GetAccessTokenOptions): Promise<string>;
  /** The `oai-did` device id, sent as `oai-device-id` when known. */
  getDeviceId?(): Promise<string | undefined>;
  sentinel: SentinelSource;
  /**
   * Per attempt. Default {@link DEFAULT_TIMEOUT_MS}. A function is asked before each request: the background
   * passes the user's "wait for Sora to answer" setting, which may change while the worker runs.
   */
  timeoutMs?: number | (() => number | Promise<number>);
  /** Clock for `retry-after` dates. Default `Date.now`. */
  now?: () => number;
  /** Shared with the session read so both see one run of failed connections. Default: its own. */
  reachability?: Reachability;
  /**
   * Told about every finished call: `null` when Sora answered as the Sora app (any 2xx JSON or Sora's own
   * error envelope), else the error. The background keeps the service status from it (lib/service-status).
   */
  onOutcome?: (error: SoraError | null) => void;
}

/**
 * Tells a dropped connection from a Sora that does not answer at all. One failed connection is passing
 * trouble (the job engine retries it as 'network', and a create that may have gone out is looked for). A
 * connection OPENED AFTER a failed one that fails too, with no answer in between, while the browser says it
 * is online, is "Sora is not answering". Requests that were already in flight when the line dropped count as
 * one failure with it, so one glitch under parallel requests stays 'network'. Offline
 * (`navigator.onLine === false`) is always 'network'; outside a browser (node) there is no online flag and
 * nothing is claimed. In memory only: a stopped worker just counts again.
 */
export interface Reachability {
  /** A request is about to connect: its ticket. */
  begin(): number;
  /** Records a failed connection; true when the request began after an earlier failure and we're online. */
  failed(ticket: number): boolean;
  /** Sora (or anything at that address) answered. */
  answered(): void;
}

export function createReachability(
  isOnline: () => boolean | undefined = () =>
    (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine,
): Reachability {
  let issued = 0;
  /** Tickets issued when the current run of failures began (null: the last thing was an answer). */
  let failedAt: number | null = null;
  return {
    begin: () => ++issued,
    failed(ticket) {
      if (failedAt === null) {
        failedAt = issued;
        return false;
      }
      return ticket > failedAt && isOnline() === true;
    },
    answered() {
      failedAt = null;
    },
  };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | null | undefined;

/** Options every endpoint function accepts as its last argument. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Awaited each time, right before the request is handed to the network (the access and sentinel tokens
   * are ready by then). If it throws, nothing is sent. A caller that must know whether a create may have
   * reached Sora records "sent" here: earlier, a worker stopped while a token was being made would leave a
   * job that looks sent but never was.
   */
  beforeSend?: () => Promise<void> | void;
}

export interface RequestSpec<TSchema extends v.GenericSchema> extends CallOptions {
  method: HttpMethod;
  /** Relative to BACKEND_BASE (`/nf/check`), or an absolute URL. */
  path: string;
  /** Added to the URL; `null` / `undefined` values are left out. */
  query?: Record<string, QueryValue>;
  /** JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** Multipart body (the browser sets the boundary). */
  form?: FormData;
  /** Checks the answer. An empty 2xx body is checked as `undefined`. */
  schema: TSchema;
  /**
   * Send `openai-sentinel-token`. `true` uses the `sora_2_create_task` flow; a string names the flow.
   */
  sentinel?: boolean | SentinelFlow;
  /**
   * Fetch credentials mode. Default: the fetch default (`same-origin`, i.e. no Sora cookies from an
   * extension). `'include'` sends the browser's own sora.chatgpt.com cookies (e.g. `oai-did` for invite
   * accept, which the reference sends as a Cookie header that fetch may not set).
   */
  credentials?: RequestCredentials;
  /** Extra headers. Cannot override Authorization or openai-sentinel-token. */
  headers?: Record<string, string>;
  /** The `oai-device-id` for this call, instead of `deps.getDeviceId()`. */
  deviceId?: string;
}

export interface SoraHttp {
  request<TSchema extends v.GenericSchema>(spec: RequestSpec<TSchema>): Promise<v.InferOutput<TSchema>>;
}

/** Builds the full URL of a backend path (or passes an absolute URL through). */
export function backendUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(
    /^https?:\/\//i.test(path) ? path : `${BACKEND_BASE}${path.startsWith('/') ? '' : '/'}${path}`,
  );
  // The Bearer token goes with every call made from this URL: never let it leave the backend.
  if (!url.href.startsWith(`${BACKEND_BASE}/`)) {
    throw new SoraError('bad_request', `Refused to send the access token outside ${BACKEND_BASE}.`);
  }
  for (const [k, val] of Object.entries(query ?? {})) {
    if (val !== null && val !== undefined) url.searchParams.set(k, String(val));
  }
  return url.toString();
}

/** Describes a call for messages without query strings (which could carry ids, never secrets). */
function describeCall(method: string, url: string): string {
  try {
    return `${method} ${new URL(url).pathname.replace(/^\/backend/, '')}`;
  } catch {
    return method;
  }
}

export interface TimedFetchOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** For messages only. */
  what: string;
  /** Counts failed connections (see {@link Reachability}); without it a failure is always 'network'. */
  reachability?: Reachability;
}

/**
 * One fetch with a timeout and an external abort signal, reading the whole body as text. The timeout
 * covers the body too. Works even when `fetchFn` ignores its signal.
 *
 * Redirects are not followed: nothing Sora's API answers redirects, the Bearer token must not travel to
 * wherever a closed site points, and a redirect is how a closed site may say it is gone. The browser hides
 * the target from an extension (an opaque redirect); node shows the 3xx, which the error map reads.
 *
 * @throws SoraError 'timeout' | 'aborted' | 'network' | 'service_unavailable'
 */
export async function timedFetch(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
  opts: TimedFetchOptions,
): Promise<RawAnswer> {
  const external = opts.signal;
  if (external?.aborted) throw new SoraError('aborted', 'Canceled.');
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const onExternalAbort = () => controller.abort();
  external?.addEventListener('abort', onExternalAbort, { once: true });
  const ticket = opts.reachability?.begin() ?? 0;
  const abortedP = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
  abortedP.catch(() => {});
  try {
    const res = await Promise.race([
      fetchFn(url, { redirect: 'manual', ...init, signal: controller.signal }),
      abortedP,
    ]);
    opts.reachability?.answered();
    if (res.type === 'opaqueredirect' || (res.redirected && !sameHost(res.url, url))) {
      let host: string | undefined;
      try {
        host = res.redirected ? new URL(res.url).host : undefined;
      } catch {
        host = undefined;
      }
      throw serviceUnavailable({ kind: 'redirect', what: opts.what, ...(host ? { host } : {}) });
    }
    const text = await Promise.race([res.text(), abortedP]);
    return { status: res.status, headers: res.headers, text };
  } catch (cause) {
    if (cause instanceof SoraError) throw cause;
    if (external?.aborted) throw new SoraError('aborted', 'Canceled.');
    if (timedOut) {
      throw new SoraError(
        'timeout',
        `Sora did not answer within ${Math.round(opts.timeoutMs / 1000)} s (${opts.what}).`,
      );
    }
    if (opts.reachability?.failed(ticket)) throw serviceUnavailable({ kind: 'unreachable', what: opts.what });
    throw new SoraError('network', `Could not reach Sora (${opts.what}). Check the connection.`, {
      cause: cause instanceof Error ? new Error(cause.message) : undefined,
    });
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', onExternalAbort);
  }
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}

/**
 * Checks a 2xx body against a schema. An empty body is checked as `undefined`.
 *
 * @throws SoraError 'bad_response' | 'cloudflare_challenge' | 'service_unavailable' (a web page where JSON is
 *   due: Cloudflare's page is told apart first)
 */
export function parseSuccess<TSchema extends v.GenericSchema>(
  answer: RawAnswer,
  schema: TSchema,
  what: string,
): v.InferOutput<TSchema> {
  let value: unknown;
  if (answer.text.trim() === '') {
    value = undefined;
  } else {
    const parsed = tryParseJson(answer.text);
    if (!parsed.ok) {
      if (/just a moment/i.test(answer.text)) {
        throw new SoraError(
          'cloudflare_challenge',
          'Sora asked for a browser check (Cloudflare). Open sora.chatgpt.com once, then try again.',
          { status: answer.status },
        );
      }
      if (looksLikeHtml(answer)) {
        const contentType = answer.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
        throw serviceUnavailable({
          kind: 'html',
          status: answer.status,
          what,
          ...(contentType ? { contentType } : {}),
        });
      }
      throw new SoraError('bad_response', `Sora answered ${what} with something that is not JSON.`, {
        status: answer.status,
      });
    }
    value = parsed.value;
  }
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue ? v.getDotPath(issue) : null;
    throw new SoraError(
      'bad_response',
      `Sora's answer to ${what} did not have the expected shape${where ? ` (at ${where})` : ''}.`,
      { status: answer.status },
    );
  }
  return result.output;
}

/** Creates the request core. Keep one per access-token owner (the background); it holds no token itself. */
export function createSoraHttp(deps: SoraHttpDeps): SoraHttp {
  const fetchFn: FetchFn = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const now = deps.now ?? Date.now;
  const timeoutDep = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  async function defaultTimeout(): Promise<number> {
    if (typeof timeoutDep === 'number') return timeoutDep;
    try {
      return await timeoutDep();
    } catch {
      return DEFAULT_TIMEOUT_MS;
    }
  }
  const reachability = deps.reachability ?? createReachability();

  async function getToken(opts?: GetAccessTokenOptions): Promise<string> {
    try {
      return await deps.getAccessToken(opts);
    } catch (e) {
      if (e instanceof SoraError) throw e;
      // The auth layer throws SoraErrors ('logged_out', 'network', …); anything else is an unexpected,
      // presumably passing failure: 'network' keeps the job retrying rather than pausing it as logged out.
      throw new SoraError('network', 'Could not get a Sora access token.', {
        cause: e instanceof Error ? new Error(e.message) : undefined,
      });
    }
  }

  async function getSentinel(flow: SentinelFlow, deviceId: string | undefined): Promise<string> {
    try {
      return await deps.sentinel.token(flow, deviceId ? { deviceId } : {});
    } catch (e) {
      const reason = e instanceof SentinelUnavailableError ? e.reason : 'exchange_failed';
      throw new SoraError(
        'sentinel_unavailable',
        'No security token (sentinel) could be made; nothing was sent.',
        {
          param: reason,
        },
      );
    }
  }

  async function request<TSchema extends v.GenericSchema>(
    spec: RequestSpec<TSchema>,
  ): Promise<v.InferOutput<TSchema>> {
    try {
      const value = await send(spec);
      deps.onOutcome?.(null);
      return value;
    } catch (e) {
      if (e instanceof SoraError) deps.onOutcome?.(e);
      throw e;
    }
  }

  async function send<TSchema extends v.GenericSchema>(
    spec: RequestSpec<TSchema>,
  ): Promise<v.InferOutput<TSchema>> {
    const url = backendUrl(spec.path, spec.query);
    const what = describeCall(spec.method, url);
    const timeoutMs = spec.timeoutMs ?? (await defaultTimeout());
    const flow: SentinelFlow | undefined =
      spec.sentinel === true ? SENTINEL_FLOWS.createTask : spec.sentinel ? spec.sentinel : undefined;

    let token = await getToken();
    const deviceId = spec.deviceId ?? (await deps.getDeviceId?.().catch(() => undefined));
    let sentinelToken = flow === undefined ? undefined : await getSentinel(flow, deviceId);
    let authRetried = false;
    let sentinelRetried = false;

    for (;;) {
      const headers = new Headers(spec.headers);
      headers.set('accept', 'application/json');
      headers.set('authorization', `Bearer ${token}`);
      if (deviceId) headers.set('oai-device-id', deviceId);
      if (sentinelToken !== undefined) headers.set('openai-sentinel-token', sentinelToken);
      else headers.delete('openai-sentinel-token');
      let body: BodyInit | undefined;
      if (spec.form !== undefined) {
        body = spec.form;
        headers.delete('content-type');
      } else if (spec.json !== undefined) {
        body = JSON.stringify(spec.json);
        headers.set('content-type', 'application/json');
      }
      const init: RequestInit = { method: spec.method, headers, body };
      if (spec.credentials !== undefined) init.credentials = spec.credentials;

      await spec.beforeSend?.();
      const answer = await timedFetch(fetchFn, url, init, {
        timeoutMs,
        signal: spec.signal,
        what,
        reachability,
      });
      if (answer.status >= 200 && answer.status < 300) return parseSuccess(answer, spec.schema, what);

      const usedToken = token;
      const redact = (s: string) => redactSecrets(s, [usedToken]);
      const classified = classifyError(answer, { now: now(), redact, what });
      if (classified.kind === 'auth' && !authRetried) {
        authRetried = true;
        token = await getToken({ forceRefresh: true, staleToken: usedToken });
        continue;
      }
      if (classified.kind === 'sentinel' && flow !== undefined && !sentinelRetried) {
        sentinelRetried = true;
        deps.sentinel.invalidate?.();
        sentinelToken = await getSentinel(flow, deviceId);
        continue;
      }
      throw classified.error;
    }
  }

  return { request };
}
